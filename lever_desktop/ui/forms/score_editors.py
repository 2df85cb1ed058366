"""Ratings: the overall score-system, a 1–4 score, and a scorecard of skills."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QGridLayout, QHBoxLayout, QLineEdit, QSizePolicy, QWidget

from lever_desktop.forms import FormField
from lever_desktop.forms.near_miss import leading_number
from lever_desktop.ui.plain import plain_label, plain_tooltip
from lever_desktop.untrusted import for_display

from .base import FieldEditor, line_in, register
from .buttons import ButtonChoice

SCORE_LABELS = ("1 · Strong no", "2 · No", "3 · Yes", "4 · Strong yes")
_FIXED = QSizePolicy.Policy.Fixed
_DIGIT_KEYS = {getattr(Qt.Key, f"Key_{d}"): d for d in range(1, 10)}
_SCORE_KEYS = {key: d - 1 for key, d in _DIGIT_KEYS.items() if d <= 4}


def digit_keys(options: tuple[str, ...]) -> dict[int, int]:
    """Key 3 picks "3 - Hire"; options without numbers are picked by position (1 = first)."""
    numbers = [leading_number(o) for o in options]
    by_number = len(set(numbers)) == len(numbers) and None not in numbers
    return {
        key: (numbers.index(digit) if by_number else digit - 1)
        for key, digit in _DIGIT_KEYS.items()
        if (digit in numbers if by_number else digit <= len(options))
    }


def score_choice(editor: FieldEditor, layout: QBoxLayout, name: str, *, short: bool = False) -> ButtonChoice:
    """Four steps, 1 (strong no) to 4 (strong yes), that can be cleared."""
    choice = ButtonChoice(
        editor.host,
        layout,
        ("1", "2", "3", "4") if short else SCORE_LABELS,
        names=[f"{name}: {full}" for full in SCORE_LABELS],
        keys=_SCORE_KEYS,
        clear_name=f"Clear {name}",
        clear_button=not short,  # scorecard lines clear by clicking the score again or Delete
    )
    choice.on_change = editor._user_changed
    editor.choices.append(choice)
    return choice


class _OptionButtonsEditor(FieldEditor):
    """Options as a row of buttons; the widget value is the option's position."""

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        line = line_in(layout)
        options = field.definition.option_texts
        if options or field.definition.type != "score":
            self.row = ButtonChoice(
                host,
                line,
                options,
                names=[f"{self.label}: {o}" for o in options],
                keys=digit_keys(options),
                clearable=not field.required,
                clear_name=f"Clear {self.label}",
            )
            self.row.on_change = self._user_changed
            self.choices.append(self.row)
        else:
            self.row = score_choice(self, line, self.label)
        line.addStretch(1)

    def value(self) -> int | None:
        return self.row.index()

    def _show(self, widget_value: Any) -> None:
        self.row.set_index(widget_value)

    def focus_target(self) -> QWidget:
        return self.row.focus_target()


@register
class ScoreSystemEditor(_OptionButtonsEditor):
    kinds = ("score-system",)


@register
class ScoreEditor(_OptionButtonsEditor):
    """Four steps that can be cleared; a score carrying its own options shows those instead."""

    kinds = ("score",)

    @property
    def _levels(self) -> bool:
        return not self.field.definition.options

    def value(self) -> int | None:
        index = self.row.index()
        return index + 1 if self._levels and index is not None else index

    def _show(self, widget_value: Any) -> None:
        if self._levels and widget_value is not None:
            self.row.set_index(widget_value - 1)
        else:
            self.row.set_index(widget_value)


@register
class ScorecardEditor(FieldEditor):
    """One line per skill: name (description on hover), a 1–4 score, a comment."""

    kinds = ("scorecard",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        grid = QGridLayout()
        layout.addLayout(grid)
        grid.setColumnStretch(2, 1)
        self.rows: list[ButtonChoice] = []
        self.comments: list[QLineEdit] = []
        metrics = host.fontMetrics()  # the buttons' and comments' font: measured once, not per control
        score_width, comment_width = metrics.horizontalAdvance("4") + 28, metrics.horizontalAdvance("x" * 24)
        for line, skill in enumerate(field.definition.scores):
            name = plain_label(skill.text, host)
            name.setToolTip(plain_tooltip(skill.description))
            buttons = QHBoxLayout()
            scores = score_choice(self, buttons, skill.text, short=True)
            tip = plain_tooltip(skill.description or skill.text)
            for button in scores.buttons:
                button.setToolTip(tip)
                # "1"–"4" need little room: the comment beside them gets the rest, and at the
                # window's minimum width it still shows a comment, not its last four letters.
                button.setSizePolicy(_FIXED, _FIXED)  # a push button's height is fixed already
                button.setFixedWidth(score_width)
            comment = QLineEdit(host)
            comment.setMinimumWidth(comment_width)
            comment.setPlaceholderText(for_display(f"Comment on {skill.text.lower()}"))
            self._name(comment, f"{skill.text}: comment")
            comment.textEdited.connect(self._user_changed)
            grid.addWidget(name, line, 0)
            grid.addLayout(buttons, line, 1)
            grid.addWidget(comment, line, 2)
            self.rows.append(scores)
            self.comments.append(comment)

    def value(self) -> tuple[tuple[int | None, str], ...]:
        return tuple(
            (None if (index := row.index()) is None else index + 1, comment.text())
            for row, comment in zip(self.rows, self.comments, strict=True)
        )

    def _show(self, widget_value: Any) -> None:
        values = list(widget_value or ())
        for line, (row, comment) in enumerate(zip(self.rows, self.comments, strict=True)):
            score, text = values[line] if line < len(values) else (None, "")
            row.set_index(None if score is None else score - 1)
            comment.setText(text)

    def focus_target(self) -> QWidget:
        for row in self.rows:
            if row.index() is None:
                return row.focus_target()
        return self.rows[0].focus_target() if self.rows else self.host
