"""The sandbox model's answer: valid against whatever schema the drafter sends, quotes copied verbatim."""

from __future__ import annotations

import copy

import jsonschema
import pytest

from lever_desktop.sandbox.model_answer import answer, fields_of, normalised, transcript_of
from lever_desktop.sandbox.templates import SCORE_SYSTEM_OPTIONS
from lever_desktop.sandbox.transcripts import sample_transcripts

ROW = {
    "type": "object",
    "additionalProperties": False,
    "required": ["score"],
    "properties": {"score": {"type": "integer", "minimum": 1, "maximum": 4}, "comment": {"type": "string"}},
}
VALUES = {  # one of each Lever field type, the way a template's tool schema may say it
    "one-line": ("One-line summary", {"type": "string", "minLength": 1, "maxLength": 120}, True),
    "notes": ("Detailed notes", {"type": "string"}, True),
    "code": ("Code written", {"type": "string"}, False),
    "start": ("Earliest start date", {"type": "string", "format": "date"}, False),
    "seniority": ("Seniority", {"type": "string", "enum": ["Junior", "Mid-level", "Senior", "Staff"]}, True),
    "team": ("Preferred team", {"type": "string", "enum": ["Platform", "Web", "Data"]}, False),
    "languages": (
        "Languages",
        {
            "type": "array",
            "uniqueItems": True,
            "minItems": 1,
            "items": {"enum": ["Python", "Go", "TypeScript", "Rust"]},
        },
        False,
    ),
    "culture": ("Culture add", {"type": "integer", "minimum": 1, "maximum": 4}, True),
    "leadership": ("Leadership (labelled)", {"enum": ["1 - Weak", "2 - Mixed", "3 - Good", "4 - Excellent"]}, False),
    "competencies": (
        "Competencies",
        {
            "type": "array",
            "minItems": 2,
            "maxItems": 2,
            "items": False,
            "prefixItems": [dict(ROW, title="Ownership"), dict(ROW, title="Craft")],
        },
        True,
    ),
    "eligible": ("Eligible to work in the country?", {"type": "boolean"}, False),
    "salary": ("Salary expectation", {"type": "number", "minimum": 0}, False),
    "overall": ("Overall rating", {"$ref": "#/$defs/scoreSystem"}, True),
}
EVIDENCE = {
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": ["quote"],
        "properties": {"quote": {"type": "string", "minLength": 1}},
    },
}


def variant(field_id: str) -> dict:
    title, value, required = VALUES[field_id]
    return {
        "type": "object",
        "title": title,
        "additionalProperties": False,
        "required": ["id", "value", "confidence", "evidence", "rationale"],
        "properties": {
            "id": {"const": field_id},
            "value": value if required else {"anyOf": [value, {"type": "null"}]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "evidence": {"$ref": "#/$defs/evidence"},
            "rationale": {"type": "string"},
        },
    }


def schema(shape: str) -> dict:
    defs = {"evidence": EVIDENCE, "scoreSystem": {"type": "string", "enum": SCORE_SYSTEM_OPTIONS}}
    variants = [variant(i) for i in VALUES]
    if shape == "anyOf":
        fields = {"type": "array", "items": {"anyOf": variants}}
    elif shape == "prefixItems":  # one item per field, in the template's order
        fields = {"type": "array", "prefixItems": variants, "items": False}
    else:  # every variant behind a $ref
        defs.update({f"field_{i}": v for i, v in zip(VALUES, variants)})
        fields = {"type": "array", "items": {"oneOf": [{"$ref": f"#/$defs/field_{i}"} for i in VALUES]}}
    return {
        "type": "object",
        "required": ["fields"],
        "additionalProperties": False,
        "$defs": defs,
        "properties": {"fields": fields},
    }


def sample_prompt() -> tuple[str, list[str]]:
    sample = next(s for s in sample_transcripts() if s.template == "Every field type")
    text = sample.path.read_text(encoding="utf-8")
    said = [u.text for u in transcript_of(f"<transcript>\n{text}</transcript>")]
    return f"Draft the form.\n<transcript>\n{text}</transcript>\nUse the tool.", said


@pytest.mark.parametrize("shape", ["anyOf", "prefixItems", "$ref"])
def test_an_answer_for_every_field_type_is_valid_and_quotes_the_transcript(shape):
    tool_schema = schema(shape)
    prompt, said = sample_prompt()
    doc = answer(tool_schema, prompt)
    jsonschema.Draft202012Validator(tool_schema).validate(doc)
    assert [f["id"] for f in doc["fields"]] == list(VALUES)
    for f in doc["fields"]:
        assert f["evidence"] and all(any(e["quote"] in s for s in said) for e in f["evidence"]), f["id"]
        assert 0.6 <= f["confidence"] <= 0.95
    values = {f["id"]: f["value"] for f in doc["fields"]}
    assert any(values["notes"] in s for s in said) and values["languages"]
    assert values["salary"] == 85_000, "an amount as said: 'around eighty five thousand euros a year'"
    assert all(row["comment"] and any(row["comment"] in s for s in said) for row in values["competencies"])
    assert answer(tool_schema, prompt) == doc


def test_which_fields_are_required_comes_from_the_schema():
    assert {s.id for s in fields_of(schema("anyOf")) if s.required} == {k for k, v in VALUES.items() if v[2]}
    assert [s.id for s in fields_of(schema("$ref"))] == list(VALUES)
    shared = {
        "type": "object",
        "properties": {
            "fields": {
                "type": "array",
                "items": {"type": "object", "properties": {"id": {"enum": ["a", "b"]}, "value": {"type": "string"}}},
            }
        },
    }
    assert [s.id for s in fields_of(shared)] == ["a", "b"]


def test_options_follow_the_transcript_else_the_middle_one():
    one = {
        "type": "object",
        "properties": {
            "fields": {
                "type": "array",
                "items": {
                    "anyOf": [
                        {
                            "properties": {
                                "id": {"const": "next"},
                                "value": {"enum": ["Move to on-site", "Second phone screen", "Reject"]},
                            }
                        }
                    ]
                },
            }
        },
    }
    said = "<transcript>\n[00:00:01] Sam: I would love to come on-site and move forward with the team.\n</transcript>"
    assert answer(one, said)["fields"][0]["value"] == "Move to on-site"
    quiet = "<transcript>\n[00:00:01] Sam: Thank you for the conversation today, it was lovely.\n</transcript>"
    assert answer(one, quiet)["fields"][0]["value"] == "Second phone screen"


def test_transcript_lines_with_and_without_timestamps_and_speakers():
    prompt = (
        "Intro text is not the transcript.\n<transcript>\n[01:02:03] Grace Hopper: Hello there.\n"
        "Alan: No timestamp here.\n[00:00:09] Just words, nobody named.\n\n</transcript>\nAfter."
    )
    assert [(u.speaker, u.text) for u in transcript_of(prompt)] == [
        ("Grace Hopper", "Hello there."),
        ("Alan", "No timestamp here."),
        (None, "Just words, nobody named."),
    ]


def test_the_paraphrase_is_one_fields_only_evidence_and_not_in_the_transcript():
    prompt, said = sample_prompt()
    plain, demo = answer(schema("anyOf"), prompt), answer(schema("anyOf"), prompt, paraphrase=True)
    whole = normalised(" ".join(said))
    changed = [(p, d) for p, d in zip(plain["fields"], demo["fields"]) if p != d]
    assert len(changed) == 1
    before, after = changed[0]
    assert after["id"] == "one-line" and len(after["evidence"]) == 1
    assert normalised(after["evidence"][0]["quote"]) not in whole
    assert after["value"] == before["value"], "only the evidence is made up; the answer stays valid"
    jsonschema.Draft202012Validator(schema("anyOf")).validate(copy.deepcopy(demo))


def test_an_amount_is_read_as_said_in_digits_or_words():
    salary = {
        "type": "object",
        "properties": {
            "fields": {
                "type": "array",
                "items": {
                    "anyOf": [
                        {
                            "title": "Salary expectation",
                            "properties": {"id": {"const": "salary"}, "value": {"type": "number", "minimum": 0}},
                        }
                    ]
                },
            }
        },
    }

    def said(words: str) -> float:
        prompt = f"<transcript>\nAnn: What salary do you expect?\nBo: {words}\n</transcript>"
        return answer(salary, prompt)["fields"][0]["value"]

    assert said("Somewhere around one hundred and twenty thousand euros, ideally.") == 120_000
    assert said("I am currently at 95,000 and would like a little more.") == 95_000


def test_required_questions_listed_with_contains_and_dates_as_epoch_milliseconds():
    # The drafter's shape: every value non-null, the required ids in allOf/contains on the list.
    def entry(field_id: str, value: dict) -> dict:
        return {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "value", "confidence", "evidence"],
            "properties": {
                "id": {"type": "string", "const": field_id},
                "value": value,
                "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                "evidence": EVIDENCE,
                "rationale": {"type": "string"},
            },
        }

    start = {
        "type": "integer",
        "minimum": -2208988800000,
        "maximum": 7289568000000,
        "description": "The date as epoch milliseconds at 00:00 UTC.",
    }
    skills = {"type": "array", "minItems": 3, "maxItems": 3, "items": ROW | {"required": ["score", "comment"]}}
    tool_schema = {
        "type": "object",
        "required": ["fields"],
        "additionalProperties": False,
        "properties": {
            "fields": {
                "type": "array",
                "items": {
                    "anyOf": [
                        entry("code", {"type": "string", "minLength": 1}),
                        entry("start", start),
                        entry("skills", skills),
                    ]
                },
                "allOf": [
                    {"contains": {"type": "object", "properties": {"id": {"const": "skills"}}, "required": ["id"]}}
                ],
            }
        },
    }
    assert [(s.id, s.required) for s in fields_of(tool_schema)] == [("code", False), ("start", False), ("skills", True)]
    prompt, said = sample_prompt()
    doc = answer(tool_schema, prompt)
    jsonschema.Draft202012Validator(tool_schema).validate(doc)
    values = {f["id"]: f["value"] for f in doc["fields"]}
    assert values["start"] == 1_803_945_600_000  # 2027-03-01, not a day in 2150
    assert len({row["comment"] for row in values["skills"]}) == 3, "each skill quotes its own line"
