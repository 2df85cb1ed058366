"""How the AI arrived at an answer: the confidence badge text and the evidence list."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget

from lever_desktop.forms import Provenance
from lever_desktop.ui.plain import plain_label

_TAB_FOCUS = Qt.FocusPolicy.TabFocus


def confidence_text(provenance: Provenance, low: bool, confirmed: bool, edited: bool) -> str:
    """The badge: how sure the AI was, what the reviewer did with it, how much evidence."""
    sure = "no confidence" if provenance.confidence is None else f"{provenance.confidence:.0%}"
    count = len(provenance.evidence)
    quotes = f" · {count} quote{'s' if count != 1 else ''}" if count else ""
    if edited:
        return f"✎ Edited · AI was {sure}{quotes}"
    if confirmed:
        return f"✓ AI {sure} · confirmed{quotes}"
    return f"⚠ AI {sure} · confirm{quotes}" if low else f"AI {sure}{quotes}"


class AiBadge(QToolButton):
    """Calls ``on_toggle`` directly: cheaper than a signal connection per field."""

    def __init__(self, on_toggle: Callable[[bool], None], parent: QWidget) -> None:
        super().__init__(parent)
        self.on_toggle = on_toggle
        self.has_more: bool | None = None  # whether it opens evidence; None: not yet pointed at any

    def checkStateSet(self) -> None:
        super().checkStateSet()
        self.on_toggle(self.isChecked())

    def nextCheckState(self) -> None:
        super().nextCheckState()
        self.on_toggle(self.isChecked())


def evidence_toggle(provenance: Provenance, label: str, on_toggle: Callable[[bool], None], parent: QWidget) -> AiBadge:
    """The AI badge doubles as the switch that opens its evidence."""
    toggle = AiBadge(on_toggle, parent)
    toggle.setAutoRaise(True)
    toggle.setAutoFillBackground(True)
    toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toggle.setAccessibleName(f"AI answer for {label}: show evidence")
    point_at(toggle, provenance)
    return toggle


def point_at(toggle: AiBadge, provenance: Provenance) -> None:
    """Make the badge the (closed) switch for this answer's evidence: a reused form shows
    another draft's answer, whose evidence may be there or not."""
    if toggle.has_more and toggle.isChecked():  # (setChecked calls on_toggle even when nothing changes)
        toggle.setChecked(False)  # closes the panel of the answer shown before
    has_more, before = bool(provenance.evidence or provenance.rationale or provenance.ai_problem), toggle.has_more
    if before is has_more:
        return  # as it was: four calls into Qt per row saved when a draft is swapped in
    toggle.has_more = has_more
    # without evidence the badge still shows the confidence, but is not a (dead) button
    toggle.setCheckable(has_more)
    toggle.setArrowType(Qt.ArrowType.RightArrow if has_more else Qt.ArrowType.NoArrow)
    if not (has_more and before is None):  # a new tool button already takes Tab
        toggle.setFocusPolicy(_TAB_FOCUS if has_more else Qt.FocusPolicy.NoFocus)
    toggle.setToolTip("Show the transcript quotes and the AI's reasoning" if has_more else "The AI gave no evidence")


class EvidencePanel(QWidget):
    """The transcript quotes (with their time in the interview), the rationale, any AI problem:
    the AI's own words, so shown as plain text (a quote may be HTML)."""

    def __init__(self, provenance: Provenance, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.column = layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 0, 0, 0)
        self.lines: list[str] = []
        for item in provenance.evidence:
            when = f"  — at {item.timestamp}" if item.timestamp else ""
            self._line(f"“{item.quote}”{when}")
        if provenance.rationale:
            self._line(f"Why: {provenance.rationale}").setForegroundRole(QPalette.ColorRole.PlaceholderText)
        if provenance.ai_problem:
            self._line(f"The AI's answer could not be used as is: {provenance.ai_problem}")

    def _line(self, text: str) -> QLabel:
        label = plain_label(text, self)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.column.addWidget(label)
        self.lines.append(text)
        return label
