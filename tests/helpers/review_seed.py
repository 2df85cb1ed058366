"""Review test data: a template of every field type, users, and a cache seeded the way a sync leaves it.

Imported by the review tests (tests/helpers/)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa

from lever_desktop.store import schema

NOW = int(time.time() * 1000)

TEMPLATE: dict[str, Any] = {
    "id": "tpl-every",
    "text": "Every field type",
    "fields": [
        {"id": "f-text", "type": "text", "text": "Summary", "required": True},
        {"id": "f-area", "type": "textarea", "text": "Notes", "required": 0},
        {"id": "f-code", "type": "code", "text": "Code", "language": "python"},
        {"id": "f-date", "type": "date", "text": "Start date"},
        {"id": "f-drop", "type": "dropdown", "text": "Seniority", "options": [{"text": "Junior"}, {"text": "Senior"}]},
        {"id": "f-mc", "type": "multiple-choice", "text": "Team", "options": [{"text": "Web"}, {"text": "Data"}]},
        {"id": "f-ms", "type": "multiple-select", "text": "Languages", "options": [{"text": "Python"}, {"text": "Go"}]},
        {"id": "f-score", "type": "score", "text": "Culture"},
        {
            "id": "f-card",
            "type": "scorecard",
            "text": "Skills",
            "scores": [{"text": "Ownership", "description": ""}, {"text": "Craft", "description": ""}],
        },
        {"id": "f-yn", "type": "yes-no", "text": "Hire again?"},
        {"id": "f-cur", "type": "currency", "text": "Expected salary", "currency": "EUR"},
        {
            "id": "f-overall",
            "type": "score-system",
            "text": "Overall",
            "required": True,
            "options": [
                {"text": "4 - Strong Hire"},
                {"text": "3 - Hire"},
                {"text": "2 - No Hire"},
                {"text": "1 - Strong No Hire"},
            ],
        },
    ],
}

VALUES: dict[str, Any] = {
    "f-text": "Strong candidate",
    "f-area": "Long notes",
    "f-code": "print(1)",
    "f-date": 1767225600000,
    "f-drop": "Senior",
    "f-mc": "Data",
    "f-ms": ["Python", "Go"],
    "f-score": 3,
    "f-card": [{"score": 4, "comment": "owns it"}, {"score": 3, "comment": "good"}],
    "f-yn": "yes",
    "f-cur": 85000,
    "f-overall": "3 - Hire",
}

USERS = [
    {"id": "u-ana", "name": "Ana Interviewer", "email": "ana@example.com", "deactivatedAt": None},
    {"id": "u-bob", "name": "Bob Gone", "email": "bob@example.com", "deactivatedAt": NOW - 1000},
    {"id": "u-cy", "name": "Cy Elsewhere", "email": "cy@example.com", "deactivatedAt": None},
    {"id": "u-bot", "name": "Feedback Bot", "email": "bot@example.com", "deactivatedAt": None},
]


def draft_doc(draft_id: str = "d-1", **over: Any) -> dict[str, Any]:
    doc = {
        "schema": "lever-desktop/draft@1",
        "draftId": draft_id,
        "opportunityId": "opp-1",
        "templateId": "tpl-every",
        "panelId": "pan-1",
        "interviewId": "int-1",
        "interviewerEmail": "ANA@example.com",
        "createdAt": NOW - 60_000,
        "model": "test-model",
        "fields": [{"id": k, "value": v, "confidence": 0.9} for k, v in VALUES.items()],
    }
    doc.update(over)
    return doc


def put_template(conn: sa.Connection, template: dict[str, Any], version: str) -> None:
    t = schema.feedback_templates
    conn.execute(t.update().where(t.c.template_id == template["id"]).values(current=False))
    conn.execute(
        t.insert().values(
            template_id=template["id"],
            version=version,
            current=True,
            text=template["text"],
            fields=template["fields"],
            raw=template,
            first_seen_at=NOW,
            fetched_at=NOW,
        )
    )


def seed(conn: sa.Connection) -> None:
    for u in USERS:
        conn.execute(
            schema.users.insert().values(
                id=u["id"], name=u["name"], email=u["email"], deactivated_at=u["deactivatedAt"], raw=u, synced_at=NOW
            )
        )
    conn.execute(schema.opportunities.insert().values(id="opp-1", name="Grace Candidate", raw={}, synced_at=NOW))
    conn.execute(schema.panels.insert().values(id="pan-1", opportunity_id="opp-1", raw={}))
    conn.execute(schema.interviews.insert().values(id="int-1", opportunity_id="opp-1", panel_id="pan-1", raw={}))
    conn.execute(
        schema.interview_interviewers.insert().values(
            interview_id="int-1", user_id="u-ana", email="ana@example.com", name="Ana Interviewer"
        )
    )
    put_template(conn, TEMPLATE, "v1")


def seeded_store() -> Iterator[Any]:
    """A real store (SQLite file in the test's basedir) seeded like a sync; closed after the test."""
    from lever_desktop.store import Store

    store = Store.open()
    store.call_sync(seed)
    yield store
    store.close()
