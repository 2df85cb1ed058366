"""What a person may do with an outbox entry (the outbox page, ``drafts retry|cancel``), and the
history of what was sent.

Each action is one transaction on the store's thread, taken under the same ``BEGIN IMMEDIATE``
as the worker's ``queue.claim``: an entry is either still waiting (and the action applies) or
already claimed for sending (and the action is refused), never both.

- **Retry now** makes one entry due at once; the worker still sends it through the shared rate
  limiter, and an entry Lever answered with 429 keeps its wait (a ``Retry-After`` may outlast the
  client's own pause). An entry whose answer was lost ("checking") only has Lever *read* sooner:
  a re-send still waits out the settle window (``review/outbox.py``).
- **Cancel** takes an entry back to review, only while Lever is known not to hold it: queued
  (never sent, or a send proved not stored) or needing attention for a reason that sent
  nothing. In flight or checking, a first request could still land, so it is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Connection, delete, update

from lever_desktop.review import drafts, queue
from lever_desktop.review.lifecycle import CHANGES, STATUS_WORDS, AttentionReason, DraftState, attention_words
from lever_desktop.store.review_schema import outbox

RATE_LIMITED = "LeverRateLimited"  # how the outbox records a 429 (``outbox._describe``)
# Final for this opportunity: going back to review could not lead to a form in Lever.
_FINAL_REASONS = (AttentionReason.OPPORTUNITY_GONE, AttentionReason.OPPORTUNITY_ANONYMISED)


class OutboxActionRefused(Exception):
    """The action does not apply to the entry now; the message says why, in one line."""


def retry_now(conn: Connection, draft_id: str, reviewer: str, now: int) -> str:
    """Make the entry due now; returns what the worker will do, in words (raises OutboxActionRefused)."""
    rec = _record(conn, draft_id)
    pause = queue.get_pause(conn)
    if pause:
        raise OutboxActionRefused(f"The outbox is paused: {pause.get('message', 'resume it first')}")
    status = queue.status(conn, draft_id)
    row = conn.execute(
        sa.select(outbox.c.next_attempt_at, outbox.c.last_error, outbox.c.send_after).where(
            outbox.c.draft_id == draft_id
        )
    ).first()
    if (
        rec.state == DraftState.APPROVED
        and row is not None
        and row.next_attempt_at > now
        and str(row.last_error or "").startswith(RATE_LIMITED)
    ):
        # Lever said to slow down (its Retry-After may be longer than the client's own pause): wait.
        raise OutboxActionRefused(
            f"Lever is rate-limiting this API key; the outbox sends draft {draft_id} by "
            f"itself in {_seconds(row.next_attempt_at - now)} s."
        )
    if rec.state == DraftState.APPROVED and row is not None and (row.send_after or 0) > now:
        # The Undo grace holds whatever the schedule says (queue.claim): "Sending now." would be untrue.
        said = f"It goes to Lever when its Undo grace ends, in {_seconds(row.send_after - now)} s."
    elif rec.state == DraftState.APPROVED:
        said = "Sending now."
    elif status == "checking":
        said = "Checking Lever now; it is sent again only if Lever still does not hold it after the settle window."
    elif rec.state in CHANGES:
        said = "Sending the change to Lever now."
    elif rec.state == DraftState.SUBMITTING:
        raise OutboxActionRefused(f"Draft {draft_id} is being sent now; wait for Lever's answer.")
    else:
        raise OutboxActionRefused(f"Draft {draft_id} is not waiting to be sent ({_words(rec, status)}).")
    conn.execute(
        update(outbox).where(outbox.c.draft_id == draft_id, outbox.c.next_attempt_at > now).values(next_attempt_at=now)
    )
    drafts.write_audit(conn, draft_id, reviewer, "retry_now", {"at": now})
    return said


def cancel(conn: Connection, draft_id: str, reviewer: str) -> drafts.DraftRecord:
    """Back to review, nothing sent (raises OutboxActionRefused while Lever could hold it)."""
    rec = _record(conn, draft_id)
    status = queue.status(conn, draft_id)
    if rec.state == DraftState.SUBMITTING:
        raise OutboxActionRefused(
            f"Draft {draft_id} cannot be cancelled: a send to Lever may still land "
            f"({_words(rec, status)}). Wait until Lever's answer is known."
        )
    if rec.state == DraftState.NEEDS_ATTENTION and rec.attention_reason in _FINAL_REASONS:
        raise OutboxActionRefused(
            f"Draft {draft_id} cannot go back to review: {attention_words(rec.attention_reason)}."
        )
    if rec.state not in (DraftState.APPROVED, DraftState.NEEDS_ATTENTION):
        raise OutboxActionRefused(f"Draft {draft_id} is not in the outbox ({_words(rec, status)}).")
    row = conn.execute(sa.select(outbox).where(outbox.c.draft_id == draft_id)).first()
    detail: dict[str, Any] = {"from": "outbox"}
    if row is not None:
        detail |= {"attempts": row.attempts, "lastError": row.last_error, "approvedAt": row.approved_at}
    updated = drafts.transition(conn, draft_id, DraftState.IN_REVIEW, actor=reviewer, event="cancelled", detail=detail)
    # Approving again writes a fresh entry (approval.py); this one must not count as pending meanwhile.
    conn.execute(delete(outbox).where(outbox.c.draft_id == draft_id))
    return updated


@dataclass(frozen=True)
class SentForm:
    """One line of the Sent history."""

    draft_id: str
    opportunity_id: str
    candidate: str | None
    form: str | None
    interviewer: str | None
    sent_at: int | None
    feedback_id: str | None
    status: str


HISTORY_LIMIT = 1_000  # the newest; older ones stay in ``drafts list --state submitted``


def sent_history(conn: Connection, limit: int = HISTORY_LIMIT) -> list[SentForm]:
    """Forms this computer put into Lever, newest first, with when Lever took them."""
    sql = sa.text(f"""
        SELECT d.draft_id, d.opportunity_id, o.name,
               coalesce(json_extract(d.template_json, '$.text'), d.template_id), d.interviewer_email,
               (SELECT max(a.at) FROM draft_audit a WHERE a.draft_id = d.draft_id AND a.event = 'submitted'),
               d.lever_feedback_id, {queue.STATUS_SQL}
        FROM drafts d LEFT JOIN outbox ob ON ob.draft_id = d.draft_id
        LEFT JOIN opportunities o ON o.id = d.opportunity_id
        WHERE d.lever_feedback_id IS NOT NULL
          AND d.state IN ('submitted', 'amending', 'amend_queued', 'withdrawing', 'withdrawn')
        ORDER BY 6 DESC, d.draft_id
        LIMIT :limit
    """)
    return [SentForm(*r) for r in conn.execute(sql, {"limit": limit})]


def _record(conn: Connection, draft_id: str) -> drafts.DraftRecord:
    rec = drafts.get(conn, draft_id)
    if rec is None:
        raise OutboxActionRefused(f"No draft with id {draft_id}.")
    return rec


def _seconds(ms: int) -> int:
    """Whole seconds, rounded up, at least 1: "in 0 s" would read as now."""
    return max(1, (ms + 999) // 1000)


def _words(rec: drafts.DraftRecord, status: str | None) -> str:
    return STATUS_WORDS.get(status or rec.state, rec.state)
