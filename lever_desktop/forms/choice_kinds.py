"""Kinds whose answers come from a list: dropdown, multiple-choice, score-system,
multiple-select and score.

Lever wants the option's exact ``text`` (not an index, not an ``optionId``); widgets hold the
option's position, which survives reordering-free re-renders and is what combos and button
groups naturally report.
"""

from __future__ import annotations

from typing import Any

from .kinds import FieldKind, describe
from .near_miss import as_int, leading_number, match_option


class _OptionsKind(FieldKind):
    """Answers taken from the question's options (by their exact text)."""

    @property
    def options(self) -> tuple[str, ...]:
        return self.definition.option_texts

    def _match(self, value: Any) -> str | None:
        ids = tuple(o.option_id for o in self.definition.options)
        return match_option(value, self.options, ids)


class SingleChoiceKind(_OptionsKind):
    type_name = "dropdown"

    def validate(self, value: Any) -> str | None:
        if not self.options:
            return "This question has no options to choose from in Lever."
        if isinstance(value, str) and value in self.options:
            return None
        return f"{describe(value)} is not one of the options."

    def to_widget(self, value: Any) -> int | None:
        return self.options.index(value) if isinstance(value, str) and value in self.options else None

    def from_widget(self, widget_value: Any) -> str | None:
        if widget_value is None or not 0 <= widget_value < len(self.options):
            return None
        return self.options[widget_value]

    def suggest(self, value: Any) -> Any | None:
        return None if self.validate(value) is None else self._match(value)


class MultipleChoiceKind(SingleChoiceKind):
    type_name = "multiple-choice"


class ScoreSystemKind(SingleChoiceKind):
    """The overall rating; definitions without options get Lever's default four."""

    type_name = "score-system"


class MultipleSelectKind(_OptionsKind):
    """A list of option texts on the wire; a sorted tuple of option positions in the widget."""

    type_name = "multiple-select"

    def is_empty(self, value: Any) -> bool:
        return value is None or value == []

    def validate(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return f"Expected a list of options, got {describe(value)}."
        wrong = [v for v in value if not (isinstance(v, str) and v in self.options)]
        if wrong:
            return f"{', '.join(describe(v) for v in wrong)} not among the options."
        if len(set(value)) != len(value):
            return "An option is selected twice."
        return None

    def to_widget(self, value: Any) -> tuple[int, ...]:
        if not isinstance(value, list):
            return ()
        return tuple(sorted({self.options.index(v) for v in value if isinstance(v, str) and v in self.options}))

    def from_widget(self, widget_value: Any) -> list[str] | None:
        chosen = [self.options[i] for i in sorted(set(widget_value or ())) if 0 <= i < len(self.options)]
        return chosen or None

    def suggest(self, value: Any) -> Any | None:
        if self.validate(value) is None:
            return None
        items = value if isinstance(value, list) else [value]
        matched = [v if isinstance(v, str) and v in self.options else self._match(v) for v in items]
        if not matched or None in matched:
            return None
        return [o for o in self.options if o in matched]  # template order, duplicates gone


class ScoreKind(SingleChoiceKind):
    """A 1–4 integer (1 strong no … 4 strong yes); with ``options``, the option text instead."""

    type_name = "score"
    LEVELS = (1, 2, 3, 4)

    @property
    def uses_options(self) -> bool:
        return bool(self.definition.options)

    def validate(self, value: Any) -> str | None:
        if self.uses_options:
            return super().validate(value)
        if isinstance(value, int) and not isinstance(value, bool) and value in self.LEVELS:
            return None
        return f"Expected a score from 1 to 4, got {describe(value)}."

    def to_widget(self, value: Any) -> int | None:
        """Widget value: the level 1–4 (or the option position when the field has options)."""
        if self.uses_options:
            return super().to_widget(value)
        return value if self.validate(value) is None else None

    def from_widget(self, widget_value: Any) -> Any:
        if self.uses_options:
            return super().from_widget(widget_value)
        return widget_value if widget_value in self.LEVELS else None

    def suggest(self, value: Any) -> Any | None:
        if self.validate(value) is None:
            return None
        if self.uses_options:
            return self._match(value)
        number = as_int(value)
        if number is None and isinstance(value, str):
            number = leading_number(value)  # "3 - Hire" given where Lever wants 3
        return number if number in self.LEVELS else None
