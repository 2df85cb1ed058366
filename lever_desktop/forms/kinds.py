"""Field kinds: one class per Lever field type.

A kind knows, for its field definition, what counts as empty, whether a wire value (the
format Lever's ``fieldValues`` expects, see LEVER_API.md) is valid, how to convert between the
value a widget holds and the wire value, and which correct value a near-miss most likely means.
Messages are written for a recruiter, not a developer.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, ClassVar

from .definitions import FieldDefinition
from .near_miss import as_int

_EPOCH = date(1970, 1, 1)
_DAY_MS = 86_400_000
_MIN_DATE, _MAX_DATE = date(1900, 1, 1), date(2200, 12, 31)
_MIN_DAYS, _MAX_DAYS = (_MIN_DATE - _EPOCH).days, (_MAX_DATE - _EPOCH).days


def describe(value: Any) -> str:
    """A short, readable rendering of a value inside a message."""
    text = repr(value) if not isinstance(value, str) else f"“{value}”"
    return text if len(text) <= 60 else text[:57] + "…"


class FieldKind:
    """Base kind; subclasses override what differs."""

    type_name: ClassVar[str] = ""
    supported: ClassVar[bool] = True

    def __init__(self, definition: FieldDefinition) -> None:
        self.definition = definition

    def is_empty(self, value: Any) -> bool:
        return value is None

    def validate(self, value: Any) -> str | None:
        """None when a non-empty wire value is acceptable to Lever, else why not."""
        return None

    def to_widget(self, value: Any) -> Any:
        """Widget value for a wire value; invalid wire values give an empty widget."""
        return value

    def from_widget(self, widget_value: Any) -> Any:
        """Wire value for a widget value (None when the widget is empty)."""
        return widget_value

    def suggest(self, value: Any) -> Any | None:
        """A valid wire value an invalid ``value`` most plausibly means, or None."""
        return None

    def is_valid(self, value: Any) -> bool:
        return not self.is_empty(value) and self.validate(value) is None


# What a drafting model writes when it has no answer; Lever would store it as the answer.
_NO_ANSWER = frozenset({"", "null", "none"})


class TextKind(FieldKind):
    type_name = "text"

    def is_empty(self, value: Any) -> bool:
        return value is None or (isinstance(value, str) and value.strip().lower() in _NO_ANSWER)

    def validate(self, value: Any) -> str | None:
        return None if isinstance(value, str) else f"Expected text, got {describe(value)}."

    def to_widget(self, value: Any) -> str:
        return value if isinstance(value, str) else ""

    def from_widget(self, widget_value: Any) -> str | None:
        return None if self.is_empty(widget_value) else str(widget_value)

    def suggest(self, value: Any) -> Any | None:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return "\n".join(value)
        return None


class TextareaKind(TextKind):
    type_name = "textarea"


class CodeKind(TextKind):
    type_name = "code"


class DateKind(FieldKind):
    """Epoch milliseconds on the wire, a calendar date in the widget.

    We write UTC midnight (what ``Date.UTC`` produces) and read by rounding to the nearest
    UTC day, so a local-midnight timestamp from any zone within ±12 h reads as the day meant.
    """

    type_name = "date"

    def validate(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"Expected a date, got {describe(value)}."
        if not _MIN_DATE <= self._day(value) <= _MAX_DATE:
            return f"{describe(value)} is not a plausible date."
        return None

    @staticmethod
    def _day(ms: int) -> date:
        days = (ms + _DAY_MS // 2) // _DAY_MS
        if not _MIN_DAYS <= days <= _MAX_DAYS:
            return _MIN_DATE - timedelta(days=1) if days < 0 else _MAX_DATE + timedelta(days=1)
        return _EPOCH + timedelta(days=days)

    def to_widget(self, value: Any) -> date | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return None
        day = self._day(value)
        return day if _MIN_DATE <= day <= _MAX_DATE else None

    def from_widget(self, widget_value: Any) -> int | None:
        if widget_value is None:
            return None
        return (widget_value - _EPOCH).days * _DAY_MS

    def suggest(self, value: Any) -> Any | None:
        if isinstance(value, float) and value.is_integer():
            candidate: Any = int(value)
        elif isinstance(value, str) and (digits := as_int(value)) is not None:
            candidate = digits
        elif isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                return None
            if parsed.tzinfo is not None:
                parsed = parsed.astimezone(UTC)
            return self.from_widget(parsed.date())
        else:
            return None
        return candidate if self.validate(candidate) is None else None


_YES_NO_WORDS = {"yes": "yes", "y": "yes", "true": "yes", "no": "no", "n": "no", "false": "no"}


class YesNoKind(FieldKind):
    type_name = "yes-no"

    def validate(self, value: Any) -> str | None:
        return None if value in ("yes", "no") else f"Answer yes or no, not {describe(value)}."

    def to_widget(self, value: Any) -> bool | None:
        return {"yes": True, "no": False}.get(value) if isinstance(value, str) else None

    def from_widget(self, widget_value: Any) -> str | None:
        return None if widget_value is None else ("yes" if widget_value else "no")

    def suggest(self, value: Any) -> Any | None:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str):
            return _YES_NO_WORDS.get(value.strip().strip(".!").casefold())
        return None


_AMOUNT = re.compile(r"^\s*(?:[A-Za-z]{3}|[$€£¥])?\s*([0-9][0-9,\s]*(?:\.[0-9]+)?)\s*([kKmM]?)\s*(?:[A-Za-z]{3})?\s*$")


class CurrencyKind(FieldKind):
    """An amount only: the ISO code lives in the field definition, not in the value."""

    type_name = "currency"

    def validate(self, value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            return f"Expected an amount, got {describe(value)}."
        if value < 0:
            return "The amount cannot be negative."
        return None

    def to_widget(self, value: Any) -> Decimal | None:
        return Decimal(str(value)) if self.validate(value) is None else None

    def from_widget(self, widget_value: Any) -> int | float | None:
        if widget_value is None:
            return None
        amount = Decimal(widget_value)
        return int(amount) if amount == amount.to_integral_value() else float(amount)

    def suggest(self, value: Any) -> Any | None:
        if not isinstance(value, str):
            return None
        match = _AMOUNT.match(value)
        if not match:
            return None
        try:
            amount = Decimal(re.sub(r"[,\s]", "", match.group(1)))
        except InvalidOperation:
            return None
        amount *= {"k": 1000, "m": 1_000_000}.get(match.group(2).lower(), 1)
        return self.from_widget(amount)


class UnknownKind(FieldKind):
    """A type this version does not know: shown read-only, never sent, never dropped."""

    supported = False

    @property
    def type_name(self) -> str:  # type: ignore[override]
        return self.definition.type or "(no type)"

    def validate(self, value: Any) -> str | None:
        return f"Lever Desktop cannot edit fields of type “{self.type_name}”; this value will not be sent."
