"""Outside text in Qt widgets is plain text, never HTML.

A QLabel's default ``AutoText`` renders anything that looks like HTML, and a tooltip is rich
text whenever it looks like HTML: a draft (or a Lever template, the relay, a setting) could
otherwise paint headings, links and images into the review pane. Every label that may show
such text is made with ``plain_label`` (or passed through ``make_plain``), every such tooltip
goes through ``plain_tooltip``. Our own fixed markup (the welcome text, banners) stays rich.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

if TYPE_CHECKING:  # the window's first paint has no message box (PySide builds each class's enums on first use)
    from PySide6.QtWidgets import QMessageBox

W = TypeVar("W", bound=QWidget)

_PLAIN = Qt.TextFormat.PlainText


def make_plain(label: QLabel) -> QLabel:
    label.setTextFormat(_PLAIN)
    return label


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` literally, whatever it contains."""
    label = QLabel(parent)
    label.setTextFormat(_PLAIN)
    label.setText(text)
    return label


def plain_tooltip(text: str | None) -> str:
    """Tooltip markup showing ``text`` literally (escaped; line breaks kept); "" for no tooltip.

    Text without ``<`` or ``&`` holds no markup, whatever Qt guesses, and is kept as it is."""
    if not text or ("<" not in text and "&" not in text):
        return text or ""
    import html  # here: text with markup is rare, and the first paint has none

    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


# Characters of one outside value shown in a cell or a pane. Qt lays a long unbroken word out in time
# growing with its square: a 100,000-character name in the profile took 2 s, one of 1 MB minutes, and
# a table repainted such a cell in 0.6 s. The cache keeps the value whole.
SHOWN_AT_MOST = 2_000


def at_most(text: str, limit: int = SHOWN_AT_MOST) -> str:
    """``text``, cut to ``limit`` characters with "…" at the end when longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_message_box(box: QMessageBox) -> QMessageBox:
    """A message box whose text is shown literally (it names a setting or an answer)."""
    box.setTextFormat(_PLAIN)
    return box


def named(widget: W, name: str) -> W:
    """``widget`` with its screen-reader name (Qt's keyword form of it is invisible to type checkers)."""
    widget.setAccessibleName(name)
    return widget
