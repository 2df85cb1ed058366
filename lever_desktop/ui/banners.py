"""Banners across the top of the window: sandbox mode and offline.

Their colours carry meaning (amber: not your real account; grey-blue:
offline, nothing lost), so they are fixed and chosen to read on both the
light and the dark palette.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

_STYLES = {
    "sandbox": ("#ffe8a3", "#4a3800", "#e0b000"),
    "offline": ("#dfe7f5", "#1d2f4f", "#8aa4cf"),
    "error": ("#fbdada", "#5a1111", "#d98080"),
}


_NAMES = {"sandbox": "Sandbox notice", "offline": "Offline notice", "error": "Problem notice"}


class Banner(QFrame):
    def __init__(self, kind: str, text: str = "", *, action: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{kind}Banner")
        background, foreground, border = _STYLES[kind]
        self.setStyleSheet(
            f"#{kind}Banner {{ background: {background}; border-bottom: 1px solid {border}; }}"
            f"#{kind}Banner QLabel {{ color: {foreground}; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 6, 12, 6)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)  # not via textFormat(): PySide then makes all of Qt's enums
        layout.addWidget(self.label, 1)
        self.button: QPushButton | None = None
        if action:
            self.button = QPushButton(action)
            layout.addWidget(self.button)
        self.setAccessibleName(_NAMES[kind])
        self.set_text(text)

    def set_text(self, text: str) -> None:
        self.label.setText(text)
        # read out in words, without the markup that makes its first sentence bold
        self.setAccessibleDescription(QTextDocumentFragment.fromHtml(text).toPlainText())
