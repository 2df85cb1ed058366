"""Write feedback by hand: an interviewer's blank form as a draft in the same review and outbox.

The draft is an ordinary ``lever-desktop/draft@1`` document with no AI in it (no model, no
fields: every question starts empty), received through the same intake as the relay's drafts
(source ``manual``), so it is linked, approved and sent exactly once like any other.

Its id is derived from the slot, ``manual:<interview>:<interviewer>:<n>``, with ``n`` the number
of earlier hand-written drafts of that slot that were discarded or withdrawn. So asking twice
(a double click, two windows) opens the same draft instead of starting a second form, and a
discarded one can still be started afresh.
"""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from lever_desktop.review.document import SCHEMA
from lever_desktop.review.due import CLOSED_DRAFT_STATES, DueRow
from lever_desktop.review.intake import DEFAULT_CONFIDENCE_THRESHOLD, receive_draft

SOURCE = "manual"


class BlankFormError(ValueError):
    """The slot cannot become a form (no template, no email); the message says what to do."""


def _prefix(row: DueRow) -> str:
    return f"manual:{row.interview_id}:{row.interviewer_id}:"


def _next_id(conn: sa.Connection, row: DueRow) -> tuple[str, bool]:
    """(draft id, whether it exists and is still open) for the slot's hand-written draft."""
    prefix = _prefix(row)
    rows = conn.execute(
        sa.text("SELECT draft_id, state FROM drafts WHERE draft_id LIKE :p ESCAPE '\\'"),
        {"p": prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"},
    ).all()
    open_ = [d for d, state in rows if state not in CLOSED_DRAFT_STATES]
    if open_:
        return open_[0], True
    return f"{prefix}{len(rows)}", False


def blank_document(row: DueRow, draft_id: str, now_ms: int) -> dict[str, Any]:
    if not row.template_id:
        raise BlankFormError("This interview names no feedback form in Lever; choose one for it in Lever, then sync.")
    if not row.interviewer_email:
        raise BlankFormError(
            f"Lever gives no email for {row.interviewer or 'this interviewer'}, so the form "
            "cannot be authored as them; sync users, then try again."
        )
    return {
        "schema": SCHEMA,
        "draftId": draft_id,
        "opportunityId": row.opportunity_id,
        "templateId": row.template_id,
        "panelId": row.panel_id,
        "interviewId": row.interview_id,
        "interviewerEmail": row.interviewer_email,
        "createdAt": now_ms,
        "model": None,
        "fields": [],
    }


async def write_feedback(
    store: Any, row: DueRow, *, engine: Any = None, confidence_threshold: float = DEFAULT_CONFIDENCE_THRESHOLD
) -> str:
    """The id of the slot's hand-written draft, created blank unless one is already open."""
    draft_id, existing = await store.call(_next_id, row)
    if existing:
        return draft_id
    doc = blank_document(row, draft_id, int(time.time() * 1000))
    result = await receive_draft(store, doc, source=SOURCE, engine=engine, confidence_threshold=confidence_threshold)
    if result.status == "invalid":
        raise BlankFormError("; ".join(result.problems))
    return draft_id
