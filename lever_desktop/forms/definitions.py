"""Lenient parsing of Lever feedback-template field definitions.

Lever adds keys without notice and sends ``required`` as 1/0 on some accounts, so parsing
never fails on a field: whatever we cannot make sense of is kept (``raw``) and the field is
later shown read-only rather than dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

# Lever's default overall-rating scale, used when a score-system field carries no options.
DEFAULT_SCORE_SYSTEM = ("4 - Strong Hire", "3 - Hire", "2 - No Hire", "1 - Strong No Hire")


@dataclass(frozen=True)
class Option:
    text: str
    option_id: str | None = None


@dataclass(frozen=True)
class ScorecardRow:
    """One skill of a scorecard: the reviewer gives it a 1–4 score and a comment."""

    text: str
    description: str = ""


@dataclass(frozen=True)
class FieldDefinition:
    id: str
    type: str
    text: str
    description: str = ""
    required: bool = False
    prompt: str = ""
    options: tuple[Option, ...] = ()
    scores: tuple[ScorecardRow, ...] = ()
    language: str = ""
    currency: str = ""
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def label(self) -> str:
        """What a recruiter sees as the question; never empty."""
        return self.text or self.prompt or f"Untitled {self.type or 'field'}"

    @cached_property
    def option_texts(self) -> tuple[str, ...]:
        return tuple(o.text for o in self.options)


def as_bool(value: Any) -> bool:
    """Lever sends ``required`` as true/false, 1/0 and (rarely) "true"/"1"."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "y"}
    return bool(value)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _options(value: Any) -> tuple[Option, ...]:
    if not isinstance(value, list):
        return ()
    out: list[Option] = []
    for item in value:
        if isinstance(item, dict) and item.get("text") is not None:
            option_id = item.get("optionId", item.get("id"))
            out.append(Option(_text(item["text"]), _text(option_id) if option_id else None))
        elif isinstance(item, str):
            out.append(Option(item))
    return tuple(out)


def _scores(value: Any) -> tuple[ScorecardRow, ...]:
    if not isinstance(value, list):
        return ()
    out: list[ScorecardRow] = []
    for item in value:
        if isinstance(item, dict) and item.get("text") is not None:
            out.append(ScorecardRow(_text(item["text"]), _text(item.get("description"))))
        elif isinstance(item, str):
            out.append(ScorecardRow(item))
    return tuple(out)


def parse_field(raw: dict[str, Any], index: int = 0) -> FieldDefinition:
    """One field definition; a field without an id gets a placeholder id so it is still shown."""
    raw = raw if isinstance(raw, dict) else {}
    field_type = _text(raw.get("type")).strip()
    options = _options(raw.get("options"))
    if field_type == "score-system" and not options:
        options = tuple(Option(t) for t in DEFAULT_SCORE_SYSTEM)
    return FieldDefinition(
        id=_text(raw.get("id")) or f"#missing-id-{index}",
        type=field_type,
        text=_text(raw.get("text")),
        description=_text(raw.get("description")),
        required=as_bool(raw.get("required", False)),
        prompt=_text(raw.get("prompt")),
        options=options,
        scores=_scores(raw.get("scores")),
        language=_text(raw.get("language")),
        currency=_text(raw.get("currency")).upper(),
        raw=dict(raw),
    )


def unwrap_template(template: dict[str, Any]) -> dict[str, Any]:
    """Templates arrive bare, as ``{"data": {...}}`` or (in a few docs) doubly wrapped."""
    while isinstance(template, dict) and "fields" not in template and isinstance(template.get("data"), dict):
        template = template["data"]
    if not isinstance(template, dict):
        raise ValueError("A feedback template must be a JSON object.")
    return template
