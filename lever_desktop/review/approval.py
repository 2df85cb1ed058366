"""Approving a draft: the reviewer's decision becomes a durable outbox entry.

One transaction writes the approved values, the resolved author, the audit
entry and the exact POST body (with ``completedAt`` fixed now, so that a
reconciliation read can later recognise the form in Lever). Nothing here
talks to Lever: approving offline simply queues.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select

from lever_desktop.lever import paths
from lever_desktop.review import cache_view, drafts, own_feedback
from lever_desktop.review.authors import Author, AuthorUnresolved, ServiceAccountNotConfirmed
from lever_desktop.review.lifecycle import ATTENTION_WORDS, REVIEWABLE, AttentionReason, DraftState
from lever_desktop.review.validation import check_values
from lever_desktop.store import Store, privacy
from lever_desktop.store.review_schema import drafts as drafts_t
from lever_desktop.store.review_schema import outbox


class ApprovalError(Exception):
    """The draft cannot be approved as it is; ``problems`` says what to fix."""

    def __init__(self, message: str, problems: list[str] | None = None, code: str = "not_approvable") -> None:
        self.problems = problems or []
        self.code = code
        super().__init__(message + ("" if not self.problems else ": " + "; ".join(self.problems)))

    def in_words(self, labels: dict[str, str] | None = None) -> str:
        """The window's sentence: the reasons that name ids or command-line options say it plainly
        (the command line prints ``str(self)``, ids and all). ``labels``: field id -> question, so
        each answer Lever would reject is named by its question."""
        said = _WINDOW_WORDS.get(self.code)
        if said is None:
            return str(self)
        if self.code == "invalid_values" and self.problems:
            named = [
                f"{(labels or {}).get(fid, 'An answer')}: {why}" if why else fid
                for fid, _, why in (p.partition(": ") for p in self.problems)
            ]
            return "Lever would reject some answers as they are: " + "; ".join(named)
        return said


_WINDOW_WORDS = {
    "unknown_draft": "This draft is no longer in the cache.",
    "state": "This draft cannot be approved as it stands now; it was approved, sent or discarded meanwhile.",
    "unknown_template": "This draft's feedback form is not in the cache yet: sync (Ctrl+R), then approve.",
    "invalid_values": "Lever would reject some answers as they are: the form marks what to fix.",
    "own_feedback_exists": (
        "The author already has a form for this interview in Lever: read theirs, then discard "
        "this draft or tick “Add this as a second form”."
    ),
}


@dataclass
class Approval:
    draft_id: str
    author: Author
    method: str
    path: str
    params: dict[str, str]
    body: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    send_after: int | None = None  # epoch ms: the Undo grace ends then, as stored with the entry

    def to_json(self) -> dict[str, Any]:
        return {
            "draftId": self.draft_id,
            "author": self.author.to_json(),
            "authoredAs": self.author.describe(),
            "request": {"method": self.method, "path": self.path, "params": self.params, "body": self.body},
            "warnings": self.warnings,
        }


def default_reviewer() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (containers): still record something honest
        return "unknown-reviewer"


def _unique_completed_at(conn: Connection, opportunity_id: str, perform_as: str, at: int) -> int:
    """completedAt identifies the form during reconciliation: never reuse one for the same author."""
    taken = {
        r.completed_at
        for r in conn.execute(
            select(outbox.c.completed_at).where(
                outbox.c.opportunity_id == opportunity_id, outbox.c.perform_as == perform_as
            )
        )
    }
    while at in taken:
        at += 1
    return at


def build_body(
    template_id: str,
    panel_id: str | None,
    interview_id: str | None,
    completed_at: int,
    field_values: list[dict[str, Any]],
) -> dict[str, Any]:
    body: dict[str, Any] = {"baseTemplateId": template_id}
    if panel_id and interview_id:  # Lever takes them together or not at all
        body["panel"] = panel_id
        body["interview"] = interview_id
    body["completedAt"] = completed_at
    body["fieldValues"] = field_values
    return body


def checked_values(draft_id: str, template: dict[str, Any], values: dict[str, Any]) -> Any:
    """The values checked against the template, or the ApprovalError naming what Lever would reject."""
    check = check_values(template, values)
    if check.ok:
        return check
    problems = [f"{e['fieldId']}: {e['message']}" for e in check.errors]
    problems += [f"{f}: not a field of the template" for f in check.unknown_fields]
    return ApprovalError(f"Draft {draft_id} has values Lever would reject", problems, code="invalid_values")


def _approve_tx(conn: Connection, draft_id: str, opts: dict[str, Any]) -> Approval | ApprovalError:
    """Runs in one store transaction; returns the error instead of raising so its flag is kept."""
    rec = drafts.get(conn, draft_id)
    if rec is None:
        return ApprovalError(f"No draft with id {draft_id}", code="unknown_draft")
    if rec.state == DraftState.AMENDING:  # an edit of a submitted form: a PUT, not a new form
        from lever_desktop.review import amend

        return amend.approve_amendment_tx(conn, rec, opts)
    if rec.state not in REVIEWABLE:
        return ApprovalError(f"Draft {draft_id} is {rec.state.replace('_', ' ')} and cannot be approved", code="state")
    if privacy.withheld(conn, rec.document, rec.opportunity_id, opts["now"]):
        return ApprovalError(privacy.ANONYMISED_MESSAGE + " Discard it", code="anonymised")
    actor = opts["reviewer"]
    gone = rec.attention_reason == AttentionReason.OPPORTUNITY_GONE  # Lever's 404 is final
    if gone or cache_view.opportunity_deleted(conn, rec.opportunity_id):
        if rec.state != DraftState.NEEDS_ATTENTION:
            drafts.transition(
                conn,
                draft_id,
                DraftState.NEEDS_ATTENTION,
                actor=actor,
                event="opportunity_gone",
                attention_reason=AttentionReason.OPPORTUNITY_GONE.value,
                detail={"message": "Lever lists the opportunity as deleted."},
            )
        return ApprovalError(
            f"{ATTENTION_WORDS[AttentionReason.OPPORTUNITY_GONE]} (deleted or merged); discard this draft",
            code="opportunity_gone",
        )
    current = cache_view.template(conn, rec.template_id)
    if current is None and rec.template is None:
        return ApprovalError(
            f"Template {rec.template_id} is not in the cache; sync, then approve", code="unknown_template"
        )
    if current is not None and rec.template_version and current[0] != rec.template_version:
        drafts.update_fields(conn, draft_id, template_version=current[0], template_json=drafts.dumps(current[1]))
        if rec.state != DraftState.NEEDS_ATTENTION:
            drafts.transition(
                conn,
                draft_id,
                DraftState.NEEDS_ATTENTION,
                actor=actor,
                event="template_changed",
                attention_reason=AttentionReason.TEMPLATE_CHANGED.value,
                detail={"from": rec.template_version, "to": current[0]},
            )
        return ApprovalError(
            "The feedback template changed since this draft was reviewed; review it again", code="template_changed"
        )
    version, template = current if current is not None else (rec.template_version, rec.template or {})
    values = opts["values"] if opts["values"] is not None else rec.current_values()
    check = checked_values(draft_id, template, values)
    if isinstance(check, ApprovalError):
        return check
    try:
        author = cache_view.author(
            conn,
            rec,
            chosen_email=opts["chosen_email"],
            service_account_email=opts["service_account_email"],
            confirm_service_account=opts["confirm_service_account"],
        )
    except ServiceAccountNotConfirmed as e:
        return ApprovalError(str(e), code=e.code)
    except AuthorUnresolved as e:
        if rec.state != DraftState.NEEDS_ATTENTION:
            drafts.transition(
                conn,
                draft_id,
                DraftState.NEEDS_ATTENTION,
                actor=actor,
                event="author_unresolved",
                attention_reason=AttentionReason.AUTHOR_UNRESOLVED.value,
                detail={"reason": str(e)},
            )
        return ApprovalError(str(e), code=e.code)
    own = own_feedback.in_cache(
        conn, rec.opportunity_id, author.user_id, rec.template_id, rec.panel_id, rec.interview_id
    )
    if own and not opts.get("add_second_form"):
        return ApprovalError(
            f"{own[-1].describe(opts['now'])}; approving would add a second form. Read theirs in Lever, then "
            "discard this draft or choose to add a second form (--add-second-form)",
            code="own_feedback_exists",
        )
    completed_at = _unique_completed_at(conn, rec.opportunity_id, author.user_id, opts["now"])
    body = build_body(rec.template_id, rec.panel_id, rec.interview_id, completed_at, check.field_values)
    ai = rec.ai_values()
    drafts.transition(
        conn,
        draft_id,
        DraftState.APPROVED,
        actor=actor,
        event="approved",
        detail={
            "author": author.to_json(),
            "authoredAs": author.describe(),
            "aiValues": ai,
            "approvedValues": values,
            "changed": sorted(k for k in set(ai) | set(values) if ai.get(k) != values.get(k)),
            "templateVersion": version,
            "body": body,
            # The reviewer's explicit choice, and the forms it accepted: the pre-send check stops
            # only for a form that was not among these (review/own_feedback.py).
            "addSecondForm": bool(own),
            "ownFeedback": [f.to_json() for f in own],
        },
        values_json=drafts.dumps(values),
        author_json=drafts.dumps(author.to_json()),
        template_version=version,
        template_json=drafts.dumps(template),
    )
    conn.execute(outbox.delete().where(outbox.c.draft_id == draft_id))
    send_after = opts["now"] + opts["grace_ms"] if opts.get("grace_ms") else None
    conn.execute(
        insert(outbox).values(
            draft_id=draft_id,
            opportunity_id=rec.opportunity_id,
            perform_as=author.user_id,
            payload_json=drafts.dumps(body),
            completed_at=completed_at,
            template_version=version,
            approved_at=opts["now"],
            attempts=0,
            next_attempt_at=0,
            send_after=send_after,
        )
    )
    return Approval(
        draft_id,
        author,
        "POST",
        paths.feedback(rec.opportunity_id),
        {"perform_as": author.user_id},
        body,
        warnings=list(author.warnings),
        send_after=send_after,
    )


async def approve(
    store: Store,
    draft_id: str,
    *,
    reviewer: str | None = None,
    values: dict[str, Any] | None = None,
    chosen_email: str | None = None,
    service_account_email: str | None = None,
    confirm_service_account: bool = False,
    add_second_form: bool = False,
    now: int | None = None,
    grace_ms: int = 0,
) -> Approval:
    """Approve and queue; raises ApprovalError (the draft keeps any flag it earned).

    ``add_second_form``: the reviewer saw that the author already has a form for this
    interview in Lever and chose to add this one next to it. ``grace_ms``: the outbox may
    not send it before this long has passed (the window's Undo); stored with the entry.
    """
    opts = {
        "reviewer": reviewer or default_reviewer(),
        "values": values,
        "chosen_email": chosen_email,
        "service_account_email": service_account_email,
        "confirm_service_account": confirm_service_account,
        "add_second_form": add_second_form,
        "now": now or drafts.now_ms(),
        "grace_ms": max(0, int(grace_ms)),
    }
    result = await store.call(_approve_tx, draft_id, opts)
    if isinstance(result, ApprovalError):
        raise result
    return result


class UndoError(Exception):
    """The approval can no longer be taken back; the message says why, in one line."""


def undo(conn: Connection, draft_id: str, reviewer: str) -> drafts.DraftRecord:
    """Take an approval back before anything was sent: the draft returns to review with its values.

    Runs on the store's thread like ``queue.claim``, so the two cannot both win: once the outbox
    claimed the entry, the answer is no.
    """
    rec = drafts.get(conn, draft_id)
    if rec is None:
        raise UndoError(f"No draft with id {draft_id}.")
    sent_at = conn.execute(select(outbox.c.sent_at).where(outbox.c.draft_id == draft_id)).scalar()
    if rec.state in REVIEWABLE:
        # Undone already (a second click, or Cancel on the outbox page): saying "on its way to Lever"
        # here would send the reviewer looking for a form that was never sent.
        raise UndoError(
            "Already back in review: nothing was sent."
            if rec.state != DraftState.NEEDS_ATTENTION
            else "Not sent: it needs your attention in the review pane."
        )
    if rec.state == DraftState.DISCARDED:
        raise UndoError("Nothing to undo: the draft was discarded, nothing was sent.")
    if rec.state != DraftState.APPROVED or sent_at is not None:
        raise UndoError("Too late to undo: it is already on its way to Lever.")
    conn.execute(outbox.delete().where(outbox.c.draft_id == draft_id))
    return drafts.transition(conn, draft_id, DraftState.IN_REVIEW, actor=reviewer, event="approval_undone")


def still_in_grace(conn: Connection, now: int) -> list[tuple[str, int]]:
    """(draft id, when its Undo grace ends) of approvals nothing has sent yet whose grace is not
    over at ``now``, oldest approval first: after a restart (the window closed or killed during a
    grace) the window offers Undo again for what the drafts list calls "Approved (Undo)"."""
    rows = conn.execute(
        select(outbox.c.draft_id, outbox.c.send_after)
        .join(drafts_t, drafts_t.c.draft_id == outbox.c.draft_id)
        .where(drafts_t.c.state == DraftState.APPROVED, outbox.c.sent_at.is_(None), outbox.c.send_after > now)
        .order_by(outbox.c.approved_at, outbox.c.draft_id)
    )
    return [(r.draft_id, r.send_after) for r in rows]
