"""Draft one interview's feedback with a model: template + transcript (+ cached context) -> a draft.

The steps: pick the template (the one asked for; else the interviewer's form for the interview,
the interview's, or the only one the account has), read the context from the cache, build the
prompt, ask the provider, check the answer against the template (asking once more, with the
problems named, when it does not fit), verify the evidence against the transcript, and hand the
document to the same intake as a relay draft (``review.intake.receive_draft``), so near misses
get the same one-click fixes and flags. The document records the provider, model and tokens.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lever_desktop.drafting import evidence, prompt
from lever_desktop.drafting.providers import (
    Answer,
    Provider,
    ProviderError,
    ask,
    preview,
    provider_from_settings,
)
from lever_desktop.drafting.transcript import Transcript
from lever_desktop.review import cache_view, editing, intake
from lever_desktop.review.document import SCHEMA
from lever_desktop.review.validation import check_values
from lever_desktop.store import queries

_log = logging.getLogger(__name__)
SOURCE = "ai"  # the draft's source in review, beside "relay" and "file"


class DraftingError(ValueError):
    """Nothing was sent: the opportunity, interview or template cannot be found; one sentence."""


@dataclass
class DraftOutcome:
    """What one drafting run produced; ``draft_id`` is None when nothing reached review, and then
    ``problems`` say why. With a draft, ``problems`` list what the reviewer will find flagged."""

    draft_id: str | None
    problems: list[str] = field(default_factory=list)
    provider: str = ""
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    evidence_kept: int = 0
    evidence_dropped: int = 0


@dataclass(frozen=True)
class Plan:
    """Everything decided before the model is asked."""

    template_id: str
    template: dict[str, Any]
    context: prompt.Context
    interviewer_email: str
    panel_id: str | None


async def draft_interview(
    session: Any,
    *,
    opportunity_id: str,
    interview_id: str | None = None,
    template_id: str | None = None,
    transcript: Transcript,
    anonymize: bool = False,
    provider: Provider | None = None,
) -> DraftOutcome:
    """Ask the provider for a draft and hand it to intake. A provider's fault (rate limit, timeout,
    refusal, an unusable answer twice) is an outcome without a draft, whose ``problems`` say what
    happened; DraftingError when nothing could be sent at all."""
    provider = provider or await _configured(session)
    plan = await _plan(session, opportunity_id, interview_id, template_id)
    outcome = DraftOutcome(None, provider=provider.kind, model=provider.model)
    request, sent = prompt.build(plan.template, transcript, plan.context, anonymize=anonymize)
    try:
        answer = _count(outcome, await ask(provider, request))
        problems = _problems(plan.template, answer)
        if problems and not answer.refused:  # once more, told what to fix
            request, sent = prompt.build(
                plan.template, transcript, plan.context, anonymize=anonymize, problems=problems
            )
            retry = _count(outcome, await ask(provider, request))
            retry_problems = _problems(plan.template, retry)
            if retry.fields is not None or retry.refused or answer.fields is None:
                answer, problems = retry, retry_problems
    except ProviderError as e:
        outcome.problems = [str(e)]
        return outcome
    if answer.refused or answer.problem or answer.fields is None:
        outcome.problems = [answer.problem or "The model sent an empty answer."]
        return outcome
    fields = _tidy(answer.fields, plan.template)
    check = evidence.verify(fields, sent)
    outcome.evidence_kept, outcome.evidence_dropped = check.kept, check.dropped
    doc = _document(plan, opportunity_id, interview_id, fields, provider, outcome, transcript)
    result = await _store_unless_cancelled(session, doc)
    if result.status != "received":
        outcome.problems = result.problems or [f"The draft was not stored ({result.status})."]
        return outcome
    outcome.draft_id = result.draft_id
    outcome.problems = [f["message"] for f in result.flags if f["code"] in ("invalid_value", "evidence_not_found")]
    return outcome


async def preview_request(
    session: Any,
    *,
    opportunity_id: str,
    interview_id: str | None = None,
    template_id: str | None = None,
    transcript: Transcript,
    anonymize: bool = False,
    provider: Provider | None = None,
) -> str:
    """The exact request ``draft_interview`` would send first, as JSON text ("Show what will be
    sent"; ``drafts create --dry-run``). Sends nothing."""
    provider = provider or await _configured(session)
    plan = await _plan(session, opportunity_id, interview_id, template_id)
    request, _ = prompt.build(plan.template, transcript, plan.context, anonymize=anonymize)
    return preview(provider, request)


async def _configured(session: Any) -> Provider:
    """The configured provider, read off the event loop: the keychain may take seconds to answer."""
    offload = getattr(session, "offload", None)
    if offload is None:
        return provider_from_settings(session.settings)
    return await offload(provider_from_settings, session.settings)


def _count(outcome: DraftOutcome, answer: Answer) -> Answer:
    outcome.input_tokens += answer.input_tokens
    outcome.output_tokens += answer.output_tokens
    outcome.model = answer.model or outcome.model
    return answer


def _problems(template: dict[str, Any], answer: Answer) -> list[str]:
    """Why the answer does not fit the template, as the model should read it (at most
    ``_MAX_PROBLEMS``: a 10 MB answer of invented ids must not become a 10 MB retry prompt)."""
    if answer.problem:
        return [answer.problem]
    values = {
        f["id"]: f.get("value") for f in answer.fields or [] if isinstance(f, dict) and isinstance(f.get("id"), str)
    }
    check = check_values(template, values)
    labels = {str(f.get("id")): str(f.get("text") or "") for f in template.get("fields") or [] if isinstance(f, dict)}
    out = [f"{e['fieldId']} ({labels.get(e['fieldId'], '')}): {e['message']}" for e in check.errors]
    out += [f"{fid} is not a question of this form" for fid in check.unknown_fields]
    # Counted once (not ids.count per id): 20,000 answers took 11 s on the window's thread.
    counts = Counter(i for f in answer.fields or [] if isinstance(f, dict) and isinstance(i := f.get("id"), str))
    out += [f"{fid} is answered {n} times; answer each question once" for fid, n in counts.items() if n > 1]
    if len(out) > _MAX_PROBLEMS:
        out = [*out[:_MAX_PROBLEMS], f"and {len(out) - _MAX_PROBLEMS} more problems like these"]
    return out


_MAX_PROBLEMS = 30
_MAX_QUOTES = 10  # the prompt asks for one to three; more is noise, and each costs a search of the transcript


def _tidy(answers: list[Any], template: dict[str, Any]) -> list[dict[str, Any]]:
    """The answers as draft@1 takes them, whatever the model sent (the SDKs do not check it):
    only the form's questions, each once (an id the form lacks is the model's invention, and a
    second answer to the same question is dropped, the first kept: intake would refuse the whole
    draft); confidence a number 0-1, evidence a list of quotes and rationale text, so a sloppy
    model's "high" or 85 costs a flag in review, not the whole draft."""
    known = {f.get("id") for f in template.get("fields") or [] if isinstance(f, dict)}
    out: dict[str, dict[str, Any]] = {}
    for f in answers:
        if not isinstance(f, dict) or not isinstance(f.get("id"), str) or f["id"] in out or f["id"] not in known:
            continue
        f = dict(f)
        if "confidence" in f:
            f["confidence"] = _confidence(f["confidence"])
        if "evidence" in f:
            quotes = f["evidence"] if isinstance(f["evidence"], list) else [f["evidence"]] if f["evidence"] else []
            f["evidence"] = [q if isinstance(q, dict) else {"quote": q} for q in quotes[:_MAX_QUOTES]]
        if "rationale" in f and not isinstance(f["rationale"], str):
            f["rationale"] = None
        out[f["id"]] = f
    return list(out.values())


def _confidence(c: Any) -> float:
    """0-1 as draft@1 takes it (a model's 1 is 1.0); 1-100 read as a percentage; anything else
    (text, out of range) is 0, so review asks the reviewer to confirm the answer."""
    if isinstance(c, bool) or not isinstance(c, (int, float)) or not math.isfinite(c):
        return 0.0
    if 1 < c <= 100:
        c = c / 100
    return float(c) if 0 <= c <= 1 else 0.0


def _document(
    plan: Plan,
    opportunity_id: str,
    interview_id: str | None,
    fields: list[dict[str, Any]],
    provider: Provider,
    outcome: DraftOutcome,
    transcript: Transcript,
) -> dict[str, Any]:
    return {
        "schema": SCHEMA,
        "draftId": f"ai-{uuid.uuid4().hex}",
        "opportunityId": opportunity_id,
        "templateId": plan.template_id,
        "panelId": plan.panel_id if interview_id else None,
        "interviewId": interview_id,
        "interviewerEmail": plan.interviewer_email,
        "createdAt": int(time.time() * 1000),
        "model": outcome.model,
        "fields": fields,
        # Kept verbatim by intake (draft@1 allows extra keys): what drafted it and what it cost.
        "provider": provider.kind,
        "usage": {"inputTokens": outcome.input_tokens, "outputTokens": outcome.output_tokens},
        "transcript": transcript.source,
        "evidenceCheck": {"kept": outcome.evidence_kept, "dropped": outcome.evidence_dropped},
    }


# --- what the cache knows -------------------------------------------------------------------------


async def _plan(session: Any, opportunity_id: str, interview_id: str | None, template_id: str | None) -> Plan:
    store, engine = session.store, getattr(session, "engine", None)
    if store is None:
        raise DraftingError("The cache is not open.")
    plan = await store.call(_read_plan, opportunity_id, interview_id, template_id, session.reviewer)
    if isinstance(plan, str) and engine is not None and getattr(engine, "state", None) != "offline":
        try:  # the interview or template may be newer than the cache: one targeted refresh
            await engine.refresh_opportunity(opportunity_id)
            if template_id:
                await engine.ensure_template(template_id)
        except Exception as e:  # noqa: BLE001 - offline or not found: the message below says what is missing
            _log.info("refreshing opportunity %s for drafting failed: %s", opportunity_id, e)
        plan = await store.call(_read_plan, opportunity_id, interview_id, template_id, session.reviewer)
    if isinstance(plan, str):
        raise DraftingError(plan)
    return plan


def _read_plan(
    conn: Any, opportunity_id: str, interview_id: str | None, template_id: str | None, reviewer: str
) -> Plan | str:
    """The plan, or why there is none (a string: nothing is sent)."""
    detail = queries.get_opportunity(conn, opportunity_id)
    if detail is None:
        return f"Opportunity {opportunity_id} is not in the cache; sync, or check the id."
    interview = next((i for i in detail.interviews if i.id == interview_id), None)
    if interview_id and interview is None:
        return f"Interview {interview_id} is not one of opportunity {opportunity_id}'s interviews in the cache."
    interviewer = _interviewer(interview, reviewer, detail.feedback)
    chosen = template_id or _default_template(conn, interview, interviewer)
    if chosen is None:
        return (
            "Choose a feedback template: the interview names none and the account has several "
            "(--template ID; 'lever-desktop sync' lists them in the cache)."
        )
    cached = cache_view.template(conn, chosen)
    if cached is None:
        return f"Feedback template {chosen} is not in the cache; sync, or check the id."
    postings = {p.id: p for p in queries.list_postings(conn)}
    titles = tuple(p.text or p.id for pid in detail.summary.posting_ids if (p := postings.get(pid)))
    name = detail.summary.name
    context = prompt.Context(
        candidate=name,
        headline=detail.summary.headline,
        postings=titles,
        interview=interview.subject if interview else None,
        interview_at=interview.date if interview else None,
        interviewer=interviewer.name if interviewer else None,
        template_name=cached[1].get("text"),
        names=prompt.names_of(name),
    )
    email = (interviewer.email if interviewer and interviewer.email else None) or reviewer
    return Plan(chosen, cached[1], context, email, interview.panel_id if interview else None)


def _interviewer(interview: Any, reviewer: str, feedback: list[Any]) -> Any:
    """Whose feedback this is: the configured user when on the interview, else the first
    interviewer who has not written theirs yet (else the first)."""
    people = list(interview.interviewers) if interview else []
    mine = next((p for p in people if p.email and reviewer and p.email.lower() == reviewer.lower()), None)
    written = {f.user_id for f in feedback if f.interview_id == interview.id} if interview else set()
    return mine or next((p for p in people if p.user_id not in written), people[0] if people else None)


def _default_template(conn: Any, interview: Any, interviewer: Any) -> str | None:
    """The interviewer's form for the interview, the interview's, else the only template there is."""
    if interviewer is not None and interviewer.feedback_template_id:
        return interviewer.feedback_template_id
    if interview is not None and interview.feedback_template_id:
        return interview.feedback_template_id
    templates = queries.list_templates(conn)
    return templates[0].template_id if len(templates) == 1 else None


async def _store_unless_cancelled(session: Any, doc: dict[str, Any]) -> intake.IntakeResult:
    """Intake, all or nothing for whoever cancels: the store's thread finishes a write it has
    begun even when the caller is cancelled, so a Cancel pressed while the draft was being stored
    used to leave it in review while the window said "nothing was saved". The write now runs to its
    end; a draft it stored for a cancelled caller is discarded (the audit trail says why)."""
    storing = asyncio.ensure_future(
        intake.receive_draft(
            session.store,
            doc,
            SOURCE,
            engine=getattr(session, "engine", None),
            confidence_threshold=session.settings.confidence_threshold,
        )
    )
    try:
        return await asyncio.shield(storing)
    except asyncio.CancelledError:
        result = await asyncio.shield(storing)  # uninterruptible: a few milliseconds on the store's thread
        if result.status == "received" and result.draft_id:
            await asyncio.shield(
                session.store.call(editing.discard, result.draft_id, "drafting cancelled by the reviewer")
            )
        raise
