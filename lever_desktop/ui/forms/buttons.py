"""A set of toggle buttons where at most one is on — the control behind scores and yes/no.

Unlike an exclusive ``QButtonGroup`` it can be cleared (click the chosen button again, press
Delete, or use "Clear"), and it answers to keyboard shortcuts such as 1–4 or Y/N. It is not a
widget of its own: its buttons go straight into the editor's layout (a scorecard has a dozen of
them per skill line, and every extra container widget slows opening a long form).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QBoxLayout, QPushButton, QWidget

_CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace)
_BUTTON, _BUTTON_TEXT = QPalette.ColorRole.Button, QPalette.ColorRole.ButtonText
_HIGHLIGHT, _HIGHLIGHTED_TEXT = QPalette.ColorRole.Highlight, QPalette.ColorRole.HighlightedText
_ACTIVE = QPalette.ColorGroup.Active


class ChoiceButton(QPushButton):
    """A choice that shows keyboard focus plainly: Fusion's own focus mark is drawn in the
    selection colour, which vanishes on the chosen answer (painted in that colour).

    A click (mouse, Space, a screen reader's press) calls ``on_click`` instead of flipping the
    button: its choice sets every button's state. Cheaper than a button group or a signal
    connection per choice, which made a 60-question form slower to open."""

    def __init__(self, text: str, parent: QWidget, on_click: Callable[[], None]) -> None:
        super().__init__(text, parent)
        self.on_click = on_click

    def nextCheckState(self) -> None:
        self.on_click()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.hasFocus():
            painter = QPainter(self)
            # the button's text colour reads on both the plain and the chosen face
            painter.setPen(QPen(self.palette().color(_BUTTON_TEXT), FOCUS_RING, Qt.PenStyle.SolidLine))
            inset = FOCUS_RING + 1
            painter.drawRoundedRect(self.rect().adjusted(inset, inset, -inset - 1, -inset - 1), 2, 2)
            painter.end()


FOCUS_RING = 2  # px


class ButtonChoice:
    """``on_change`` is called when the reviewer picks or clears, never for ``set_index()``."""

    def __init__(
        self,
        parent: QWidget,
        layout: QBoxLayout,
        labels: Sequence[str],
        *,
        names: Sequence[str],
        keys: dict[int, int] | None = None,
        clearable: bool = True,
        clear_name: str = "Clear",
        clear_button: bool = True,
    ) -> None:
        self.parent = parent
        self.on_change: Callable[[], None] = lambda: None
        self.keys = keys or {}
        self.clearable = clearable
        self._index: int | None = None
        self.buttons: list[QPushButton] = []
        for index, (label, name) in enumerate(zip(labels, names, strict=True)):
            # exclusivity is ours (no exclusive button group), so the choice can be cleared
            button = ChoiceButton(label, parent, partial(self._clicked, index))
            button.setCheckable(True)
            button.setAccessibleName(name)
            self.buttons.append(button)
            layout.addWidget(button)
        self.clear_button: QPushButton | None = None
        if clearable and clear_button:
            self.clear_button = QPushButton("Clear", parent)
            self.clear_button.setFlat(True)
            self.clear_button.setAccessibleName(clear_name)
            self.clear_button.setEnabled(False)
            self.clear_button.clicked.connect(lambda: self._pick(None))
            layout.addWidget(self.clear_button)

    def index(self) -> int | None:
        return self._index

    def set_index(self, index: int | None) -> None:
        before = self._index
        self._index = index if index is not None and 0 <= index < len(self.buttons) else None
        # only this class checks the buttons (a click asks it): two of them change at most
        if before is not None and before != self._index:
            self.buttons[before].setChecked(False)
            self._paint_choice(self.buttons[before], False)
        if self._index is not None:
            self.buttons[self._index].setChecked(True)
            self._paint_choice(self.buttons[self._index], True)
        if self.clear_button is not None:
            self.clear_button.setEnabled(self._index is not None)

    def owns(self, widget: QWidget | None) -> bool:
        return widget is not None and (widget in self.buttons or widget is self.clear_button)

    def handle_key(self, event: QKeyEvent) -> bool:
        """Digits/letters pick, Delete clears; True when the key was ours."""
        key = event.key()
        if key in self.keys:
            self._pick(self.keys[key])
        elif key in _CLEAR_KEYS and self.clearable:
            self._pick(None)
        else:
            return False
        return True

    def focus_target(self) -> QWidget:
        if self._index is not None:
            return self.buttons[self._index]
        return self.buttons[0] if self.buttons else self.parent

    def _paint_choice(self, button: QPushButton, on: bool) -> None:
        """The chosen answer stands out in any palette: the theme's own selection colours."""
        palette = self.parent.palette()
        if on:  # the active colours, read even while the form is locked (a draft is loaded into
            # the kept form before it is unlocked): grey would stay after, like nothing chosen
            palette.setColor(_BUTTON, palette.color(_ACTIVE, _HIGHLIGHT))
            palette.setColor(_BUTTON_TEXT, palette.color(_ACTIVE, _HIGHLIGHTED_TEXT))
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
            self.on_change()
