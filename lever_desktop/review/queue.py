"""The outbox in the store: plain functions taking ``conn``, each one transaction.

Every step the worker takes is committed before the next network call, so a
kill -9 at any point leaves a state the next start can finish from: a row in
``approved`` has certainly not been sent by this attempt, a row in
``submitting`` may have been, and is reconciled before anything else.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, text, update

from lever_desktop.lever import paths
from lever_desktop.review import drafts
from lever_desktop.review.lifecycle import AttentionReason, DraftState
from lever_desktop.store import privacy
from lever_desktop.store.review_schema import drafts as drafts_t
from lever_desktop.store.review_schema import outbox, review_meta

PAUSE_KEY = "outbox_paused"

# The status a person reads (``lifecycle.STATUS_WORDS``), for SQL over ``drafts d LEFT JOIN outbox ob``:
# a draft still submitting after a lost answer is *checking*; a submitted one Lever holds twice is a
# *duplicate in Lever* (``record_duplicates``).
STATUS_SQL = """CASE
    WHEN d.state = 'submitting' AND ob.last_error IS NOT NULL THEN 'checking'
    WHEN d.state = 'submitted' AND coalesce(json_array_length(d.readback_json, '$.duplicates'), 0) > 0
        THEN 'duplicate_in_lever'
    ELSE d.state END"""


@dataclass
class Entry:
    draft_id: str
    state: str
    opportunity_id: str
    perform_as: str
    body: dict[str, Any]
    template_id: str
    template_version: str | None
    attempts: int
    next_attempt_at: int
    last_error: str | None
    sent_at: int | None = None  # when the current attempt was claimed (before its POST left)
    approved_at: int = 0
    send_after: int | None = None  # the approval's Undo grace ends then (None: no grace)

    @property
    def due_at(self) -> int:
        """When it may next be tried: its schedule, never before the Undo grace ends."""
        return max(self.next_attempt_at, self.send_after or 0)

    @property
    def path(self) -> str:
        return paths.feedback(self.opportunity_id)

    def request(self) -> dict[str, Any]:
        """The exact request the worker sends (for --dry-run and the UI)."""
        return {
            "draftId": self.draft_id,
            "method": "POST",
            "path": f"{self.path}?perform_as={self.perform_as}",
            "params": {"perform_as": self.perform_as},
            "body": self.body,
        }


def entries(
    conn: Connection,
    states: Iterable[str],
    draft_ids: Iterable[str] | None = None,
    due_at: int | None = None,
    graced_at: int | None = None,
) -> list[Entry]:
    """The outbox rows of drafts in ``states``; ``due_at``: only those whose schedule is due then;
    ``graced_at``: only those whose Undo grace is over then (no flag of the caller skips it)."""
    q = (
        select(outbox, drafts_t.c.state, drafts_t.c.template_id)
        .join(drafts_t, drafts_t.c.draft_id == outbox.c.draft_id)
        .where(drafts_t.c.state.in_(list(states)))
        .order_by(outbox.c.approved_at, outbox.c.draft_id)
    )
    if draft_ids is not None:
        q = q.where(outbox.c.draft_id.in_(list(draft_ids)))
    if due_at is not None:
        q = q.where(outbox.c.next_attempt_at <= due_at)
    if graced_at is not None:
        q = q.where(func.coalesce(outbox.c.send_after, 0) <= graced_at)
    return [
        Entry(
            r.draft_id,
            r.state,
            r.opportunity_id,
            r.perform_as,
            json.loads(r.payload_json),
            r.template_id,
            r.template_version,
            r.attempts,
            r.next_attempt_at,
            r.last_error,
            r.sent_at,
            r.approved_at,
            r.send_after,
        )
        for r in conn.execute(q)
    ]


def next_due(conn: Connection, draft_ids: Iterable[str] | None = None) -> int | None:
    """When the earliest live entry may be tried again (None: nothing left)."""
    rows = entries(conn, [DraftState.APPROVED, DraftState.SUBMITTING], draft_ids)
    return min((e.due_at for e in rows), default=None)


def claim(conn: Connection, draft_id: str, now: int, settle_until: int | None = None) -> bool:
    """approved -> submitting, committed before the POST leaves (the crash-safety point).

    ``settle_until``: if this attempt is left unfinished (crash, lost answer), it is not
    reconciled before then, so Lever has finished any request still in flight.
    """
    rec = drafts.get(conn, draft_id)
    if rec is None or rec.state != DraftState.APPROVED:
        return False
    send_after = conn.execute(select(outbox.c.send_after).where(outbox.c.draft_id == draft_id)).scalar()
    if send_after is not None and now < send_after:  # still in its Undo grace: the reviewer may take it back
        return False
    if privacy.withheld(conn, rec.document, rec.opportunity_id, now):  # the candidate was anonymised
        if drafts.require(conn, draft_id).state == DraftState.APPROVED:  # in flight then, proved not stored since
            needs_attention(
                conn, draft_id, AttentionReason.OPPORTUNITY_ANONYMISED, {"message": privacy.ANONYMISED_MESSAGE}
            )
        return False
    drafts.transition(conn, draft_id, DraftState.SUBMITTING, actor="outbox", event="sending")
    # last_error cleared: "submitting" with an error recorded means "checking" (see STATUS_SQL).
    conn.execute(
        update(outbox)
        .where(outbox.c.draft_id == draft_id)
        .values(
            attempts=outbox.c.attempts + 1,
            sent_at=now,
            last_error=None,
            next_attempt_at=settle_until if settle_until is not None else now,
        )
    )
    return True


def record_submitted(conn: Connection, draft_id: str, feedback_id: str, detail: dict[str, Any]) -> None:
    drafts.transition(
        conn,
        draft_id,
        DraftState.SUBMITTED,
        actor="outbox",
        event="submitted",
        detail=detail,
        lever_feedback_id=feedback_id,
    )
    conn.execute(
        update(outbox).where(outbox.c.draft_id == draft_id).values(lever_feedback_id=feedback_id, last_error=None)
    )


def release(conn: Connection, draft_id: str, next_attempt_at: int, error: str, event: str) -> None:
    """submitting -> approved: proved not stored (or never sent); try again at ``next_attempt_at``."""
    drafts.transition(conn, draft_id, DraftState.APPROVED, actor="outbox", event=event, detail={"error": error})
    conn.execute(
        update(outbox).where(outbox.c.draft_id == draft_id).values(next_attempt_at=next_attempt_at, last_error=error)
    )


def postpone(conn: Connection, draft_id: str, next_attempt_at: int, error: str) -> None:
    """Keep the state (approved, or submitting while still unsure) and try later."""
    conn.execute(
        update(outbox).where(outbox.c.draft_id == draft_id).values(next_attempt_at=next_attempt_at, last_error=error)
    )
    drafts.write_audit(conn, draft_id, "outbox", "retry_later", {"error": error, "nextAttemptAt": next_attempt_at})


def needs_attention(
    conn: Connection,
    draft_id: str,
    reason: AttentionReason,
    detail: dict[str, Any],
    draft_values: dict[str, Any] | None = None,
) -> None:
    drafts.transition(
        conn,
        draft_id,
        DraftState.NEEDS_ATTENTION,
        actor="outbox",
        event=reason.value,
        detail=detail,
        attention_reason=reason.value,
        **(draft_values or {}),
    )
    conn.execute(
        update(outbox)
        .where(outbox.c.draft_id == draft_id)
        .values(last_error=str(detail.get("message") or reason.value))
    )


def _merge_readback(conn: Connection, draft_id: str, **changes: Any) -> dict[str, Any]:
    rec = drafts.get(conn, draft_id)
    value = {**((rec.readback if rec else None) or {}), **changes}
    drafts.update_fields(conn, draft_id, readback_json=drafts.dumps(value))
    return value


def record_readback(conn: Connection, draft_id: str, diffs: list[dict[str, Any]] | None, error: str | None) -> None:
    value = {"differences": diffs, "error": error}
    _merge_readback(conn, draft_id, **value)
    drafts.write_audit(conn, draft_id, "outbox", "read_back", value)


def duplicates_of(conn: Connection, draft_id: str) -> list[str]:
    rec = drafts.get(conn, draft_id)
    return list(((rec.readback if rec else None) or {}).get("duplicates") or [])


def record_duplicates(conn: Connection, draft_id: str, feedback_ids: list[str]) -> None:
    """A read found more forms from this approval than the one recorded: "duplicate in Lever"."""
    known = duplicates_of(conn, draft_id)
    new = [f for f in feedback_ids if f not in known]
    if new:
        _merge_readback(conn, draft_id, duplicates=known + new)
        drafts.write_audit(conn, draft_id, "outbox", "duplicate_in_lever", {"extraFeedbackIds": new})


def record_duplicate_removed(
    conn: Connection, draft_id: str, feedback_id: str, actor: str, detail: dict[str, Any]
) -> None:
    _merge_readback(conn, draft_id, duplicates=[f for f in duplicates_of(conn, draft_id) if f != feedback_id])
    drafts.write_audit(conn, draft_id, actor, "duplicate_removed", {"feedbackId": feedback_id, **detail})


def set_recheck(conn: Connection, draft_id: str, at: int | None) -> None:
    """A submitted draft whose earlier attempt was lost gets one more read at ``at`` (None: done)."""
    _merge_readback(conn, draft_id, recheckAt=at)


def rechecks_due(conn: Connection, now: int, draft_ids: Iterable[str] | None = None) -> list[Entry]:
    recheck_at = func.json_extract(drafts_t.c.readback_json, "$.recheckAt")
    q = select(drafts_t.c.draft_id).where(drafts_t.c.state == DraftState.SUBMITTED, recheck_at <= now)
    if draft_ids is not None:
        q = q.where(drafts_t.c.draft_id.in_(list(draft_ids)))
    due = [r.draft_id for r in conn.execute(q)]
    return entries(conn, [DraftState.SUBMITTED], due) if due else []


def forms_sent_from_here(conn: Connection, opportunity_id: str) -> list[dict[str, Any]]:
    """The forms this computer created on the opportunity and that Lever still holds, shaped like
    Lever's feedback (ids, author, panel, interview, template, ``completedAt``; no values)."""
    held = (DraftState.SUBMITTED, DraftState.AMENDING, DraftState.AMEND_QUEUED, DraftState.WITHDRAWING)
    rows = conn.execute(
        select(outbox.c.lever_feedback_id, outbox.c.perform_as, outbox.c.payload_json, outbox.c.completed_at)
        .join(drafts_t, drafts_t.c.draft_id == outbox.c.draft_id)
        .where(
            outbox.c.opportunity_id == opportunity_id,
            outbox.c.lever_feedback_id.is_not(None),
            drafts_t.c.state.in_([s.value for s in held]),
        )
    )
    forms = []
    for r in rows:
        body = json.loads(r.payload_json or "{}")
        forms.append(
            {
                "id": r.lever_feedback_id,
                "user": r.perform_as,
                "panel": body.get("panel"),
                "interview": body.get("interview"),
                "baseTemplateId": body.get("baseTemplateId"),
                "completedAt": r.completed_at,
            }
        )
    return forms


def claimed_feedback_ids(conn: Connection, opportunity_id: str) -> set[str]:
    rows = conn.execute(
        select(outbox.c.lever_feedback_id).where(
            outbox.c.opportunity_id == opportunity_id, outbox.c.lever_feedback_id.is_not(None)
        )
    )
    return {r.lever_feedback_id for r in rows}


def get_pause(conn: Connection) -> dict[str, Any] | None:
    row = conn.execute(select(review_meta.c.value_json).where(review_meta.c.key == PAUSE_KEY)).first()
    return json.loads(row.value_json) if row else None


def set_pause(conn: Connection, value: dict[str, Any] | None) -> None:
    conn.execute(delete(review_meta).where(review_meta.c.key == PAUSE_KEY))
    if value is not None:
        conn.execute(insert(review_meta).values(key=PAUSE_KEY, value_json=drafts.dumps(value)))


def status(conn: Connection, draft_id: str) -> str | None:
    """The status a person reads for one draft (a key of ``lifecycle.STATUS_WORDS``)."""
    sql = text(
        f"SELECT {STATUS_SQL} FROM drafts d LEFT JOIN outbox ob ON ob.draft_id = d.draft_id WHERE d.draft_id = :id"
    )
    return conn.execute(sql, {"id": draft_id}).scalar()
