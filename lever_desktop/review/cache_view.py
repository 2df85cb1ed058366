"""What review reads from the local cache: plain dicts, so review works offline.

Kept in one module so the review layer depends on the cache's tables in one
place only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from lever_desktop.store import schema as s


def users(conn: Connection) -> list[dict[str, Any]]:
    """Every cached Lever user, deactivated ones included (so we can say why one cannot author)."""
    rows = conn.execute(select(s.users.c.id, s.users.c.name, s.users.c.email, s.users.c.deactivated_at))
    return [{"id": r.id, "name": r.name, "email": r.email, "deactivatedAt": r.deactivated_at} for r in rows]


def opportunity(conn: Connection, opportunity_id: str) -> dict[str, Any] | None:
    row = conn.execute(
        select(s.opportunities.c.id, s.opportunities.c.name, s.opportunities.c.details_synced_at).where(
            s.opportunities.c.id == opportunity_id
        )
    ).first()
    if row is None:
        return None
    return {"id": row.id, "name": row.name, "detailsSyncedAt": row.details_synced_at}


def template(conn: Connection, template_id: str, version: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """(version, template dict) — the current version unless one is named."""
    t = s.feedback_templates
    q = select(t.c.version, t.c.raw, t.c.fields).where(t.c.template_id == template_id)
    q = q.where(t.c.version == version) if version else q.where(t.c.current.is_(True))
    row = conn.execute(q.order_by(t.c.fetched_at.desc())).first()
    if row is None:
        return None
    body = dict(row.raw or {})
    body.setdefault("id", template_id)
    body["fields"] = row.fields
    return row.version, body


def interview(conn: Connection, interview_id: str) -> dict[str, Any] | None:
    i = s.interviews
    row = conn.execute(select(i.c.id, i.c.opportunity_id, i.c.panel_id, i.c.canceled_at).where(i.c.id == interview_id)).first()
    if row is None:
        return None
    ii = s.interview_interviewers
    people = conn.execute(select(ii.c.user_id, ii.c.email, ii.c.name).where(ii.c.interview_id == interview_id))
    return {
        "id": row.id,
        "opportunityId": row.opportunity_id,
        "panel": row.panel_id,
        "canceledAt": row.canceled_at,
        "interviewers": [{"id": p.user_id, "email": p.email, "name": p.name} for p in people],
    }


def panel_exists(conn: Connection, panel_id: str) -> bool:
    return conn.execute(select(s.panels.c.id).where(s.panels.c.id == panel_id)).first() is not None
