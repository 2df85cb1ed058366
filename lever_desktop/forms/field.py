"""One question of a feedback form: its definition, current answer and AI provenance."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .definitions import FieldDefinition
from .kinds import FieldKind, describe
from .provenance import Provenance


@dataclass(frozen=True)
class FieldError:
    """Why one field cannot be submitted, in words a recruiter understands."""

    field_id: str
    label: str
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"fieldId": self.field_id, "label": self.label, "message": self.message}


@dataclass(frozen=True)
class FieldStatus:
    """Everything a view needs to draw one field, computed in one pass."""

    error: FieldError | None
    edited: bool
    needs_confirmation: bool
    suggestion: Any
    is_empty: bool

    @property
    def needs_attention(self) -> bool:
        return self.error is not None or self.needs_confirmation or self.suggestion is not None


class FormField:
    def __init__(self, definition: FieldDefinition, kind: FieldKind) -> None:
        self.definition = definition
        self.kind = kind
        self.value: Any = None  # wire value, possibly invalid (an AI value kept visible)
        self.provenance: Provenance | None = None
        self.confirmed = False

    def __repr__(self) -> str:
        return f"<FormField {self.id} {self.definition.type} value={self.value!r}>"

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def label(self) -> str:
        return self.definition.label

    @property
    def required(self) -> bool:
        return self.definition.required

    @property
    def supported(self) -> bool:
        return self.kind.supported

    @property
    def is_empty(self) -> bool:
        return self.kind.is_empty(self.value)

    @property
    def ai_filled(self) -> bool:
        return self.provenance is not None

    @property
    def edited(self) -> bool:
        """The reviewer changed the AI's answer (an emptied answer counts as a change)."""
        if self.provenance is None:
            return False
        ai = self.provenance.ai_value
        if self.kind.is_empty(ai) and self.is_empty:
            return False
        return not same_value(self.value, ai)

    @property
    def suggestion(self) -> Any:
        """The near-miss fix, offered while the AI's own value is still in place."""
        if self.provenance is None or self.edited or not self.provenance.has_suggestion:
            return None
        return copy.deepcopy(self.provenance.suggestion)

    def error(self) -> FieldError | None:
        message = self._problem()
        return FieldError(self.id, self.label, message) if message else None

    def _problem(self) -> str | None:
        if not self.supported:
            if self.required:
                return (
                    f"Lever requires this field, but its type “{self.kind.type_name}” is not "
                    "supported by Lever Desktop: complete this feedback in Lever."
                )
            return None
        if self.is_empty:
            return "An answer is required." if self.required else None
        problem = self.kind.validate(self.value)
        if problem and (fix := self.suggestion) is not None:
            problem += f" Suggested fix: {describe(fix)}."
        return problem

    def status(self, threshold: float) -> FieldStatus:
        edited = self.edited
        suggestion = None
        if self.provenance is not None and not edited and self.provenance.has_suggestion:
            suggestion = copy.deepcopy(self.provenance.suggestion)
        return FieldStatus(
            error=self.error(),
            edited=edited,
            needs_confirmation=self.needs_confirmation(threshold, edited=edited),
            suggestion=suggestion,
            is_empty=self.is_empty,
        )

    def needs_confirmation(self, threshold: float, *, edited: bool | None = None) -> bool:
        """A low-confidence AI answer the reviewer has neither confirmed nor replaced."""
        if self.provenance is None or not self.supported or self.confirmed:
            return False
        if self.edited if edited is None else edited:
            return False
        if self.kind.is_empty(self.provenance.ai_value) or self.provenance.ai_problem:
            return False  # no usable AI answer to confirm: it is empty, or flagged as an error
        return self.provenance.is_low(threshold)

    def wire_entry(self) -> dict[str, Any] | None:
        """This field's ``fieldValues`` entry, or None when nothing should be sent."""
        if not self.supported or self.is_empty or self.kind.validate(self.value) is not None:
            return None
        return {"id": self.id, "value": copy.deepcopy(self.value)}


def same_value(a: Any, b: Any) -> bool:
    """Equal wire values: 3 and 3.0 are the same amount, but True is not the score 1."""
    if type(a) is not type(b):
        numbers = (int, float)
        return (
            isinstance(a, numbers)
            and isinstance(b, numbers)
            and not isinstance(a, bool)
            and not isinstance(b, bool)
            and a == b
        )
    if isinstance(a, list):
        return len(a) == len(b) and all(map(same_value, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same_value(v, b[k]) for k, v in a.items())
    return bool(a == b)
