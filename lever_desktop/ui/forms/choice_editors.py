"""Answers picked from the template's options: a combo, radio buttons, checkboxes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QBoxLayout, QButtonGroup, QCheckBox, QComboBox, QPushButton, QRadioButton, QWidget

from lever_desktop.forms import FormField
from lever_desktop.untrusted import for_display

from .base import FieldEditor, line_in, register

NO_CHOICE = "— Choose —"


@register
class DropdownEditor(FieldEditor):
    """A combo whose first entry means "no answer", so an optional answer can be taken back."""

    kinds = ("dropdown",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        self.combo = QComboBox(host)
        # the answer is the index, so the options are shown for display only (the template's words)
        self.combo.addItems([NO_CHOICE, *map(for_display, field.definition.option_texts)])
        self._name(self.combo, self.label, field.definition.description)
        self.combo.currentIndexChanged.connect(self._user_changed)
        line = line_in(layout)
        line.addWidget(self.combo)
        line.addStretch(1)

    def value(self) -> int | None:
        index = self.combo.currentIndex()
        return index - 1 if index > 0 else None

    def _show(self, widget_value: Any) -> None:
        self.combo.setCurrentIndex(0 if widget_value is None else widget_value + 1)

    def focus_target(self) -> QWidget:
        return self.combo


@register
class RadioEditor(FieldEditor):
    kinds = ("multiple-choice",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        self.group = QButtonGroup(host)
        self.buttons: list[QRadioButton] = []
        for index, text in enumerate(field.definition.option_texts):
            button = QRadioButton(for_display(text), host)
            self._name(button, f"{self.label}: {text}")
            self.group.addButton(button, index)
            self.buttons.append(button)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.group.idClicked.connect(self._user_changed)
        self.clear_button = QPushButton("Clear choice", host)
        self.clear_button.setFlat(True)
        self._name(self.clear_button, f"Clear {self.label}")
        self.clear_button.clicked.connect(self._clear_by_user)
        layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignLeft)

    def _clear_by_user(self) -> None:
        if self.value() is not None:
            self._show(None)
            self._user_changed()

    def value(self) -> int | None:
        index = self.group.checkedId()
        return index if index >= 0 else None

    def _show(self, widget_value: Any) -> None:
        # an exclusive group refuses to uncheck its last button
        self.group.setExclusive(False)
        for index, button in enumerate(self.buttons):
            button.setChecked(index == widget_value)
        self.group.setExclusive(True)

    def focus_target(self) -> QWidget:
        checked = self.group.checkedButton()
        return checked or (self.buttons[0] if self.buttons else self.clear_button)


@register
class CheckboxEditor(FieldEditor):
    kinds = ("multiple-select",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        self.boxes: list[QCheckBox] = []
        self.group = QButtonGroup(host)
        self.group.setExclusive(False)
        for index, text in enumerate(field.definition.option_texts):
            box = QCheckBox(for_display(text), host)
            self._name(box, f"{self.label}: {text}")
            self.group.addButton(box, index)
            self.boxes.append(box)
            layout.addWidget(box, 0, Qt.AlignmentFlag.AlignLeft)
        self.group.idToggled.connect(self._user_changed)

    def value(self) -> tuple[int, ...]:
        return tuple(i for i, box in enumerate(self.boxes) if box.isChecked())

    def _show(self, widget_value: Any) -> None:
        chosen = set(widget_value or ())
        for index, box in enumerate(self.boxes):
            box.setChecked(index in chosen)

    def focus_target(self) -> QWidget:
        return self.boxes[0] if self.boxes else self.host
