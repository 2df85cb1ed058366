"""Date, yes/no and currency answers, and the read-only view of a field type we do not know."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QDate, QRegularExpression, Qt
from PySide6.QtGui import QPalette, QRegularExpressionValidator
from PySide6.QtWidgets import QBoxLayout, QDateEdit, QLineEdit, QPushButton, QWidget

from lever_desktop.forms import FormField
from lever_desktop.ui.plain import plain_label

from .base import FieldEditor, line_in, register
from .buttons import ButtonChoice


@register
class DateEditor(FieldEditor):
    """A date that can be absent: "Add date" shows a calendar-backed editor, "Clear" removes it.

    QDateEdit has no empty state (a special value text breaks typing), hence the two modes.
    """

    kinds = ("date",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        line = line_in(layout)
        self.add_button = QPushButton("Add date", host)
        self._name(self.add_button, f"Add {self.label}")
        self.add_button.clicked.connect(self._add_by_user)
        self.date_edit = QDateEdit(host)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.date_edit.setDateRange(QDate(1900, 1, 1), QDate(2200, 12, 31))
        self._name(self.date_edit, self.label, field.definition.description)
        self.date_edit.dateChanged.connect(self._user_changed)
        self.clear_button = QPushButton("Clear", host)
        self.clear_button.setFlat(True)
        self._name(self.clear_button, f"Clear {self.label}")
        self.clear_button.clicked.connect(self._clear_by_user)
        for widget in (self.add_button, self.date_edit, self.clear_button):
            line.addWidget(widget)
        line.addStretch(1)
        self._empty = True
        self._show(None)

    def _add_by_user(self) -> None:
        self._show(date.today())
        self.date_edit.setFocus(Qt.FocusReason.OtherFocusReason)
        self._user_changed()

    def _clear_by_user(self) -> None:
        self._show(None)
        self.add_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._user_changed()

    def value(self) -> date | None:
        return None if self._empty else self.date_edit.date().toPython()

    def _show(self, widget_value: Any) -> None:
        self._empty = widget_value is None
        if widget_value is not None:
            with self.quietly():
                self.date_edit.setDate(QDate(widget_value.year, widget_value.month, widget_value.day))
        self.add_button.setVisible(self._empty)
        self.date_edit.setVisible(not self._empty)
        self.clear_button.setVisible(not self._empty)

    def focus_target(self) -> QWidget:
        return self.add_button if self._empty else self.date_edit


@register
class YesNoEditor(FieldEditor):
    kinds = ("yes-no",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        line = line_in(layout)
        self.row = ButtonChoice(
            host,
            line,
            ("Yes", "No"),
            names=(f"{self.label}: Yes", f"{self.label}: No"),
            keys={Qt.Key.Key_Y: 0, Qt.Key.Key_N: 1},
            clear_name=f"Clear {self.label}",
        )
        self.row.on_change = self._user_changed
        self.choices.append(self.row)
        line.addStretch(1)

    def value(self) -> bool | None:
        index = self.row.index()
        return None if index is None else index == 0

    def _show(self, widget_value: Any) -> None:
        self.row.set_index(None if widget_value is None else (0 if widget_value else 1))

    def focus_target(self) -> QWidget:
        return self.row.focus_target()


@register
class CurrencyEditor(FieldEditor):
    """An amount with the ISO code beside it; thousands separators are accepted and ignored."""

    kinds = ("currency",)
    _AMOUNT = QRegularExpression(r"^[0-9][0-9,]{0,16}(\.[0-9]{0,2})?$|^$")

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        code = field.definition.currency or "—"
        self.amount = QLineEdit(host)
        self.amount.setValidator(QRegularExpressionValidator(self._AMOUNT, self.amount))
        self.amount.setPlaceholderText("Amount")
        self.amount.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.amount.setMaximumWidth(220)
        self._name(self.amount, f"{self.label} in {code}", field.definition.description)
        self.amount.textEdited.connect(self._user_changed)
        self.code = plain_label(code, host)
        self.code.setBuddy(self.amount)
        line = line_in(layout)
        line.addWidget(self.amount)
        line.addWidget(self.code)
        line.addStretch(1)

    def value(self) -> Decimal | None:
        text = self.amount.text().replace(",", "").strip()
        try:
            return Decimal(text) if text else None
        except InvalidOperation:
            return None

    def _show(self, widget_value: Any) -> None:
        self.amount.setText("" if widget_value is None else f"{widget_value:,f}")

    def focus_target(self) -> QWidget:
        return self.amount


class UnsupportedEditor(FieldEditor):
    """Shown, not editable: the field is kept so nobody believes the form is complete."""

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        kind = field.kind.type_name
        # plain words, no symbol: glyphs like ⓘ are missing from common UI fonts
        notice = f"Read only: Lever Desktop cannot edit “{kind}” fields, so no answer is sent from here."
        # when Lever requires the field, the row's error message says what to do instead
        self.notice = plain_label(notice, host)
        self.notice.setWordWrap(True)
        self.notice.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable, so it is read out
        self._name(self.notice, f"{self.label}: {notice}")
        layout.addWidget(self.notice)
        # made even when empty: a form reused for another draft may have a value here
        self.on_file = plain_label(parent=host)
        self.on_file.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.on_file.setWordWrap(True)
        self.on_file.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.on_file)
        self._show(None)

    def value(self) -> Any:
        return self.field.value

    def _show(self, widget_value: Any) -> None:
        value = self.field.value  # the value kept as Lever or the draft had it, not a widget value
        self.on_file.setText("" if value is None else
                             f"Value on file: {json.dumps(value, ensure_ascii=False)[:300]}")
        self.on_file.setVisible(value is not None)

    def focus_target(self) -> QWidget:
        return self.notice
