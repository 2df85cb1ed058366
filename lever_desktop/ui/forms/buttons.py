"""A row of toggle buttons where at most one is on — the control behind scores and yes/no.

Unlike an exclusive ``QButtonGroup`` it can be cleared (click the chosen button again, press
Delete, or use "Clear"), and it answers to keyboard shortcuts such as 1–4 or Y/N.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QPalette
from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QWidget

_CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)


class ButtonRow(QWidget):
    changed = Signal()  # the reviewer picked or cleared; never for set_index()

    def __init__(
        self,
        labels: Sequence[str],
        *,
        names: Sequence[str],
        keys: dict[int, int] | None = None,
        clearable: bool = True,
        clear_name: str = "Clear",
        clear_button: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.keys = keys or {}
        self.clearable = clearable
        self._index: int | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        self.buttons: list[QPushButton] = []
        self.group = QButtonGroup(self)
        self.group.setExclusive(False)  # exclusivity is ours, so the choice can be cleared
        for index, (label, name) in enumerate(zip(labels, names, strict=True)):
            button = QPushButton(label, self)
            button.setCheckable(True)
            button.setAccessibleName(name)
            self.group.addButton(button, index)
            self.buttons.append(button)
            layout.addWidget(button)
        self.group.idClicked.connect(self._clicked)
        self.clear_button: QPushButton | None = None
        if clearable and clear_button:
            self.clear_button = QPushButton("Clear", self)
            self.clear_button.setFlat(True)
            self.clear_button.setAccessibleName(clear_name)
            self.clear_button.clicked.connect(lambda: self._pick(None))
            layout.addWidget(self.clear_button)
        layout.addStretch(1)

    def index(self) -> int | None:
        return self._index

    def set_index(self, index: int | None) -> None:
        before = self._index
        self._index = index if index is not None and 0 <= index < len(self.buttons) else None
        for i, button in enumerate(self.buttons):
            on = i == self._index
            button.setChecked(on)
            if on or i == before:
                self._paint_choice(button, on)
        if self.clear_button is not None:
            self.clear_button.setEnabled(self._index is not None)

    def _paint_choice(self, button: QPushButton, on: bool) -> None:
        """The chosen answer stands out in any palette: the theme's own selection colours."""
        role = QPalette.ColorRole
        palette = self.palette()
        if on:
            palette.setColor(role.Button, palette.color(role.Highlight))
            palette.setColor(role.ButtonText, palette.color(role.HighlightedText))
        button.setPalette(palette)

    def _clicked(self, index: int) -> None:
        if index == self._index:
            self._pick(None if self.clearable else index)
        else:
            self._pick(index)

    def _pick(self, index: int | None) -> None:
        changed = index != self._index
        self.set_index(index)
        if changed:
            self.changed.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key in self.keys:
            self._pick(self.keys[key])
        elif key in _CLEAR_KEYS and self.clearable:
            self._pick(None)
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def focus_target(self) -> QWidget:
        if self._index is not None:
            return self.buttons[self._index]
        return self.buttons[0] if self.buttons else self
