"""Handy ids for tests and demos, found in the seeded data (``GET /_sandbox/examples``)."""

from __future__ import annotations

from typing import Any

from lever_desktop.sandbox import templates as tpl
from lever_desktop.sandbox.state import SandboxState


def interview_with_active_interviewer(state: SandboxState, template_text: str | None = None) -> dict[str, Any] | None:
    """The first (opportunity, panel, interview, interviewer) whose interviewer is active."""
    active = {u["id"] for u in state.catalog.active_users()}
    by_text = {t["text"]: t["id"] for t in state.templates.values()}
    wanted = by_text.get(template_text) if template_text else None
    for row in range(state.opps.count):
        if row in state.deleted_rows or not state.opps.has_interviews(row):
            continue
        for panel in state.details_of(row).panels:
            for iv in panel["interviews"]:
                if wanted and iv["feedbackTemplate"] != wanted:
                    continue
                person = next((p for p in iv["interviewers"] if p["id"] in active), None)
                if person:
                    return {
                        "opportunityId": state.opps.id_of(row),
                        "panelId": panel["id"],
                        "interviewId": iv["id"],
                        "interviewerId": person["id"],
                        "interviewerEmail": person["email"],
                        "templateId": iv["feedbackTemplate"],
                    }
    return None


def examples(state: SandboxState) -> dict[str, Any]:
    with state.lock:
        users = state.catalog.users
        templates = {t["text"]: t["id"] for t in state.templates.values()}
        return {
            "interview": interview_with_active_interviewer(state),
            "everyFieldTypeInterview": interview_with_active_interviewer(state, "Every field type"),
            "activeUserId": next(u["id"] for u in users if u["deactivatedAt"] is None),
            "deactivatedUserId": next(u["id"] for u in users if u["deactivatedAt"] is not None),
            "templates": templates,
            "everyFieldTypeTemplateId": templates["Every field type"],
            "unknownFieldTypeTemplateId": next(
                t["id"] for t in state.templates.values() if any(f["type"] == tpl.UNKNOWN_TYPE for f in t["fields"])
            ),
            "noFeedbackTemplateId": templates[tpl.NO_FEEDBACK_TEXT],
            "deletedOpportunityId": state.deleted[0]["id"] if state.deleted else None,
        }
