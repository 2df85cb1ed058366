"""The ``record_feedback_draft`` tool's input schema, built from a feedback template.

The model answers only through this tool, so the schema is where it learns what a valid answer
is: the exact option texts as enums, the score ranges, which fields Lever requires. The field
model is the forms layer's (``parse_field``/``kind_for``): the same reading of a template the
review editor and the validation use, so the schema cannot disagree with them.
"""

from __future__ import annotations

from typing import Any

from lever_desktop.forms import FieldDefinition, kind_for, parse_field
from lever_desktop.forms.definitions import unwrap_template
from lever_desktop.forms.scorecard import LEVELS

TOOL_NAME = "record_feedback_draft"
TOOL_DESCRIPTION = (
    "Record the drafted answers of the interview feedback form. Give one entry per question "
    "you can answer from the transcript, always every required one."
)

_DATES = (-2208988800000, 7289568000000)  # 1900-01-01 .. 2200-12-31, what the form takes as a date
_SCORE = {"type": "integer", "minimum": min(LEVELS), "maximum": max(LEVELS)}
_EVIDENCE = {
    "type": "array",
    "description": "Quotes copied word for word from the transcript that support the answer.",
    "items": {"type": "object", "properties": {"quote": {"type": "string"}}, "required": ["quote"]},
}


def askable(template: dict[str, Any]) -> list[FieldDefinition]:
    """The template's fields the model may answer: those Lever Desktop can edit and send."""
    fields = unwrap_template(template).get("fields") or []
    definitions = [parse_field(raw, i) for i, raw in enumerate(fields)]
    return [d for d in definitions if kind_for(d).supported]


def value_schema(definition: FieldDefinition) -> dict[str, Any]:
    """The JSON schema of one field's value, in Lever's ``fieldValues`` format."""
    t, options = definition.type, list(definition.option_texts)
    if t in ("text", "textarea", "code"):
        return {"type": "string", "minLength": 1}
    if t in ("dropdown", "multiple-choice", "score-system") or (t == "score" and options):
        return {"type": "string", "enum": options}
    if t == "multiple-select":
        return {"type": "array", "items": {"type": "string", "enum": options}, "uniqueItems": True, "minItems": 1}
    if t == "score":
        return {**_SCORE, "description": "1 strong no, 2 no, 3 yes, 4 strong yes"}
    if t == "scorecard":
        skills = [row.text for row in definition.scores]
        return {
            "type": "array",
            "minItems": len(skills),
            "maxItems": len(skills),
            "description": "One entry per skill, in this order: " + "; ".join(skills),
            "items": {
                "type": "object",
                "properties": {"score": _SCORE, "comment": {"type": "string"}},
                "required": ["score", "comment"],
                "additionalProperties": False,
            },
        }
    if t == "yes-no":
        return {"type": "string", "enum": ["yes", "no"]}
    if t == "currency":
        unit = f" in {definition.currency}" if definition.currency else ""
        return {"type": "number", "minimum": 0, "description": f"The amount{unit}, a number only."}
    if t == "date":
        return {
            "type": "integer",
            "minimum": _DATES[0],
            "maximum": _DATES[1],
            "description": "The date as epoch milliseconds at 00:00 UTC.",
        }
    raise ValueError(f"no schema for field type {t!r}")  # askable() lets only known kinds through


def _question(definition: FieldDefinition) -> str:
    parts = [
        definition.label,
        definition.description,
        definition.prompt if definition.prompt != definition.label else "",
    ]
    text = " — ".join(p.strip() for p in parts if p and p.strip())
    return f"{text} (required)" if definition.required else text


def _entry(definition: FieldDefinition) -> dict[str, Any]:
    return {
        "type": "object",
        "description": _question(definition),
        "properties": {
            "id": {"type": "string", "const": definition.id},
            "value": value_schema(definition),
            "confidence": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": "How sure the transcript makes you of this answer.",
            },
            "evidence": _EVIDENCE,
            "rationale": {"type": "string"},
        },
        "required": ["id", "value", "confidence", "evidence"],
        "additionalProperties": False,
    }


def input_schema(template: dict[str, Any]) -> dict[str, Any]:
    """The tool's input schema: ``{"fields": [one entry per answered question]}``; each required
    question must appear (``contains`` its id)."""
    definitions = askable(template)
    fields: dict[str, Any] = {"type": "array", "items": {"anyOf": [_entry(d) for d in definitions]}}
    required = [d.id for d in definitions if d.required]
    if required:
        fields["allOf"] = [
            {"contains": {"type": "object", "properties": {"id": {"const": fid}}, "required": ["id"]}}
            for fid in required
        ]
    return {"type": "object", "properties": {"fields": fields}, "required": ["fields"], "additionalProperties": False}


def tool(template: dict[str, Any]) -> dict[str, Any]:
    """The tool as Anthropic declares it; ``providers`` reshapes it for OpenAI's function tools."""
    return {"name": TOOL_NAME, "description": TOOL_DESCRIPTION, "input_schema": input_schema(template)}
