"""Reads for the review layer and the sync engine; every function returns plain records.

(Re-exported by ``cache.py``, so callers write ``cache.get_opportunity``.) The candidate list's
filtering and sorting is ``candidates.py``'s.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from lever_desktop.store import schema
from lever_desktop.store.records import (
    FeedbackRecord,
    Interviewer,
    InterviewRecord,
    OpportunityDetail,
    OpportunitySummary,
    PostingRecord,
    TemplateRecord,
    UserRecord,
)

o, op, st = schema.opportunities, schema.opportunity_postings, schema.stages


def _summary_query() -> sa.Select:
    links = sa.select(sa.func.group_concat(op.c.posting_id, ",")).where(op.c.opportunity_id == o.c.id)
    return sa.select(
        o.c.id,
        o.c.name,
        o.c.headline,
        o.c.email,
        o.c.stage_id,
        st.c.text.label("stage_text"),
        o.c.owner_id,
        o.c.archived_at,
        o.c.archived_reason_id,
        o.c.updated_at,
        links.scalar_subquery().label("posting_ids"),
    ).select_from(o.outerjoin(st, st.c.id == o.c.stage_id))


def _summary(row: sa.Row) -> OpportunitySummary:
    m = row._mapping
    ids = tuple(sorted(m["posting_ids"].split(","))) if m["posting_ids"] else ()
    return OpportunitySummary(
        **{k: m[k] for k in OpportunitySummary.__dataclass_fields__ if k != "posting_ids"}, posting_ids=ids
    )


def count_opportunities(conn: sa.Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(o)).scalar_one()


def _interviews(conn: sa.Connection, opportunity_id: str) -> list[InterviewRecord]:
    i, ii = schema.interviews, schema.interview_interviewers
    people: dict[str, list[Interviewer]] = {}
    for p in conn.execute(
        sa.select(ii).join(i, i.c.id == ii.c.interview_id).where(i.c.opportunity_id == opportunity_id)
    ):
        people.setdefault(p.interview_id, []).append(Interviewer(p.user_id, p.email, p.name, p.feedback_template_id))
    return [
        InterviewRecord(
            r.id,
            r.opportunity_id,
            r.panel_id,
            r.subject,
            r.date,
            r.duration,
            r.feedback_template_id,
            r.canceled_at,
            people.get(r.id, []),
            r.raw,
        )
        for r in conn.execute(sa.select(i).where(i.c.opportunity_id == opportunity_id).order_by(i.c.date, i.c.id))
    ]


def get_opportunity(conn: sa.Connection, opportunity_id: str) -> OpportunityDetail | None:
    """One opportunity with its panels, interviews (and interviewers) and submitted feedback."""
    row = conn.execute(
        _summary_query().add_columns(o.c.raw, o.c.details_synced_at).where(o.c.id == opportunity_id)
    ).first()
    if row is None:
        return None
    f, p = schema.feedback, schema.panels
    feedback = [
        FeedbackRecord(
            r.id, r.opportunity_id, r.base_template_id, r.user_id, r.panel_id, r.interview_id, r.completed_at, r.raw
        )
        for r in conn.execute(sa.select(f).where(f.c.opportunity_id == opportunity_id).order_by(f.c.completed_at))
    ]
    panels = [
        r.raw for r in conn.execute(sa.select(p.c.raw).where(p.c.opportunity_id == opportunity_id).order_by(p.c.start))
    ]
    return OpportunityDetail(
        summary=_summary(row),
        raw=row.raw,
        details_synced_at=row.details_synced_at,
        panels=panels,
        interviews=_interviews(conn, opportunity_id),
        feedback=feedback,
    )


def list_postings(conn: sa.Connection, state: str | None = None) -> list[PostingRecord]:
    p = schema.postings
    q = sa.select(p.c.id, p.c.text, p.c.state, p.c.team, p.c.department, p.c.location, p.c.updated_at, p.c.raw)
    if state:
        q = q.where(p.c.state == state)
    return [PostingRecord(**r._mapping) for r in conn.execute(q.order_by(p.c.text, p.c.id))]


def list_stages(conn: sa.Connection) -> list[dict[str, Any]]:
    return [{"id": r.id, "text": r.text} for r in conn.execute(sa.select(st.c.id, st.c.text).order_by(st.c.position))]


def list_archive_reasons(conn: sa.Connection) -> list[dict[str, Any]]:
    a = schema.archive_reasons
    return [
        dict(r._mapping) for r in conn.execute(sa.select(a.c.id, a.c.text, a.c.status, a.c.type).order_by(a.c.text))
    ]


_USER_COLS = (
    schema.users.c.id,
    schema.users.c.name,
    schema.users.c.email,
    schema.users.c.access_role,
    schema.users.c.deactivated_at,
)


def users_by_email(conn: sa.Connection, email: str) -> list[UserRecord]:
    """Lever users with this email, any case; active ones first."""
    u = schema.users
    q = sa.select(*_USER_COLS).where(u.c.email == email.strip()).order_by(u.c.deactivated_at.is_not(None), u.c.id)
    return [UserRecord(**r._mapping) for r in conn.execute(q)]


def get_user(conn: sa.Connection, user_id: str) -> UserRecord | None:
    r = conn.execute(sa.select(*_USER_COLS).where(schema.users.c.id == user_id)).first()
    return UserRecord(**r._mapping) if r else None


def list_users(conn: sa.Connection, include_deactivated: bool = False) -> list[UserRecord]:
    u = schema.users
    q = sa.select(*_USER_COLS).order_by(u.c.name, u.c.id)
    if not include_deactivated:
        q = q.where(u.c.deactivated_at.is_(None))
    return [UserRecord(**r._mapping) for r in conn.execute(q)]


def _template(row: sa.Row | None) -> TemplateRecord | None:
    if row is None:
        return None
    m = row._mapping
    return TemplateRecord(**{k: m[k] for k in TemplateRecord.__dataclass_fields__})


def current_template(conn: sa.Connection, template_id: str) -> TemplateRecord | None:
    t = schema.feedback_templates
    return _template(conn.execute(sa.select(t).where(t.c.template_id == template_id, t.c.current.is_(True))).first())


def template_version(conn: sa.Connection, template_id: str, version: str) -> TemplateRecord | None:
    t = schema.feedback_templates
    return _template(conn.execute(sa.select(t).where(t.c.template_id == template_id, t.c.version == version)).first())


def list_templates(conn: sa.Connection, include_no_feedback: bool = False) -> list[TemplateRecord]:
    """Current version of every template; "No Feedback" is left out unless asked for."""
    t = schema.feedback_templates
    q = sa.select(t).where(t.c.current.is_(True)).order_by(t.c.text, t.c.template_id)
    if not include_no_feedback:
        q = q.where(t.c.is_no_feedback.is_(False))
    return [r for r in map(_template, conn.execute(q)) if r is not None]


def get_state(conn: sa.Connection, key: str, default: Any = None) -> Any:
    value = conn.execute(sa.select(schema.sync_state.c.value).where(schema.sync_state.c.key == key)).scalar()
    return default if value is None else value


def states(conn: sa.Connection, prefix: str = "") -> dict[str, Any]:
    s = schema.sync_state
    return {r.key: r.value for r in conn.execute(sa.select(s.c.key, s.c.value).where(s.c.key.startswith(prefix)))}
