"""What the review and outbox pages list, and the navigation's counts (read from the cache).

Every function takes the store's ``conn`` (it runs on the store's thread) and returns plain
tuples and dicts; the draft editor's own read is ``editing.draft_view``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from lever_desktop.review import checks, drafts, queue
from lever_desktop.review.intake import DEFAULT_CONFIDENCE_THRESHOLD
from lever_desktop.review.lifecycle import CHANGES, EDITED, QUEUED, REVIEWABLE, STATUS_WORDS, UNDO_GRACE

# "Pending" is what is not yet in Lever, told by the draft's state alone: queued (in its Undo
# grace, or waiting to retry after a failed attempt), sending, checking whether Lever stored it,
# and changes to submitted forms. Not whether an attempt was ever made (``sent_at``): a draft
# sent once and released to try again is as unsent as a new one.
PENDING = tuple(sorted(s.value for s in QUEUED | CHANGES))


def counts(conn: sa.Connection) -> dict[str, int]:
    """Navigation badges and the status bar: every label that counts drafts reads this."""

    def one(sql: str, **params: Any) -> int:
        return int(
            conn.execute(sa.text(sql).bindparams(*(sa.bindparam(k, expanding=True) for k in params)), params).scalar()
            or 0
        )

    return {
        "review": one("SELECT count(*) FROM drafts WHERE state IN ('received', 'in_review')"),
        "outbox": one("SELECT count(*) FROM drafts WHERE state IN :pending", pending=list(PENDING)),
        "attention": one("SELECT count(*) FROM drafts WHERE state = 'needs_attention'"),
        "candidates": one("SELECT count(*) FROM opportunities WHERE archived_at IS NULL"),
    }


# -- drafts -------------------------------------------------------------------
DRAFT_STATE_LABELS = STATUS_WORDS  # states and the outbox's sub-statuses (checking, duplicate in Lever)
DAY_MS = 86_400_000


def review_list(
    conn: sa.Connection, now_ms: int, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD
) -> list[tuple[Any, ...]]:
    """Drafts to review first (oldest first), then this day's approved and submitted ones.

    Each row: (draft id, candidate, form, interviewer, checks still open, received, status), the
    status a key of ``STATUS_WORDS`` told live: edited, approved in its Undo grace, sending,
    checking, sent, needs attention. Checks are counted as the editor counts them (``checks``).
    """
    sql = f"""
        SELECT d.draft_id, coalesce(o.name, d.opportunity_id), coalesce(json_extract(d.template_json, '$.text'),
               d.template_id), d.interviewer_email, d.state, d.received_at, {queue.STATUS_SQL}, ob.send_after,
               d.template_version, d.values_json, d.confirmed_json, d.flags_json
        FROM drafts d LEFT JOIN opportunities o ON o.id = d.opportunity_id
        LEFT JOIN outbox ob ON ob.draft_id = d.draft_id
        WHERE d.state IN ('received', 'in_review', 'needs_attention', 'approved', 'submitting',
                          'amending', 'amend_queued', 'withdrawing')
           OR (d.state IN ('submitted', 'withdrawn') AND d.updated_at > :since)
        ORDER BY d.state IN ('received', 'in_review', 'needs_attention', 'amending') DESC, d.received_at, d.draft_id
    """
    rows, built = [], {}  # one form per template version for the whole list
    for draft_id, name, form, who, state, received, status, send_after, *review in conn.execute(
        sa.text(sql), {"since": now_ms - DAY_MS}
    ):
        open_checks = None
        if state in REVIEWABLE:
            done = _progress(conn, draft_id, (draft_id, threshold, *review), threshold, built)
            if done is not None:
                open_checks = done.open_checks
                status = EDITED if done.edited and state != "needs_attention" else status
        elif status == "approved" and send_after is not None and now_ms < send_after:
            status = UNDO_GRACE
        rows.append((draft_id, name, form, who, open_checks, received, status))
    return rows


# Progress per draft, by everything it is computed from (the document never changes after intake):
# a list re-read after one edit recomputes that one draft, not every form in the list.
_progress_seen: dict[tuple[Any, ...], checks.Progress] = {}


def _progress(
    conn: sa.Connection, draft_id: str, key: tuple[Any, ...], threshold: float, built: dict[Any, Any]
) -> checks.Progress | None:
    if key not in _progress_seen:
        rec = drafts.get(conn, draft_id)
        if rec is None:
            return None
        if len(_progress_seen) > 5_000:
            _progress_seen.clear()
        _progress_seen[key] = checks.progress(rec, threshold, built)
    return _progress_seen[key]


def draft_labels(conn: sa.Connection, draft_ids: Sequence[str]) -> dict[str, str]:
    """“Phone screen for Frances Haddad”: how the activity log names a draft to a person."""
    if not draft_ids:
        return {}
    sql = sa.text("""
        SELECT d.draft_id, coalesce(json_extract(d.template_json, '$.text'), 'feedback'),
               coalesce(o.name, d.opportunity_id)
        FROM drafts d LEFT JOIN opportunities o ON o.id = d.opportunity_id
        WHERE d.draft_id IN :ids
    """).bindparams(sa.bindparam("ids", expanding=True))
    return {r[0]: f"{r[1]} for {r[2]}" for r in conn.execute(sql, {"ids": list(draft_ids)})}


def outbox_list(conn: sa.Connection, now_ms: int | None = None) -> list[tuple[Any, ...]]:
    """The outbox page's rows; an approval still inside its Undo grace says so, as the drafts
    list does ("Approved (Undo)"), rather than "Queued". The last column is when the last attempt
    left (while *checking*, the one whose answer was lost: the settle window counts from it)."""
    sql = f"""
        SELECT d.draft_id, coalesce(o.name, d.opportunity_id),
               CASE WHEN {queue.STATUS_SQL} = 'approved' AND ob.send_after > :now THEN '{UNDO_GRACE}'
                    ELSE {queue.STATUS_SQL} END, d.attention_reason,
               ob.attempts, ob.last_error, coalesce(ob.approved_at, d.updated_at), d.lever_feedback_id, ob.sent_at
        FROM drafts d LEFT JOIN outbox ob ON ob.draft_id = d.draft_id
        LEFT JOIN opportunities o ON o.id = d.opportunity_id
        WHERE d.state IN ('approved', 'submitting', 'needs_attention', 'amend_queued', 'withdrawing')
           OR ob.sent_at IS NULL AND ob.draft_id IS NOT NULL
           OR {queue.STATUS_SQL} = 'duplicate_in_lever'
        ORDER BY d.state = 'needs_attention' DESC, ob.approved_at
    """
    now = drafts.now_ms() if now_ms is None else now_ms
    return [tuple(r) for r in conn.execute(sa.text(sql), {"now": now})]
