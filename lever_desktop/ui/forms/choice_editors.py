"""Answers picked from the template's options: a combo, radio buttons, checkboxes."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QButtonGroup, QCheckBox, QComboBox, QPushButton, QRadioButton, QWidget

from lever_desktop.forms import FormField

from .base import FieldEditor, register, row_layout

NO_CHOICE = "— Choose —"


@register
class DropdownEditor(FieldEditor):
    """A combo whose first entry means "no answer", so an optional answer can be taken back."""

    kinds = ("dropdown",)

    def __init__(self, field: FormField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        self.combo = QComboBox(self)
        self.combo.addItems([NO_CHOICE, *field.definition.option_texts])
        self._name(self.combo, self.label, field.definition.description)
        self.combo.currentIndexChanged.connect(self._user_changed)
        layout = row_layout(self)
        layout.addWidget(self.combo)
        layout.addStretch(1)

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

    def __init__(self, field: FormField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = row_layout(self, vertical=True)
        self.group = QButtonGroup(self)
        self.buttons: list[QRadioButton] = []
        for index, text in enumerate(field.definition.option_texts):
            button = QRadioButton(text, self)
            self._name(button, f"{self.label}: {text}")
            self.group.addButton(button, index)
            self.buttons.append(button)
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignLeft)
        self.group.idClicked.connect(self._user_changed)
        self.clear_button = QPushButton("Clear choice", self)
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

    def __init__(self, field: FormField, parent: QWidget | None = None) -> None:
        super().__init__(field, parent)
        layout = row_layout(self, vertical=True)
        self.boxes: list[QCheckBox] = []
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)
        for index, text in enumerate(field.definition.option_texts):
            box = QCheckBox(text, self)
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
        return self.boxes[0] if self.boxes else self
