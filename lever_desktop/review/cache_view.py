"""What review reads from the local cache: plain dicts (Lever's feedback forms as the typed
``Feedback``, the same as the outbox reads them from Lever), so review works offline.

Kept in one module so the review layer depends on the cache's tables in one
place only.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from lever_desktop.lever import models
from lever_desktop.lever.models import Feedback
from lever_desktop.review.authors import Author, resolve_author
from lever_desktop.store import queries
from lever_desktop.store import schema as s


def users(conn: Connection) -> list[dict[str, Any]]:
    """Every cached Lever user, deactivated ones included (so we can say why one cannot author)."""
    return [
        {"id": u.id, "name": u.name, "email": u.email, "deactivatedAt": u.deactivated_at}
        for u in queries.list_users(conn, include_deactivated=True)
    ]


def opportunity(conn: Connection, opportunity_id: str) -> dict[str, Any] | None:
    o = s.opportunities
    row = conn.execute(select(o.c.id, o.c.name, o.c.details_synced_at).where(o.c.id == opportunity_id)).first()
    return None if row is None else {"id": row.id, "name": row.name, "detailsSyncedAt": row.details_synced_at}


def opportunity_deleted(conn: Connection, opportunity_id: str) -> bool:
    """Lever listed it among deleted opportunities (a sync recorded the tombstone)."""
    return (
        conn.execute(
            select(s.tombstones.c.opportunity_id).where(s.tombstones.c.opportunity_id == opportunity_id)
        ).first()
        is not None
    )


def template(conn: Connection, template_id: str, version: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """(version, template as Lever sent it) — the current version unless one is named."""
    rec = (
        queries.template_version(conn, template_id, version) if version else queries.current_template(conn, template_id)
    )
    if rec is None:
        return None
    body = dict(rec.raw or {})
    body.setdefault("id", template_id)
    body["fields"] = rec.fields
    return rec.version, body


def interview(conn: Connection, interview_id: str) -> dict[str, Any] | None:
    i = s.interviews
    row = conn.execute(
        select(i.c.id, i.c.opportunity_id, i.c.panel_id, i.c.canceled_at).where(i.c.id == interview_id)
    ).first()
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


def feedback(conn: Connection, opportunity_id: str) -> list[Feedback]:
    """The opportunity's submitted forms as Lever sent them, read through the model like a fresh
    read from Lever (deleted ones are never cached)."""
    f = s.feedback
    rows = conn.execute(select(f.c.raw).where(f.c.opportunity_id == opportunity_id).order_by(f.c.completed_at))
    return models.parse_forms([r.raw for r in rows])


def author(conn: Connection, rec: Any, **choice: Any) -> Author:
    """Who would author ``rec`` (a DraftRecord) in Lever, by the cached users and its interview.

    ``choice``: resolve_author's chosen_email, service_account_email, confirm_service_account.
    Raises AuthorUnresolved (or ServiceAccountNotConfirmed) as resolve_author does.
    """
    meeting = interview(conn, rec.interview_id) if rec.interview_id else None
    return resolve_author(rec.interviewer_email, users(conn), meeting, **choice)
