"""The record_feedback_draft tool's schema, built from the template: a model that follows it can
only give values the form accepts."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from helpers.review_seed import TEMPLATE, VALUES

from lever_desktop.drafting import tool_schema
from lever_desktop.review.validation import check_values

EVERY_TYPE = json.loads((Path(__file__).parents[2] / "fixtures/templates/every_type.json").read_text())
UNKNOWN_TYPE = json.loads((Path(__file__).parents[2] / "fixtures/templates/unknown_type.json").read_text())


def answer(values: dict) -> dict:
    return {
        "fields": [{"id": k, "value": v, "confidence": 0.8, "evidence": [{"quote": "x"}]} for k, v in values.items()]
    }


def valid(schema: dict, doc: dict) -> bool:
    return jsonschema.Draft202012Validator(schema).is_valid(doc)


def test_a_complete_valid_answer_passes_and_the_form_agrees():
    schema = tool_schema.input_schema(TEMPLATE)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert valid(schema, answer(VALUES))
    assert check_values(TEMPLATE, VALUES).ok


@pytest.mark.parametrize(
    ("field_id", "wrong"),
    [
        ("f-drop", "senior"),  # option text not exact
        ("f-overall", "3"),
        ("f-mc", "Backend"),
        ("f-ms", ["Python", "Rust"]),
        ("f-ms", ["Go", "Go"]),
        ("f-score", 5),
        ("f-score", 0),
        ("f-card", [{"score": 4, "comment": "one skill only"}]),
        ("f-card", [{"score": 5, "comment": "a"}, {"score": 3, "comment": "b"}]),
        ("f-yn", "maybe"),
        ("f-cur", -1),
        ("f-cur", "85k"),
        ("f-date", "2026-01-01"),
        ("f-text", ""),
    ],
)
def test_values_the_form_would_reject_are_outside_the_schema(field_id, wrong):
    values = {**VALUES, field_id: wrong}
    assert not check_values(TEMPLATE, values).ok  # the form refuses it ...
    assert not valid(tool_schema.input_schema(TEMPLATE), answer(values))  # ... and the model is told so


def test_required_fields_must_be_answered_optional_ones_may_be_left_out():
    schema = tool_schema.input_schema(TEMPLATE)
    assert valid(schema, answer({"f-text": "ok", "f-overall": "3 - Hire"}))
    assert not valid(schema, answer({"f-text": "ok"}))  # the overall rating is required
    assert not valid(schema, answer({**VALUES, "f-nope": "x"}))  # no such question


def test_exact_option_texts_score_ranges_and_questions_per_type():
    entries = {
        e["properties"]["id"]["const"]: e
        for e in tool_schema.input_schema(EVERY_TYPE)["properties"]["fields"]["items"]["anyOf"]
    }
    value = {k: e["properties"]["value"] for k, e in entries.items()}
    assert value["f-rating"]["enum"] == ["4 - Strong Hire", "3 - Hire", "2 - No Hire", "1 - Strong No Hire"]
    assert value["f-location"]["enum"] == ["On-site", "Hybrid", "Remote"]  # texts, never optionIds
    assert value["f-langs"]["items"]["enum"] == ["Python", "Go", "SQL", "TypeScript"]
    assert value["f-culture"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 4,
        "description": "1 strong no, 2 no, 3 yes, 4 strong yes",
    }
    assert value["f-skills"]["minItems"] == value["f-skills"]["maxItems"] == 3
    assert value["f-skills"]["description"].endswith("System design; Coding; Communication")
    assert value["f-relocate"]["enum"] == ["yes", "no"]
    assert "in USD" in value["f-salary"]["description"]
    assert entries["f-summary"]["description"] == "Summary — Strengths, concerns and evidence. (required)"
    assert entries["f-headline"]["description"] == "One-line takeaway — e.g. Strong systems thinker"


def test_score_system_without_options_gets_lever_default_scale_and_score_with_options_its_texts():
    template = {
        "fields": [
            {"id": "o", "type": "score-system", "text": "Overall", "required": True},
            {"id": "s", "type": "score", "text": "Fit", "options": [{"text": "Low"}, {"text": "High"}]},
        ]
    }
    entries = tool_schema.input_schema(template)["properties"]["fields"]["items"]["anyOf"]
    assert entries[0]["properties"]["value"]["enum"][0] == "4 - Strong Hire"
    assert entries[1]["properties"]["value"]["enum"] == ["Low", "High"]


def test_fields_lever_desktop_cannot_send_are_not_asked():
    schema = tool_schema.input_schema(copy.deepcopy(UNKNOWN_TYPE))
    jsonschema.Draft202012Validator.check_schema(schema)
    asked = [e["properties"]["id"]["const"] for e in schema["properties"]["fields"]["items"]["anyOf"]]
    assert asked == ["u-rating", "u-notes"]  # the e-signature and video fields are left for Lever
    assert valid(schema, answer({"u-rating": "3 - Hire"}))  # a required field we cannot send is not demanded
