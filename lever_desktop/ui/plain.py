"""Outside text in Qt widgets is plain text, never HTML, and is never drawn reordered.

A QLabel's default ``AutoText`` renders anything that looks like HTML, and a tooltip is rich
text whenever it looks like HTML: a draft (or a Lever template, the relay, a setting) could
otherwise paint headings, links and images into the review pane. Every label that may show
such text is made with ``plain_label`` (or passed through ``make_plain``), every such tooltip
goes through ``plain_tooltip``. Our own fixed markup (the welcome text, banners) stays rich.

Unicode's directional formatting characters (an RLO in a candidate's name) make Qt draw text
reordered: what a window shows of outside text goes through ``untrusted.for_display`` — in
``plain_label``'s labels, ``plain_tooltip``, ``at_most`` (table cells, the profile), and itself
for combo items and message boxes. What is stored and sent keeps them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from lever_desktop.untrusted import for_display

if TYPE_CHECKING:  # the window's first paint has no message box (PySide builds each class's enums on first use)
    from PySide6.QtWidgets import QMessageBox

W = TypeVar("W", bound=QWidget)

_PLAIN = Qt.TextFormat.PlainText


def make_plain(label: QLabel) -> QLabel:
    label.setTextFormat(_PLAIN)
    return label


class _PlainLabel(QLabel):
    """A label whose every text, set now or later, is shown for display (``for_display``): the review
    pane's labels are filled again for each draft, and one ``setText`` forgotten would show a name
    reordered."""

    def setText(self, text: str, /) -> None:
        super().setText(for_display(text))


def plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A label that shows ``text`` literally, whatever it contains, never reordered by it."""
    label = _PlainLabel(parent)
    label.setTextFormat(_PLAIN)
    label.setText(text)
    return label


def plain_tooltip(text: str | None) -> str:
    """Tooltip markup showing ``text`` literally (escaped; line breaks kept; never reordered); "" for
    no tooltip.

    Text without ``<`` or ``&`` holds no markup, whatever Qt guesses, and is kept as it is."""
    if not text:
        return ""
    text = for_display(text)
    if "<" not in text and "&" not in text:
        return text
    import html  # here: text with markup is rare, and the first paint has none

    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>"


# Characters of one outside value shown in a cell or a pane. Qt lays a long unbroken word out in time
# growing with its square: a 100,000-character name in the profile took 2 s, one of 1 MB minutes, and
# a table repainted such a cell in 0.6 s. The cache keeps the value whole.
SHOWN_AT_MOST = 2_000


def at_most(text: str, limit: int = SHOWN_AT_MOST) -> str:
    """``text`` for display (``for_display``), cut to ``limit`` characters with "…" at the end when
    longer. The cut is between code points (Python's), so it never splits a surrogate pair, and no
    directional character is left for it to leave unclosed."""
    text = for_display(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_message_box(box: QMessageBox) -> QMessageBox:
    """A message box whose text is shown literally (it names a setting, an answer, a candidate)."""
    box.setTextFormat(_PLAIN)
    box.setText(for_display(box.text()))
    return box


def named(widget: W, name: str) -> W:
    """``widget`` with its screen-reader name (Qt's keyword form of it is invisible to type checkers)."""
    widget.setAccessibleName(name)
    return widget
