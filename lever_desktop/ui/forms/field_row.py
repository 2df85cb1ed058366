"""One question on the form: label, editor, validation message and the AI's provenance.

The row is the only place that writes the reviewer's input into the ``FeedbackForm``; after
every change it re-reads the field's state (error, edited, needs confirmation) from the domain.
Optional parts (message, suggestion, confirm, revert, evidence) are created when first needed:
a 60-question form must open in a blink.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from lever_desktop.forms import FeedbackForm, FormField
from lever_desktop.forms.kinds import describe

from .base import editor_for
from .provenance_view import EvidencePanel, confidence_text, evidence_toggle

Role = QPalette.ColorRole
_BAR = 4  # px of the attention bar on the left edge


class FieldRow(QFrame):
    changed = Signal()  # the field's value or confirmation changed

    def __init__(self, form: FeedbackForm, field: FormField, threshold: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form, self.field, self.threshold = form, field, threshold
        self.touched = False  # required-but-empty is only reported once touched or on approve
        self.show_required = False
        self.attention = False
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(_BAR + 8, 8, 10, 8)
        self.outer.setSpacing(4)

        header = QHBoxLayout()
        self.title = QLabel(field.label + ("  *" if field.required else ""), self)
        self.title.setFont(_bold(self.title.font()))
        self.title.setWordWrap(True)
        if field.required:
            self.title.setToolTip("Required")
        header.addWidget(self.title, 1)
        self.ai_badge: QToolButton | None = None
        if field.provenance is not None:
            self.ai_badge = evidence_toggle(field.provenance, field.label, self)
            self.ai_badge.toggled.connect(self._show_evidence)
            header.addWidget(self.ai_badge)
        self.outer.addLayout(header)

        if field.definition.description:
            description = QLabel(field.definition.description, self)
            description.setWordWrap(True)
            description.setForegroundRole(Role.PlaceholderText)
            self.outer.addWidget(description)

        self.editor = editor_for(field, self)
        self.editor.set_value(field.kind.to_widget(field.value))
        self.editor.edited.connect(self._edited_by_user)
        self.title.setBuddy(self.editor.focus_target())
        self.outer.addWidget(self.editor)

        self.message: QLabel | None = None
        self.suggest_button: QPushButton | None = None
        self.confirm_button: QPushButton | None = None
        self.revert_button: QPushButton | None = None
        self.evidence: EvidencePanel | None = None
        self.actions: QHBoxLayout | None = None
        self.refresh()

    # -- parts made on demand ----------------------------------------------------------------
    def _action(self, attribute: str, text: str, name: str, slot, position: int) -> QPushButton:
        button: QPushButton | None = getattr(self, attribute)
        if button is None:
            button = QPushButton(text, self)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            if self.actions is None:
                self.actions = QHBoxLayout()
                self.actions.addStretch(1)
                self.outer.insertLayout(self.outer.indexOf(self.editor) + 1 + (self.message is not None), self.actions)
            earlier = [b for b in (self.suggest_button, self.confirm_button, self.revert_button)[:position] if b]
            self.actions.insertWidget(len(earlier), button)
            setattr(self, attribute, button)
        return button

    def _message_label(self) -> QLabel:
        if self.message is None:
            self.message = QLabel(self)
            self.message.setWordWrap(True)
            self.message.setFont(_bold(self.message.font()))
            self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.outer.insertWidget(self.outer.indexOf(self.editor) + 1, self.message)
        return self.message

    def _show_evidence(self, open_: bool) -> None:
        if self.evidence is None and self.field.provenance is not None:
            self.evidence = EvidencePanel(self.field.provenance, self)
            self.outer.addWidget(self.evidence)
        if self.evidence is not None:
            self.evidence.setVisible(open_)
        if self.ai_badge is not None:
            self.ai_badge.setArrowType(Qt.ArrowType.DownArrow if open_ else Qt.ArrowType.RightArrow)

    # -- reviewer actions ----------------------------------------------------------------
    def _edited_by_user(self) -> None:
        self.touched = True
        self.form.set_widget_value(self.field.id, self.editor.value())
        self._after_change()

    def _accept_suggestion(self) -> None:
        if self.form.accept_suggestion(self.field.id):
            self.editor.set_value(self.form.widget_value(self.field.id))
            self._after_change()

    def _revert(self) -> None:
        self.form.revert(self.field.id)
        self.editor.set_value(self.form.widget_value(self.field.id))
        self._after_change()

    def _confirm(self) -> None:
        self.form.confirm(self.field.id, not self.field.confirmed)
        self._after_change()

    def _after_change(self) -> None:
        self.refresh()
        self.changed.emit()

    # -- state ----------------------------------------------------------------------------
    def needs_attention(self) -> bool:
        f = self.field
        return f.error() is not None or f.needs_confirmation(self.threshold) or f.suggestion is not None

    def refresh(self) -> None:
        f = self.field
        error = f.error()
        hide_empty = f.is_empty and f.supported and not (self.touched or self.show_required)
        shown = None if error is None or hide_empty else error.message
        if shown or self.message is not None:
            message = self._message_label()
            message.setText(f"⚠ {shown}" if shown else "")
            message.setAccessibleName(f"{f.label}: {shown}" if shown else "")
            message.setVisible(bool(shown))
        if f.provenance is not None:
            self._refresh_provenance()
        attention = self.needs_attention()
        if attention != self.attention:
            self.attention = attention
            self.update()

    def _refresh_provenance(self) -> None:
        f, provenance = self.field, self.field.provenance
        assert provenance is not None and self.ai_badge is not None
        low = f.needs_confirmation(self.threshold)
        self.ai_badge.setText(confidence_text(provenance, low, f.confirmed, f.edited))
        self.ai_badge.setBackgroundRole(Role.Highlight if low else Role.Button)
        self.ai_badge.setForegroundRole(Role.HighlightedText if low else Role.ButtonText)
        if not f.supported:
            return
        fix = f.suggestion
        if fix is not None:
            name = f"Use the suggested answer {describe(fix)} for {f.label}"
            button = self._action("suggest_button", "", name, self._accept_suggestion, 0)
            button.setText(f"Use {describe(fix)}")
            button.setAccessibleName(name)
        if self.suggest_button is not None:
            self.suggest_button.setVisible(fix is not None)
        confirmable = provenance.is_low(self.threshold) and not f.edited
        if confirmable and not f.kind.is_empty(provenance.ai_value):
            self._action("confirm_button", "", f"Confirm the AI answer for {f.label}", self._confirm, 1)
        if self.confirm_button is not None:
            self.confirm_button.setText("✓ Confirmed" if f.confirmed else "Confirm")
            self.confirm_button.setVisible(confirmable)
        if f.edited:
            self._action("revert_button", "Revert to AI answer", f"Revert {f.label} to the AI answer",
                         self._revert, 2)
        if self.revert_button is not None:
            self.revert_button.setVisible(f.edited)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self.attention:  # a bar in the theme's selection colour: this question needs you
            painter = QPainter(self)
            painter.fillRect(1, 1, _BAR, self.height() - 2, self.palette().color(Role.Highlight))
            painter.end()


def _bold(font: QFont) -> QFont:
    bold = QFont(font)
    bold.setBold(True)
    return bold
