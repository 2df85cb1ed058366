"""Lever records -> cache rows (the data-mapping table of the seed design).

Every record is read through the pydantic models of ``lever.models`` (lenient
where Lever's docs show variants: ids or ``expand``ed objects, nulls, extra
keys); the record itself is kept verbatim in ``raw``. Rows are tuples in the
column order of the SQL in ``cache.py`` (bulk ingest runs through
``executemany`` without per-row ORM work).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from lever_desktop.lever import models

NO_FEEDBACK = "no feedback"


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


OPPORTUNITY_COLUMNS = (
    "id",
    "name",
    "headline",
    "email",
    "phone",
    "location",
    "stage_id",
    "origin",
    "sources",
    "tags",
    "owner_id",
    "contact_id",
    "archived_reason_id",
    "archived_at",
    "confidentiality",
    "created_at",
    "updated_at",
    "last_interaction_at",
    "search_text",
    "raw",
    "synced_at",
)


def opportunity_row(o: models.Opportunity, raw: dict[str, Any], synced_at: int) -> tuple[Any, ...]:
    phone = o.phones[0].value if o.phones else None
    archived = o.archived or models.Archived()
    search = " ".join([o.name or "", *o.emails]).lower()
    return (
        o.id,
        o.name,
        o.headline,
        o.emails[0] if o.emails else None,
        phone,
        o.location,
        o.stage,
        o.origin,
        dumps(o.sources),
        dumps(o.tags),
        o.owner,
        o.contact,
        archived.reason,
        archived.archived_at,
        o.confidentiality,
        o.created_at,
        o.updated_at,
        o.last_interaction_at,
        search,
        dumps(raw),
        synced_at,
    )


POSTING_COLUMNS = (
    "id",
    "text",
    "state",
    "team",
    "department",
    "location",
    "commitment",
    "level",
    "workplace_type",
    "hiring_manager_id",
    "owner_id",
    "distribution_channels",
    "confidentiality",
    "created_at",
    "updated_at",
    "raw",
    "synced_at",
)


def posting_row(p: models.Posting, raw: dict[str, Any], synced_at: int) -> tuple[Any, ...]:
    cat = p.categories
    return (
        p.id,
        p.text,
        p.state,
        cat.team,
        cat.department,
        cat.location,
        cat.commitment,
        cat.level,
        p.workplace_type,
        p.hiring_manager,
        p.owner,
        dumps(p.distribution_channels),
        p.confidentiality,
        p.created_at,
        p.updated_at,
        dumps(raw),
        synced_at,
    )


def template_version(t: models.FeedbackTemplate | dict[str, Any]) -> str:
    """Hash of what a form of this template sends (``FeedbackTemplate.request_shape``).

    Same request, same version: Lever reordering its answer, the list and the single-template
    endpoint spelling ``required`` or ``stage`` differently, or an admin editing instructions
    leave approved drafts alone; a changed option, score row, type or required flag does not.
    """
    if isinstance(t, dict):
        t = models.parse_template(t)
    return hashlib.sha256(dumps(t.request_shape()).encode()).hexdigest()[:16]


def is_no_feedback(t: models.FeedbackTemplate) -> bool:
    """Lever's default "No Feedback" template: cached, never offered as a form."""
    return t.text.strip().lower() == NO_FEEDBACK


def template_row(t: models.FeedbackTemplate, raw: dict[str, Any], now: int) -> dict[str, Any]:
    group = t.group or models.TemplateGroup()
    return {
        "template_id": t.id,
        "version": template_version(t),
        "current": True,
        "text": t.text,
        "group_id": group.id,
        "group_name": group.name,
        "stage_id": t.stage,
        "instructions": t.instructions,
        "is_no_feedback": is_no_feedback(t),
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "fields": raw.get("fields") or [],
        "raw": raw,
        "first_seen_at": now,
        "fetched_at": now,
    }


def user_row(u: models.User, raw: dict[str, Any], synced_at: int) -> dict[str, Any]:
    return {
        "id": u.id,
        "name": u.name,
        "username": u.username,
        "email": u.email,
        "access_role": u.access_role,
        "deactivated_at": u.deactivated_at,
        "created_at": u.created_at,
        "raw": raw,
        "synced_at": synced_at,
    }


def archive_reason_row(r: models.ArchiveReason, raw: dict[str, Any], synced_at: int) -> dict[str, Any]:
    return {"id": r.id, "text": r.text, "status": r.status, "type": r.type, "raw": raw, "synced_at": synced_at}


def panel_row(p: models.Panel, raw: dict[str, Any], opportunity_id: str) -> dict[str, Any]:
    return {
        "id": p.id,
        "opportunity_id": opportunity_id,
        "start": p.start,
        "end": p.end,
        "timezone": p.timezone,
        "stage_id": p.stage,
        "canceled_at": p.canceled_at,
        "externally_managed": p.externally_managed,
        "raw": raw,
    }


def interview_row(i: models.Interview, raw: dict[str, Any], opportunity_id: str) -> dict[str, Any]:
    return {
        "id": i.id,
        "opportunity_id": opportunity_id,
        "panel_id": i.panel,
        "subject": i.subject,
        "date": i.date,
        "duration": i.duration,
        "timezone": i.timezone,
        "feedback_template_id": i.feedback_template,
        "stage_id": i.stage,
        "canceled_at": i.canceled_at,
        "raw": raw,
    }


def interviewer_rows(i: models.Interview) -> list[dict[str, Any]]:
    return [
        {
            "interview_id": i.id,
            "user_id": p.id,
            "email": p.email,
            "name": p.name,
            "feedback_template_id": p.feedback_template,
        }
        for p in i.interviewers
    ]


def feedback_row(f: models.Feedback, raw: dict[str, Any], opportunity_id: str) -> dict[str, Any]:
    return {
        "id": f.id,
        "opportunity_id": opportunity_id,
        "type": f.type,
        "text": f.text,
        "base_template_id": f.base_template_id,
        "user_id": f.user,
        "panel_id": f.panel,
        "interview_id": f.interview,
        "created_at": f.created_at,
        "updated_at": f.updated_at,
        "completed_at": f.completed_at,
        "raw": raw,
    }


def tombstone_row(d: models.DeletedOpportunity, recorded_at: int) -> tuple[Any, ...]:
    return (d.id, d.deleted_at, d.deleted_by, recorded_at)
