"""Approve's Undo, like undo-send in mail: "Approved … — sending in 4 s  [Undo]".

A small bar the window keeps in its status bar (so nothing below it moves). It only counts
down and asks: the grace itself is stored with the approval (``outbox.send_after``), so the
outbox holds the send whether or not this bar is still on screen.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from lever_desktop.ui.plain import make_plain, plain_tooltip
from lever_desktop.untrusted import for_display


class _NameGivesWay(QLabel):
    """The bar's sentence ("Approved <name> — sending in 9 s"); where the status bar leaves less
    room (the window's minimum size) the name is shortened with "…", the countdown never, and the
    whole sentence is the tooltip.
    Plain text, and the name (from Lever and the draft) shown for display, never reordered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        make_plain(self)
        self._parts = ("", "", "")

    def say(self, before: str, name: str, after: str = "") -> None:
        parts = (before, for_display(name), after)
        if parts != self._parts:  # four times a second while counting down
            self._parts = parts
            self.setToolTip(plain_tooltip("".join(parts)))
            self.updateGeometry()
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(self._advance("".join(self._parts)), super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        before, _name, after = self._parts
        return QSize(self._advance(f"{before}…{after}"), super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _advance(self, text: str) -> int:
        margins = self.contentsMargins()
        return self.fontMetrics().horizontalAdvance(text) + margins.left() + margins.right() + 1

    def _fit(self) -> None:
        before, name, after = self._parts
        room = self.contentsRect().width() - self.fontMetrics().horizontalAdvance(before + after)
        elided = self.fontMetrics().elidedText(name, Qt.TextElideMode.ElideRight, max(room, 0))
        self.setText(before + (elided if elided or not name else "…") + after)


class UndoBar(QWidget):
    undoRequested = Signal(str)  # draft id

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.draft_id: str | None = None
        self._what = ""
        self._until = 0.0  # time.monotonic() when the grace ends
        self.text = _NameGivesWay()  # names the candidate and the form: plain text
        self.button = QPushButton("Undo")
        self.button.setShortcut(QKeySequence.StandardKey.Undo)  # Ctrl+Z, where no text field takes it
        self.button.setToolTip("Take the approval back: the draft returns to review (Ctrl+Z)")
        self.button.setAccessibleName("Undo approval")
        self.button.clicked.connect(lambda: self.draft_id and self.undoRequested.emit(self.draft_id))
        row = QHBoxLayout(self)
        row.setContentsMargins(8, 0, 8, 0)
        row.addWidget(self.text)
        row.addWidget(self.button)
        self._tick = QTimer(self, interval=250)
        self._tick.timeout.connect(self._show_time_left)
        self.hide()

    def offer(self, draft_id: str, what: str, seconds: float) -> None:
        """Offer to undo the approval of ``draft_id`` (``what``: how a person names it) for ``seconds``."""
        self.draft_id, self._what, self._until = draft_id, what, time.monotonic() + seconds
        self.button.show()
        self._show_time_left()
        self._tick.start()
        self.show()

    def withdraw(self, draft_id: str | None = None) -> None:
        """Stop offering (the grace ended, or it was undone); ``draft_id``: only if it is that one."""
        if draft_id is None or draft_id == self.draft_id:
            self._tick.stop()
            self._until = 0.0
            self.draft_id = None
            self.hide()

    def tell(self, text: str, seconds: float = 6.0) -> None:
        """Say why the undo did not happen (too late), in the same place, for a few seconds."""
        self.draft_id, self._what, self._until = None, "", time.monotonic() + seconds
        self.button.hide()
        self.text.say("", text)
        self._tick.start()
        self.show()

    def _show_time_left(self) -> None:
        left = self._until - time.monotonic()
        if left <= 0:
            self.withdraw()
            return
        if self.draft_id is not None:
            self.text.say("Approved ", self._what, f" — sending in {math.ceil(left)} s")
