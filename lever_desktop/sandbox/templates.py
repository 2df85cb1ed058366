"""Feedback templates: realistic ones, one of every field type, one the app cannot know.

Also "No Feedback", Lever's default template that is listed but must never be
offered as a form. ``drift`` makes a new version of a template the way an admin
editing it in Lever would: ``updatedAt`` moves and fields change. ``reword`` is the
edit that changes nothing a form sends: instructions, labels, descriptions, the order
of questions and of options (approved drafts must stay approved through it).
"""

from __future__ import annotations

import copy
import random
from typing import Any

from lever_desktop.sandbox.catalog import DAY_MS, new_uuid

SCORE_SYSTEM_OPTIONS = ["4 - Strong Hire", "3 - Hire", "2 - No Hire", "1 - Strong No Hire"]
KNOWN_TYPES = {
    "text",
    "textarea",
    "code",
    "date",
    "dropdown",
    "multiple-choice",
    "multiple-select",
    "score-system",
    "score",
    "scorecard",
    "yes-no",
    "currency",
}
UNKNOWN_TYPE = "file-upload"  # a type Lever could add tomorrow; the app must not choke on it
NO_FEEDBACK_TEXT = "No Feedback"


def _field(rng: random.Random, type_: str, text: str, required: bool | int = False, **extra: Any) -> dict[str, Any]:
    f: dict[str, Any] = {"id": new_uuid(rng), "type": type_, "text": text, "description": "", "required": required}
    if "options" in extra:
        extra["options"] = [{"text": t, "optionId": new_uuid(rng)} for t in extra["options"]]
    f.update(extra)
    return f


def _score_system(rng: random.Random) -> dict[str, Any]:
    return _field(rng, "score-system", "Overall rating", True, options=SCORE_SYSTEM_OPTIONS)


def build_templates(rng: random.Random, anchor_ms: int, stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    created = anchor_ms - 500 * DAY_MS
    group = {"id": new_uuid(rng), "name": "Engineering interviews"}
    phone_stage = stages[5]["id"] if len(stages) > 5 else None

    def template(text: str, fields: list[dict[str, Any]], *, grp=None, stage=None, instructions="") -> dict[str, Any]:
        return {
            "id": new_uuid(rng),
            "text": text,
            "group": grp,
            "instructions": instructions,
            "stage": stage,
            "createdAt": created,
            "updatedAt": created + rng.randrange(DAY_MS, 90 * DAY_MS),
            "fields": fields,
        }

    phone = template(
        "Phone screen",
        [
            _field(rng, "textarea", "Summary of the conversation", True, prompt="What stood out?"),
            _field(
                rng,
                "scorecard",
                "Core skills",
                True,
                scores=[
                    {"text": "Communication", "description": "Explains ideas clearly"},
                    {"text": "Motivation", "description": "Why this role, why now"},
                    {"text": "Experience", "description": "Relevant past work"},
                ],
            ),
            _field(rng, "yes-no", "Would you like to work with this person?", True),
            _field(
                rng,
                "dropdown",
                "Recommended next step",
                False,
                options=["Move to on-site", "Second phone screen", "Reject"],
            ),
            _score_system(rng),
        ],
        stage=phone_stage,
        instructions="Keep it to 30 minutes; leave time for their questions.",
    )
    onsite = template(
        "On-site technical interview",
        [
            _field(rng, "code", "Exercise solution", False, language="python"),
            _field(rng, "score", "Problem solving", True),
            _field(rng, "score", "Code quality", True),
            _field(
                rng,
                "multiple-select",
                "Strengths observed",
                False,
                options=["Testing", "Debugging", "System design", "Communication", "Pairing"],
            ),
            _field(rng, "textarea", "Concerns", False),
            _score_system(rng),
        ],
        grp=group,
        instructions="Score against the rubric, not against other candidates.",
    )
    every = template(
        "Every field type",
        [
            _field(rng, "text", "One-line summary", True),
            _field(rng, "textarea", "Detailed notes", 1),
            _field(rng, "code", "Code written", False, language="javascript"),
            _field(rng, "date", "Earliest start date", False),
            _field(rng, "dropdown", "Seniority", True, options=["Junior", "Mid-level", "Senior", "Staff"]),
            _field(rng, "multiple-choice", "Preferred team", False, options=["Platform", "Web", "Data"]),
            _field(rng, "multiple-select", "Languages", False, options=["Python", "Go", "TypeScript", "Rust"]),
            _field(rng, "score", "Culture add", True),
            _field(
                rng,
                "score",
                "Leadership (labelled)",
                False,
                options=["1 - Weak", "2 - Mixed", "3 - Good", "4 - Excellent"],
            ),
            _field(
                rng,
                "scorecard",
                "Competencies",
                True,
                scores=[
                    {"text": "Ownership", "description": "Takes responsibility end to end"},
                    {"text": "Craft", "description": "Quality of work"},
                ],
            ),
            _field(rng, "yes-no", "Eligible to work in the country?", 0),
            _field(rng, "currency", "Salary expectation", False, currency="EUR"),
            _score_system(rng),
        ],
        grp=group,
    )
    future = template(
        "Portfolio review",
        [
            _field(rng, "textarea", "Portfolio notes", True),
            _field(rng, UNKNOWN_TYPE, "Attach annotated portfolio", False),
            _score_system(rng),
        ],
    )
    no_feedback = template(NO_FEEDBACK_TEXT, [], instructions="")
    return [phone, onsite, every, future, no_feedback]


def is_offerable(template: dict[str, Any]) -> bool:
    return template["text"] != NO_FEEDBACK_TEXT


def drift(template: dict[str, Any], rng: random.Random, now_ms: int) -> dict[str, Any]:
    """A new version of ``template``: an admin renamed an option, added a field, relaxed another."""
    new = copy.deepcopy(template)
    new["updatedAt"] = max(now_ms, template["updatedAt"] + 1)
    version = new.setdefault("_version", 1) + 1
    new["_version"] = version
    fields = new["fields"]
    for f in fields:
        if f["type"] in ("dropdown", "multiple-choice", "multiple-select") and f.get("options"):
            f["options"][-1]["text"] = f"{f['options'][-1]['text'].split(' (v')[0]} (v{version})"
            break
    removable = [f for f in fields if not f["required"] and f["type"] != "score-system"]
    if removable and version % 2 == 0:
        fields.remove(removable[0])
    fields.insert(max(0, len(fields) - 1), _field(rng, "text", f"Follow-up question (v{version})", False))
    return new


def reword(template: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """A new version whose forms send exactly what the old one's did: an admin rewrote the
    instructions, relabelled and re-described questions and moved them (and options) around.
    Scorecard rows keep their order: their values are sent by position."""
    new = copy.deepcopy(template)
    new["updatedAt"] = max(now_ms, template["updatedAt"] + 1)
    version = new.setdefault("_version", 1) + 1
    new["_version"] = version
    new["instructions"] = f"{template.get('instructions') or ''} Be specific (v{version}).".strip()
    for f in new["fields"]:
        f["text"] = f"{f['text'].split(' (reworded')[0]} (reworded v{version})"
        f["description"] = f"Asked since v{version}"
        if f.get("options"):
            f["options"].reverse()
    new["fields"].reverse()
    return new


def public_view(template: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in template.items() if not k.startswith("_")}
