"""Feedback due: interviews that have happened and still lack a form from one of their interviewers.

One row per (interview, interviewer), read from the cache (no request to Lever), oldest first:
- the interview has ended (its date plus its duration is past) and neither it nor its panel
  was cancelled; it ended within the last ``lookback_days`` (what the recent-interviews sync
  keeps current, ``sync/recent_interviews.py``); the candidate is active (not archived);
- the interviewer has no form for it in the cache's feedback (matched by interview and author),
  and no draft of theirs for it was submitted from here (the cache may not have re-read it yet),
  whether that form is now being amended or withdrawn: it is in Lever until it is withdrawn.

When feedback is due comes from the interview's ``feedbackReminder`` where Lever has one:
Lever's docs describe "frequently" as a reminder every 6 hours and "daily" as one a day, so the
form is due at the first reminder; "once", "none" or no setting fall back to ``default_hours``
after the interview (Settings, 24 h by default), since when a single reminder goes out is not
documented.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

HOUR_MS = 3_600_000
DAY_MS = 24 * HOUR_MS
DEFAULT_DUE_HOURS = 24
DEFAULT_LOOKBACK_DAYS = 30
# Hours from the end of the interview to Lever's first reminder, by ``feedbackReminder``.
REMINDER_HOURS = {"frequently": 6, "daily": 24}
# A draft in these states is no longer on its way to Lever: the slot is still open.
CLOSED_DRAFT_STATES = ("discarded", "withdrawn")


@dataclass(frozen=True)
class DueRow:
    """One interviewer's missing form for one interview."""

    key: str  # "<interview id>/<interviewer user id>"
    opportunity_id: str
    candidate: str | None
    interview_id: str
    panel_id: str | None
    subject: str | None
    interviewer_id: str
    interviewer: str | None  # name, else email
    interviewer_email: str | None
    date: int  # interview start, epoch ms
    ended_at: int
    due_at: int
    overdue: bool
    reminder: str | None  # Lever's feedbackReminder, as sent
    template_id: str | None  # the interviewer's form, else the interview's
    posting_id: str | None
    posting: str | None
    draft_id: str | None  # a draft of this form waiting in review here
    draft_state: str | None

    @property
    def marker(self) -> str:
        return "Overdue" if self.overdue else "Due"


@dataclass(frozen=True)
class DueFilter:
    interviewer_id: str | None = None
    posting_id: str | None = None
    mine_email: str | None = None  # "mine": the configured user's email (Settings)


def due_at(ended_at: int, reminder: str | None, default_hours: int) -> int:
    hours = REMINDER_HOURS.get((reminder or "").strip().lower(), default_hours)
    return ended_at + hours * HOUR_MS


_SLOTS = sa.text("""
    SELECT i.id, i.opportunity_id, o.name, i.panel_id, i.subject, i.date, coalesce(i.duration, 0),
           json_extract(i.raw, '$.feedbackReminder'), coalesce(ii.feedback_template_id, i.feedback_template_id),
           coalesce(json_extract(i.raw, '$.postings[0].id'), json_extract(i.raw, '$.postings[0]')),
           ii.user_id, ii.name, ii.email,
           (SELECT min(op.posting_id) FROM opportunity_postings op WHERE op.opportunity_id = i.opportunity_id)
    FROM interviews i
    JOIN opportunities o ON o.id = i.opportunity_id
    JOIN interview_interviewers ii ON ii.interview_id = i.id
    LEFT JOIN panels p ON p.id = i.panel_id
    WHERE i.canceled_at IS NULL AND p.canceled_at IS NULL AND o.archived_at IS NULL
      AND i.date IS NOT NULL AND i.date >= :since AND i.date <= :now
      AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.interview_id = i.id AND f.user_id = ii.user_id)
""")

_DRAFTS = sa.text("""
    SELECT interview_id, lower(interviewer_email), draft_id, state, lever_feedback_id FROM drafts
    WHERE interview_id IS NOT NULL AND state NOT IN ('discarded', 'withdrawn')
    ORDER BY received_at
""")


def feedback_due(
    conn: sa.Connection,
    now: int,
    *,
    default_hours: int = DEFAULT_DUE_HOURS,
    lookback_days: int = DEFAULT_LOOKBACK_DAYS,
    where: DueFilter | None = None,
) -> list[DueRow]:
    """Open feedback slots, oldest interview first (runs on the store's thread)."""
    return matching(open_slots(conn, now, default_hours, lookback_days), where or DueFilter())


def matching(rows: list[DueRow], where: DueFilter) -> list[DueRow]:
    """The rows the filters let through (the page filters what it read once, without the cache)."""
    mine = (where.mine_email or "").strip().casefold()
    return [
        r
        for r in rows
        if (not where.interviewer_id or r.interviewer_id == where.interviewer_id)
        and (not where.posting_id or r.posting_id == where.posting_id)
        and (not mine or (r.interviewer_email or "").casefold() == mine)
    ]


def open_slots(
    conn: sa.Connection, now: int, default_hours: int = DEFAULT_DUE_HOURS, lookback_days: int = DEFAULT_LOOKBACK_DAYS
) -> list[DueRow]:
    """Every open slot, unfiltered, oldest interview first."""
    slots = conn.execute(_SLOTS, {"since": now - lookback_days * DAY_MS, "now": now}).all()
    drafts: dict[tuple[str, str], tuple[str, str]] = {}
    in_lever: set[tuple[str, str]] = set()
    for interview_id, email, draft_id, state, feedback_id in conn.execute(_DRAFTS):
        # One whose form Lever holds counts for the slot whatever else is open; else the latest open one.
        # Lever holds it once submitted, and still while it is amended or withdrawn (or an amendment was
        # refused): the slot is filled until the form is withdrawn (the cache may not have re-read it yet).
        key = (interview_id, email)
        if key not in in_lever:
            drafts[key] = (draft_id, state)
            if state == "submitted" or feedback_id is not None:
                in_lever.add(key)
    postings = dict(conn.execute(sa.text("SELECT id, text FROM postings")).all())
    rows: list[DueRow] = []
    for (
        iid,
        oid,
        name,
        panel,
        subject,
        date,
        minutes,
        reminder,
        template,
        iv_posting,
        uid,
        who,
        email,
        opp_posting,
    ) in slots:
        ended = int(date) + int(minutes) * 60_000
        if ended > now:
            continue  # still going on
        key = (iid, (email or "").lower())
        if key in in_lever:
            continue
        draft_id, state = drafts.get(key, (None, None))
        posting_id = iv_posting if isinstance(iv_posting, str) else opp_posting  # an id, or the expanded posting's
        due = due_at(ended, reminder, default_hours)
        rows.append(
            DueRow(
                key=f"{iid}/{uid}",
                opportunity_id=oid,
                candidate=name,
                interview_id=iid,
                panel_id=panel,
                subject=subject,
                interviewer_id=uid,
                interviewer=who or email,
                interviewer_email=email,
                date=int(date),
                ended_at=ended,
                due_at=due,
                overdue=now > due,
                reminder=reminder,
                template_id=template,
                posting_id=posting_id,
                posting=postings.get(posting_id) if posting_id else None,
                draft_id=draft_id,
                draft_state=state,
            )
        )
    rows.sort(key=lambda r: (r.date, r.key))
    return rows


def choices(rows: list[DueRow]) -> dict[str, list[tuple[str, str]]]:
    """The filters' entries (value, label) from the rows themselves: only who and what is due."""
    people = {r.interviewer_id: r.interviewer or r.interviewer_id for r in rows}
    postings = {r.posting_id: r.posting or r.posting_id for r in rows if r.posting_id}
    return {
        "interviewer": sorted(people.items(), key=lambda p: p[1].casefold()),
        "posting": sorted(postings.items(), key=lambda p: p[1].casefold()),
    }


def opportunities_waiting(conn: sa.Connection, now: int, lookback_days: int = DEFAULT_LOOKBACK_DAYS) -> list[str]:
    """Opportunities with at least one open slot (whose feedback the sync re-reads)."""
    return sorted({r.opportunity_id for r in open_slots(conn, now, DEFAULT_DUE_HOURS, lookback_days)})


def describe_due(row: DueRow, now: int) -> str:
    """ "Overdue by 2 d", "Due in 5 h": the marker column."""
    delta = abs(row.due_at - now)
    amount = f"{delta // DAY_MS} d" if delta >= DAY_MS else f"{max(1, delta // HOUR_MS)} h"
    return f"Overdue by {amount}" if now > row.due_at else f"Due in {amount}"
