"""A mouse wheel turned over a widget, delivered as Qt delivers a real one (GUI tests only)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QWidget

NOTCH = 120  # one step of a mouse wheel


def wheel(target: QWidget, notches: int) -> None:
    """A wheel turned with the pointer over the middle of ``target``, delivered as Qt delivers a
    real one: to the deepest widget there, then, while nobody accepts it, to each parent in turn
    (QApplication::notify does that only for events from the window system, not sent ones)."""
    centre = target.rect().center()
    under = target.childAt(centre) or target
    global_ = QPointF(target.mapToGlobal(centre))
    widget = under
    while widget is not None:
        event = QWheelEvent(
            QPointF(widget.mapFromGlobal(global_)),
            global_,
            QPoint(),
            QPoint(0, -NOTCH * notches),
            Qt.MouseButton.NoButton,
            Qt.KeyboardModifier.NoModifier,
            Qt.ScrollPhase.NoScrollPhase,
            False,
        )
        QApplication.sendEvent(widget, event)
        if event.isAccepted() or widget.isWindow():
            return
        widget = widget.parentWidget()
