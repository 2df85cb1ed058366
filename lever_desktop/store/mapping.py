"""Lever JSON -> cache rows (the data-mapping table of the seed design).

Lenient by design: Lever adds fields without notice and sends ``expand``ed
objects or bare ids for the same key, so every reference goes through ``ref``.
Rows are tuples in the column order of the SQL in ``cache.py`` (bulk ingest
runs through ``executemany`` without per-row ORM work).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

NO_FEEDBACK = "no feedback"


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def ref(value: Any) -> str | None:
    """An id whether Lever sent the bare id or the expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def ms(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    if isinstance(value, dict):  # {"name": ...} locations
        value = value.get("name")
    return value if isinstance(value, str) else None


def posting_ids(opportunity: dict[str, Any]) -> list[str] | None:
    """Posting ids of an opportunity, or None when the record does not say (unexpanded)."""
    if isinstance(opportunity.get("postings"), list):
        return sorted({p for p in map(ref, opportunity["postings"]) if p})
    apps = opportunity.get("applications")
    if not isinstance(apps, list):
        return None
    if any(not isinstance(a, dict) for a in apps):
        return None  # bare application ids: the postings are unknown, keep what we had
    return sorted({p for p in (ref(a.get("posting")) for a in apps) if p})


OPPORTUNITY_COLUMNS = (
    "id", "name", "headline", "email", "phone", "location", "stage_id", "origin", "sources", "tags",
    "owner_id", "contact_id", "archived_reason_id", "archived_at", "confidentiality", "created_at",
    "updated_at", "last_interaction_at", "search_text", "raw", "synced_at",
)  # fmt: skip


def opportunity_row(o: dict[str, Any], synced_at: int) -> tuple[Any, ...]:
    emails = [e for e in o.get("emails") or [] if isinstance(e, str)]
    phones = o.get("phones") or []
    phone = phones[0].get("value") if phones and isinstance(phones[0], dict) else None
    archived = o.get("archived") if isinstance(o.get("archived"), dict) else {}
    name = o.get("name") if isinstance(o.get("name"), str) else None
    search = " ".join([name or "", *emails]).lower()
    return (
        o["id"], name, _text(o.get("headline")), emails[0] if emails else None, phone,
        _text(o.get("location")), ref(o.get("stage")), _text(o.get("origin")),
        dumps([s for s in o.get("sources") or [] if isinstance(s, str)]),
        dumps([t for t in o.get("tags") or [] if isinstance(t, str)]),
        ref(o.get("owner")), ref(o.get("contact")), ref(archived.get("reason")), ms(archived.get("archivedAt")),
        _text(o.get("confidentiality")), ms(o.get("createdAt")), ms(o.get("updatedAt")),
        ms(o.get("lastInteractionAt")), search, dumps(o), synced_at,
    )  # fmt: skip


POSTING_COLUMNS = (
    "id", "text", "state", "team", "department", "location", "commitment", "level", "workplace_type",
    "hiring_manager_id", "owner_id", "distribution_channels", "confidentiality", "created_at", "updated_at",
    "raw", "synced_at",
)  # fmt: skip


def posting_row(p: dict[str, Any], synced_at: int) -> tuple[Any, ...]:
    cat = p.get("categories") if isinstance(p.get("categories"), dict) else {}
    return (
        p["id"], _text(p.get("text")), _text(p.get("state")), _text(cat.get("team")),
        _text(cat.get("department")), _text(cat.get("location")), _text(cat.get("commitment")),
        _text(cat.get("level")), _text(p.get("workplaceType")), ref(p.get("hiringManager")), ref(p.get("owner")),
        dumps(p.get("distributionChannels") or []), _text(p.get("confidentiality")), ms(p.get("createdAt")),
        ms(p.get("updatedAt")), dumps(p), synced_at,
    )  # fmt: skip


def template_version(t: dict[str, Any]) -> str:
    """Content hash of what a form is built from: same definition, same version."""
    keys = ("text", "instructions", "group", "stage", "fields")
    body = dumps({k: t.get(k) for k in keys})
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def is_no_feedback(t: dict[str, Any]) -> bool:
    """Lever's default "No Feedback" template: cached, never offered as a form."""
    return str(t.get("text") or "").strip().lower() == NO_FEEDBACK


def template_row(t: dict[str, Any], now: int) -> dict[str, Any]:
    group = t.get("group") if isinstance(t.get("group"), dict) else {}
    return {
        "template_id": t["id"], "version": template_version(t), "current": True, "text": _text(t.get("text")),
        "group_id": ref(group), "group_name": _text(group.get("name")), "stage_id": ref(t.get("stage")),
        "instructions": _text(t.get("instructions")), "is_no_feedback": is_no_feedback(t),
        "created_at": ms(t.get("createdAt")), "updated_at": ms(t.get("updatedAt")),
        "fields": t.get("fields") or [], "raw": t, "first_seen_at": now, "fetched_at": now,
    }  # fmt: skip


def interviewers_of(interview: dict[str, Any]) -> list[dict[str, Any]]:
    people = []
    for person in interview.get("interviewers") or []:
        uid = ref(person)
        if uid:
            p = person if isinstance(person, dict) else {}
            people.append({"interview_id": interview["id"], "user_id": uid, "email": _text(p.get("email")),
                           "name": _text(p.get("name")), "feedback_template_id": ref(p.get("feedbackTemplate"))})  # fmt: skip
    return people
