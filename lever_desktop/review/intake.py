"""Intake: a draft document from the relay feed or a file becomes a draft to review.

Intake never loses a draft and never trusts one: a document that is not a
draft is refused with every reason; a valid one is stored once per
``draftId`` (the relay may deliver twice), linked to what the cache knows,
and flagged where it does not fit. Linking may ask the sync engine for a
targeted refresh when something is missing, but a failed refresh (offline)
only leaves a flag: reviewing works from the cache.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from lever_desktop.forms.kinds import describe
from lever_desktop.review import cache_view, drafts
from lever_desktop.review.authors import AuthorUnresolved, resolve_author
from lever_desktop.review.document import DraftDocument, DraftDocumentError, parse_draft, with_plain_line_ends
from lever_desktop.review.lifecycle import DraftState
from lever_desktop.review.refresher import CacheRefresher
from lever_desktop.review.validation import check_values
from lever_desktop.store import Store

_log = logging.getLogger(__name__)
DEFAULT_CONFIDENCE_THRESHOLD = 0.6


@dataclass
class IntakeResult:
    status: str  # received | duplicate | invalid
    draft_id: str | None
    problems: list[str] = field(default_factory=list)
    flags: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Links:
    opportunity: dict[str, Any] | None
    template: tuple[str, dict[str, Any]] | None
    interview: dict[str, Any] | None
    panel_known: bool
    users: list[dict[str, Any]]


def _flag(code: str, message: str, field_id: str | None = None) -> dict[str, Any]:
    f: dict[str, Any] = {"code": code, "message": message}
    if field_id:
        f["fieldId"] = field_id
    return f


def _read_links(conn: Any, d: DraftDocument) -> _Links:
    return _Links(
        opportunity=cache_view.opportunity(conn, d.opportunityId),
        template=cache_view.template(conn, d.templateId),
        interview=cache_view.interview(conn, d.interviewId) if d.interviewId else None,
        panel_known=cache_view.panel_exists(conn, d.panelId) if d.panelId else True,
        users=cache_view.users(conn),
    )


def _missing(links: _Links, d: DraftDocument) -> tuple[bool, bool]:
    need_opportunity = links.opportunity is None or (d.interviewId is not None and links.interview is None)
    return need_opportunity, links.template is None


async def _refresh(engine: CacheRefresher, d: DraftDocument, opportunity: bool, template: bool) -> None:
    """Targeted refresh of what the cache lacks; failures (offline, 404) only leave flags."""
    if getattr(engine, "state", None) == "offline":  # known unreachable: don't stall intake on retries
        return
    try:
        if opportunity:
            await engine.refresh_opportunity(d.opportunityId)
        if template:
            await engine.ensure_template(d.templateId)
    except Exception as e:  # noqa: BLE001 - any failure here degrades to a flag, never loses the draft
        _log.info("targeted refresh for draft %s failed: %s", d.draftId, e)


def assess(d: DraftDocument, links: _Links, threshold: float) -> tuple[list[dict[str, Any]], str | None]:
    """Flags for what does not fit, and the panel id the draft will be submitted with."""
    flags: list[dict[str, Any]] = []
    panel_id = d.panelId
    if links.opportunity is None:
        flags.append(_flag("unknown_opportunity", f"Opportunity {d.opportunityId} is not in the cache."))
    if d.interviewId:
        iv = links.interview
        if iv is None:
            flags.append(_flag("unknown_interview", f"Interview {d.interviewId} is not in the cache."))
        else:
            if iv["opportunityId"] != d.opportunityId:
                flags.append(_flag("interview_mismatch", f"Interview {d.interviewId} belongs to another opportunity."))
            if panel_id and iv.get("panel") and iv["panel"] != panel_id:
                flags.append(
                    _flag("panel_mismatch", f"Interview {d.interviewId} is on panel {iv['panel']}, not {panel_id}.")
                )
            panel_id = panel_id or iv.get("panel")
    if not links.panel_known:
        flags.append(_flag("unknown_panel", f"Panel {d.panelId} is not in the cache."))
    try:
        author = resolve_author(d.interviewerEmail, links.users, links.interview)
        flags.extend(_flag("not_on_panel", w) for w in author.warnings)
    except AuthorUnresolved as e:
        flags.append(_flag(e.code, str(e)))
    if links.template is None:
        flags.append(_flag("unknown_template", f"Feedback template {d.templateId} is not in the cache."))
    else:
        check = check_values(links.template[1], {f.id: f.value for f in d.fields})
        if check.unknown_fields:
            flags.append(
                _flag(
                    "template_drift",
                    "The draft has values for fields the current template does not have: "
                    + ", ".join(check.unknown_fields),
                )
            )
        flags.extend(_flag("invalid_value", e["message"], e["fieldId"]) for e in check.errors)
    for f in d.fields:
        if f.evidenceNotFound:
            quotes = "; ".join(describe(e.quote) for e in f.evidenceNotFound)
            flags.append(_flag("evidence_not_found", f"Evidence not found in the transcript (dropped): {quotes}", f.id))
        if f.confidence is not None and f.confidence < threshold:
            flags.append(_flag("low_confidence", f"The model was {f.confidence:.0%} sure of this value.", f.id))
    return flags, panel_id


async def receive_draft(
    store: Store,
    doc: Any,
    source: str = "file",
    *,
    engine: CacheRefresher | None = None,
    confidence_threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
) -> IntakeResult:
    """Validate, de-duplicate, link and store one document; never raises for bad input."""
    doc = with_plain_line_ends(doc)  # stored so: the review, the CLI and the POST read newlines
    try:
        d = parse_draft(doc, await store.call(_field_labels, doc))
    except DraftDocumentError as e:
        return IntakeResult("invalid", e.draft_id, problems=e.problems)
    if await store.call(drafts.exists, d.draftId):
        return IntakeResult("duplicate", d.draftId)
    links = await store.call(_read_links, d)
    need_opp, need_tpl = _missing(links, d)
    if engine is not None and (need_opp or need_tpl):
        await _refresh(engine, d, need_opp, need_tpl)
        links = await store.call(_read_links, d)
    flags, panel_id = assess(d, links, confidence_threshold)
    row = {
        "draft_id": d.draftId,
        "state": DraftState.RECEIVED.value,
        "source": source,
        "opportunity_id": d.opportunityId,
        "template_id": d.templateId,
        "template_version": links.template[0] if links.template else None,
        "template_json": drafts.dumps(links.template[1]) if links.template else None,
        "panel_id": panel_id,
        "interview_id": d.interviewId,
        "interviewer_email": d.interviewerEmail,
        "document": drafts.dumps(doc),  # verbatim: keys pipelines add later are kept
        "flags_json": drafts.dumps(flags),
    }
    stored = await store.call(_insert_once, row, {"source": source, "flags": [f["code"] for f in flags]})
    if not stored:  # a concurrent delivery of the same draft won the race
        return IntakeResult("duplicate", d.draftId)
    return IntakeResult("received", d.draftId, flags=flags)


def _field_labels(conn: Any, doc: Any) -> dict[str, str]:
    """{field id: question} of the cached template the document names, so a refusal can say
    "fields[3].value (Strengths)"; empty when the document or the cache cannot tell."""
    template_id = doc.get("templateId") if isinstance(doc, dict) else None
    cached = cache_view.template(conn, template_id) if isinstance(template_id, str) and template_id else None
    fields = cached[1].get("fields") if cached else None
    return {str(f["id"]): str(f.get("text") or "") for f in fields or [] if isinstance(f, dict) and "id" in f}


def _insert_once(conn: Any, row: dict[str, Any], detail: dict[str, Any]) -> bool:
    if drafts.exists(conn, row["draft_id"]):
        return False
    drafts.add(conn, row, actor="intake", detail=detail)
    return True


async def relink(
    store: Store,
    draft_id: str,
    *,
    engine: CacheRefresher | None = None,
    threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
) -> list[dict[str, Any]]:
    """Re-assess a stored draft against the cache as it is now (after a sync); returns the flags."""
    rec = await store.call(drafts.get, draft_id)
    if rec is None:
        raise KeyError(f"No draft with id {draft_id}.")
    d = parse_draft(rec.document)
    if engine is not None:
        await _refresh(engine, d, True, True)
    links = await store.call(_read_links, d)
    flags, panel_id = assess(d, links, threshold)
    tpl = links.template
    await store.call(
        _update,
        draft_id,
        {
            "flags_json": drafts.dumps(flags),
            "panel_id": panel_id,
            "template_version": tpl[0] if tpl else rec.template_version,
            "template_json": drafts.dumps(tpl[1]) if tpl else (drafts.dumps(rec.template) if rec.template else None),
        },
    )
    return flags


def _update(conn: Any, draft_id: str, fields: dict[str, Any]) -> None:
    drafts.update_fields(conn, draft_id, **fields)  # store.call passes positional arguments only
