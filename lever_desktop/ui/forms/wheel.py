"""The mouse wheel scrolls the form; it never changes an answer.

Qt lets a wheel turned over a combo box, a date or a slider change its value, even when the
control has no focus: a reviewer scrolling down the form changed "Senior" to "Staff" without
seeing it. Lever's web form and macOS never do that. We go one step further than the
"focused controls may keep the wheel" compromise: focused or not, a wheel over any control
of a question scrolls the form, because a control keeps its focus after a click and the next
thing a reviewer does is usually scroll on to the next question. Answers change by click and
keyboard only (arrows, letters, 1–4, Space).

One filter per form, installed on every control a row holds (``guard``), so no editor class
has to remember it. Text boxes are left alone: scrolling their own text changes nothing, and
they pass the wheel on to the form when they have nothing to scroll.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget

_WHEEL = QEvent.Type.Wheel


class WheelScrollsForm(QObject):
    """Event filter: a wheel over a watched control goes to the nearest scroll area around it."""

    def guard(self, root: QWidget) -> None:
        """Watch ``root``'s controls (not inside a text box: those scroll their own text)."""
        for widget in root.findChildren(QWidget):
            if not _inside_text_box(widget, root):
                widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != _WHEEL or not isinstance(watched, QWidget):
            return False
        area = _scroll_area_around(watched)
        if area is None:
            event.ignore()  # not ours to use: Qt offers it to the parents, never to the control
            return True
        viewport = area.viewport()
        assert isinstance(event, QWheelEvent)
        forwarded = QWheelEvent(
            viewport.mapFromGlobal(event.globalPosition()), event.globalPosition(), event.pixelDelta(),
            event.angleDelta(), event.buttons(), event.modifiers(), event.phase(), event.inverted(),
            event.source(),
        )
        QApplication.sendEvent(viewport, forwarded)
        event.accept()
        return True


def _inside_text_box(widget: QWidget, root: QWidget) -> bool:
    while widget is not None and widget is not root:
        if isinstance(widget, QAbstractScrollArea):
            return True
        widget = widget.parentWidget()
    return False


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return parent
        parent = parent.parentWidget()
    return None
