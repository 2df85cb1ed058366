"""The mouse wheel scrolls the form; it never changes an answer.

Qt lets a wheel turned over a combo box, a date or a slider change its value, even when the
control has no focus: a reviewer scrolling down the form changed "Senior" to "Staff" without
seeing it. Lever's web form and macOS never do that. We go one step further than the
"focused controls may keep the wheel" compromise: focused or not, a wheel over any control
of a question scrolls the form, because a control keeps its focus after a click and the next
thing a reviewer does is usually scroll on to the next question. Answers change by click and
keyboard only (arrows, letters, 1–4, Space).

One filter per form, installed by the form on every control of a row whose wheel would change
a value (combo boxes, spin and date boxes, sliders: ``guard``), so no editor class has to
remember it. The other controls (buttons, check boxes, line edits) ignore the wheel, and Qt
hands an ignored wheel to the parents, up to the scroll area; text boxes scroll their own
text, which changes nothing, and pass the wheel on when they have nothing to scroll.
Filtering only the few controls that need it keeps a 60-question form quick to open.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QScrollBar,
    QWidget,
)

_WHEEL = QEvent.Type.Wheel
_TURNED_BY_THE_WHEEL = (QComboBox, QAbstractSpinBox, QAbstractSlider)


class WheelScrollsForm(QObject):
    """Event filter: a wheel over a watched control goes to the nearest scroll area around it."""

    def guard(self, root: QWidget) -> None:
        """Watch the controls in ``root`` whose wheel changes a value."""
        for kind in _TURNED_BY_THE_WHEEL:
            for widget in root.findChildren(kind):
                # A scroll bar (a text box's, a dropdown list's) moves what it scrolls, never an answer.
                if not isinstance(widget, QScrollBar):
                    widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != _WHEEL or not isinstance(watched, QWidget):
            return False
        area = _scroll_area_around(watched)
        if area is None:
            event.ignore()  # not ours to use: Qt offers it to the parents, never to the control
            return True
        viewport = area.viewport()
        assert isinstance(event, QWheelEvent)
        forwarded = QWheelEvent(
            viewport.mapFromGlobal(event.globalPosition()),
            event.globalPosition(),
            event.pixelDelta(),
            event.angleDelta(),
            event.buttons(),
            event.modifiers(),
            event.phase(),
            event.inverted(),
            event.source(),
        )
        QApplication.sendEvent(viewport, forwarded)
        event.accept()
        return True


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea) and parent.viewport().isAncestorOf(widget):
            return parent
        parent = parent.parentWidget()
    return None
