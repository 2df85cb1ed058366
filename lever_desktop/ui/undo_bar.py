"""Approve's Undo, like undo-send in mail: "Approved … — sending in 4 s  [Undo]".

A small bar the window keeps in its status bar (so nothing below it moves). It only counts
down and asks: the grace itself is stored with the approval (``outbox.send_after``), so the
outbox holds the send whether or not this bar is still on screen.
"""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from lever_desktop.ui.plain import plain_label


class UndoBar(QWidget):
    undoRequested = Signal(str)  # draft id

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("undoBar")
        self.draft_id: str | None = None
        self._what = ""
        self._until = 0.0  # time.monotonic() when the grace ends
        self.text = plain_label()  # names the candidate and the form: plain text
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
        self.text.setText(text)
        self._tick.start()
        self.show()

    def _show_time_left(self) -> None:
        left = self._until - time.monotonic()
        if left <= 0:
            self.withdraw()
            return
        if self.draft_id is not None:
            self.text.setText(f"Approved {self._what} — sending in {math.ceil(left)} s")
