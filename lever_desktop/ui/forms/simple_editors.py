"""Date, yes/no and currency answers, and the read-only view of a field type we do not know."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QBoxLayout, QCalendarWidget, QLineEdit, QPushButton, QWidget

from lever_desktop.forms import FormField
from lever_desktop.ui.plain import plain_label

from .base import FieldEditor, line_in, register
from .buttons import ButtonChoice


@register
class DateEditor(FieldEditor):
    """A date typed as YYYY-MM-DD or picked from a calendar; empty means no date.

    Not a QDateEdit: its section-wise typing rewrites silently (a 31 typed into February's
    day becomes the 3rd, January 31 moved to February becomes the 29th, an unfinished year
    snaps back on leaving the box). Here the text stays as typed; text that is not a date
    is refused with a message, like any invalid answer. Up/Down step a day.
    """

    kinds = ("date",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        line = line_in(layout)
        self.date_line = _DateLine(self._step, host)
        self.date_line.setPlaceholderText(_DATE_FORMAT)
        self.date_line.setMaximumWidth(160)
        self._name(self.date_line, f"{self.label} ({_DATE_FORMAT})", field.definition.description)
        self.date_line.textEdited.connect(self._user_changed)
        self.calendar_button = QPushButton("Calendar…", host)
        self._name(self.calendar_button, f"Pick {self.label} from a calendar")
        self.calendar_button.clicked.connect(self._open_calendar)
        self.clear_button = QPushButton("Clear", host)
        self.clear_button.setFlat(True)
        self._name(self.clear_button, f"Clear {self.label}")
        self.clear_button.clicked.connect(self._clear_by_user)
        for widget in (self.date_line, self.calendar_button, self.clear_button):
            line.addWidget(widget)
        line.addStretch(1)

    def _typed(self) -> str:
        return self.date_line.text().strip()

    def value(self) -> date | None:
        return _read_date(self._typed())

    def unreadable_text(self) -> str | None:
        text = self._typed()
        return text if text and _read_date(text) is None else None

    def show_text(self, text: str) -> bool:
        self.date_line.setText(text)
        self.clear_button.setEnabled(True)
        return True

    def _show(self, widget_value: Any) -> None:
        self.date_line.setText("" if widget_value is None else widget_value.isoformat())
        self.clear_button.setEnabled(widget_value is not None)

    def _user_changed(self, *args: Any) -> None:
        self.clear_button.setEnabled(bool(self._typed()))
        super()._user_changed(*args)

    def _set_by_user(self, day: date | None) -> None:
        self._show(day)
        self._user_changed()

    def _clear_by_user(self) -> None:
        self._set_by_user(None)
        self.date_line.setFocus(Qt.FocusReason.OtherFocusReason)

    def _step(self, days: int) -> bool:
        day = self.value()
        if day is None:
            return False
        moved = day + timedelta(days=days)
        if _MIN_DATE <= moved <= _MAX_DATE:
            self._set_by_user(moved)
        return True

    def _open_calendar(self) -> None:
        calendar = QCalendarWidget(self.host)  # a child of the row: it cannot outlive it
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        calendar.setAccessibleName(f"Pick {self.label}")
        calendar.setDateRange(_qdate(_MIN_DATE), _qdate(_MAX_DATE))
        calendar.setSelectedDate(_qdate(self.value() or date.today()))
        calendar.clicked.connect(lambda picked: self._picked(picked, calendar))
        calendar.activated.connect(lambda picked: self._picked(picked, calendar))
        calendar.move(self.date_line.mapToGlobal(QPoint(0, self.date_line.height())))
        calendar.show()
        calendar.setFocus(Qt.FocusReason.PopupFocusReason)

    def _picked(self, picked: QDate, calendar: QCalendarWidget) -> None:
        calendar.close()
        self._set_by_user(date(picked.year(), picked.month(), picked.day()))
        self.date_line.setFocus(Qt.FocusReason.PopupFocusReason)

    def focus_target(self) -> QWidget:
        return self.date_line


_DATE_FORMAT = "YYYY-MM-DD"
_DATE_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MIN_DATE, _MAX_DATE = date(1900, 1, 1), date(2200, 12, 31)  # what Lever's form accepts


def _read_date(text: str) -> date | None:
    """The date ``text`` names exactly, or None (never a nearby date: 2024-02-31 is no date)."""
    match = _DATE_TEXT.match(text)
    if match is None:
        return None
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day if _MIN_DATE <= day <= _MAX_DATE else None


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


class _DateLine(QLineEdit):
    """Up/Down step the date a day, as in a date box; otherwise typed like any text."""

    def __init__(self, step: Callable[[int], bool], parent: QWidget) -> None:
        super().__init__(parent)
        self._step = step

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key.Key_Up, Qt.Key.Key_Down) and self._step(1 if key == Qt.Key.Key_Up else -1):
            event.accept()
        else:
            super().keyPressEvent(event)


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
    """An amount with the ISO code beside it; commas between thousands are read, not required.

    What is typed stays as typed: text that is not an amount ("13O000", "1,3") is refused with
    a message rather than read as some other number (a dropped letter once made 13O000 into
    13000, and 130,5 would have been 1305).
    """

    kinds = ("currency",)
    _AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        code = field.definition.currency or "—"
        self.amount = QLineEdit(host)
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
        text = self.amount.text().strip()
        return Decimal(text.replace(",", "")) if self._AMOUNT.match(text) else None

    def unreadable_text(self) -> str | None:
        text = self.amount.text().strip()
        return text if text and not self._AMOUNT.match(text) else None

    def show_text(self, text: str) -> bool:
        self.amount.setText(text)
        return True

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
        self.on_file.setText("" if value is None else f"Value on file: {json.dumps(value, ensure_ascii=False)[:300]}")
        self.on_file.setVisible(value is not None)

    def focus_target(self) -> QWidget:
        return self.notice
