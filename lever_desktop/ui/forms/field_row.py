"""One question on the form: label, editor, validation message and the AI's provenance.

The row is the only place that writes the reviewer's input into the ``FeedbackForm``; after
every change it re-reads the field's state (error, edited, needs confirmation) from the domain.
Optional parts (message, suggestion, confirm, revert, evidence) are created when first needed:
a 60-question form must open in a blink. The line of actions under an AI answer (Use / Confirm /
Revert) has its room kept from the start, so a button appearing never moves the questions below.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QKeyEvent, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lever_desktop.forms import FeedbackForm, FormField
from lever_desktop.forms.field import FieldStatus
from lever_desktop.forms.kinds import describe
from lever_desktop.ui.plain import plain_label
from lever_desktop.untrusted import for_display

from .editors import editor_for
from .provenance_view import AiBadge, EvidencePanel, confidence_text, evidence_toggle, point_at

Role = QPalette.ColorRole
# enum look-ups are slow in PySide; a form refreshes hundreds of times while it is built
_HIGHLIGHT, _HIGHLIGHTED_TEXT = Role.Highlight, Role.HighlightedText
_BUTTON, _BUTTON_TEXT, _PLACEHOLDER = Role.Button, Role.ButtonText, Role.PlaceholderText
_BAR = 4  # px of the attention bar on the left edge
_RING = 2  # px of the ring around the question F8 landed on
_TAB_FOCUS = Qt.FocusPolicy.TabFocus
_SHORT = 60  # characters that always fit on one line; wrapping labels make layout much slower
# characters of a title that fit beside the widest AI badge ("✎ Edited · AI was 48% · 2 quotes")
# in the review pane at the window's minimum size; a longer one that did not wrap made the
# whole form wider than its pane, and F8 then scrolled it sideways
_BESIDE_A_BADGE = 24
REVERT = "Revert to AI answer"


class FieldRow(QFrame):
    """``on_change`` is called after the reviewer changed the value or its confirmation."""

    def __init__(self, form: FeedbackForm, field: FormField, threshold: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form, self.field, self.threshold = form, field, threshold
        self.on_change: Callable[[], None] = lambda: None
        self.touched = False  # required-but-empty is only reported once touched or on approve
        self.show_required = False
        self.attention = False
        self.landed = False  # where F8 brought the reviewer: ringed until the next jump or change
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(_BAR + 8, 8, 10, 8)
        self.outer.setSpacing(4)

        header = self.header = QHBoxLayout()
        title = field.label + ("  *" if field.required else "")
        self.title = plain_label(title, self)
        self.title.setFont(_bold(self.title.font()))
        # a badge may come with a later draft of the same form (``load``): sized for one always
        self.title.setWordWrap(len(title) > _BESIDE_A_BADGE)
        if field.required:
            self.title.setToolTip("Required")
        header.addWidget(self.title, 1)
        self.ai_badge: AiBadge | None = None
        self._badge_shown: tuple[str, bool] | None = None  # (text, low) the badge shows
        if field.provenance is not None:
            self.ai_badge = evidence_toggle(field.provenance, field.label, self._show_evidence, self)
            header.addWidget(self.ai_badge)
        self.outer.addLayout(header)

        if field.definition.description:
            description = plain_label(field.definition.description, self)
            description.setWordWrap(len(field.definition.description) > _SHORT)
            description.setForegroundRole(_PLACEHOLDER)
            self.outer.addWidget(description)

        self.editor = editor_for(field, self, self.outer)
        self._editor_end = self.outer.count()  # message and actions go right after the editor
        self.show_answer()
        self.editor.on_edit = self._edited_by_user
        self.title.setBuddy(self.editor.focus_target())

        self.message: QLabel | None = None
        self.suggest_button: QPushButton | None = None
        self.confirm_button: QPushButton | None = None
        self.revert_button: QPushButton | None = None
        self.evidence: EvidencePanel | None = None
        self.action_line: QHBoxLayout | None = None
        self._room = False  # a spacer holds the place of the action line until it is made
        self._building = True  # what is made now follows the editor in Tab order by itself
        if field.provenance is not None and field.supported:
            self._keep_room_for_actions()
        self.refresh()
        if self.action_line is not None:  # a Use or Confirm button was made: Revert comes last
            self._revert_button()
        self._building = False

    def load(self, form: FeedbackForm, field: FormField, threshold: float) -> None:
        """Show another draft's answer to the same question, as a freshly built row would:
        nothing of the answer shown before may remain (fixes, confirmation, evidence, marks)."""
        self.form, self.field, self.threshold = form, field, threshold
        self.editor.field = field
        self.touched = self.show_required = False
        if field.provenance is not None:
            if field.supported:
                self._keep_room_for_actions()
            if self.ai_badge is None:
                self.ai_badge = evidence_toggle(field.provenance, field.label, self._show_evidence, self)
                self.header.addWidget(self.ai_badge)
            else:
                point_at(self.ai_badge, field.provenance)
            _set_visible(self.ai_badge, True)
        elif self.ai_badge is not None:
            if self.ai_badge.isChecked():
                self.ai_badge.setChecked(False)
            _set_visible(self.ai_badge, False)
            for button in (self.suggest_button, self.confirm_button, self.revert_button):
                if button is not None:  # with provenance, _refresh_provenance decides
                    _set_visible(button, False)
        if self.evidence is not None:  # the quotes of the answer shown before
            self.outer.removeWidget(self.evidence)
            self.evidence.deleteLater()
            self.evidence = None
        self.show_answer()
        self.refresh()

    # -- parts made on demand ----------------------------------------------------------------
    def _action(self, attribute: str, text: str, name: str, slot, position: int) -> QPushButton:
        button: QPushButton | None = getattr(self, attribute)
        if button is None:
            button = QPushButton(text, self)
            button.setAccessibleName(name)
            button.clicked.connect(slot)
            actions = (self.suggest_button, self.confirm_button, self.revert_button)
            earlier = [b for b in actions[:position] if b]
            self._actions_line().insertWidget(len(earlier), button)
            # a widget made later would otherwise be last in the window's Tab order; while the
            # row is built, the actions are made in their order right after the editor
            if not self._building:  # looking for the anchor: ~4 ms of a 60-field build
                anchor = earlier[-1] if earlier else self._last_control(exclude=(*actions, button))
                if anchor is not None:
                    QWidget.setTabOrder(anchor, button)
            setattr(self, attribute, button)
            if self.revert_button is None and not self._building:  # the line's last button
                self._revert_button()
        return button

    def _keep_room_for_actions(self) -> None:
        """An AI answer may get a line of actions (Revert appears on the first keystroke): until
        it is made, a spacer of its size keeps its place, so it never pushes the questions below
        out from under the pointer. A button costs ~0.15 ms of a 60-question build, a spacer little."""
        if self.action_line is None and not self._room:
            size = revert_size(self)  # measured once per font, not once a row
            # a spacer takes no spacing before it (a layout item does): it carries its own; the
            # strut keeps the row as wide as the line would (spacers made by Qt: ~6 us less each)
            self.outer.insertSpacing(
                self._editor_end + (self.message is not None), size.height() + self.outer.spacing()
            )
            self.outer.addStrut(size.width())
            self._room = True

    def _actions_line(self) -> QHBoxLayout:
        if self.action_line is None:
            at = self._editor_end + (self.message is not None)
            if self._room:
                self.outer.takeAt(at)  # the spacer gives its place to the line
                self._room = False
            self.action_line = QHBoxLayout()
            self.action_line.addStretch(1)
            self.outer.insertLayout(at, self.action_line)
        return self.action_line

    def _revert_button(self) -> QPushButton:
        """Made with the line of actions (on the first edit, or with a Use or Confirm button)
        and hidden, its space kept: it appearing later moves nothing."""
        if self.revert_button is None:
            button = self._action(
                "revert_button", REVERT, f"Revert {self.field.label} to the AI answer", self._revert, 2
            )
            policy = button.sizePolicy()
            policy.setRetainSizeWhenHidden(True)
            button.setSizePolicy(policy)
            button.hide()
            return button
        return self.revert_button

    def _last_control(self, exclude: tuple[QWidget | None, ...]) -> QWidget | None:
        controls = [
            w for w in self.children() if isinstance(w, QWidget) and w not in exclude and w.focusPolicy() & _TAB_FOCUS
        ]
        return controls[-1] if controls else None

    def _message_label(self) -> QLabel:
        if self.message is None:
            self.message = plain_label(parent=self)  # may quote the value or an option
            self.message.setFont(_bold(self.message.font()))
            self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.outer.insertWidget(self._editor_end, self.message)
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
        typed = self.editor.unreadable_text()
        if typed is None:
            self.form.set_widget_value(self.field.id, self.editor.value())
        else:  # kept as typed, never read as some other value: validation refuses it with a message
            self.form.set(self.field.id, typed)
        self._after_change()

    def show_answer(self) -> None:
        """Put the field's answer into the editor; text it cannot read stays visible as text."""
        value, kind = self.field.value, self.field.kind
        shown = kind.to_widget(value)
        if shown is None and isinstance(value, str) and not kind.is_empty(value) and self.editor.show_text(value):
            return
        self.editor.set_value(shown)

    def _accept_suggestion(self) -> None:
        if self.form.accept_suggestion(self.field.id):
            self.show_answer()
            self._after_change()

    def _revert(self) -> None:
        self.form.revert(self.field.id)
        self.show_answer()
        self._after_change()

    def _confirm(self) -> None:
        self.form.confirm(self.field.id, not self.field.confirmed)
        self._after_change()

    def _after_change(self) -> None:
        self.set_landed(False)
        self.refresh()
        self.on_change()

    def set_landed(self, landed: bool) -> None:
        if landed != self.landed:
            self.landed = landed
            self.update()

    # -- state ----------------------------------------------------------------------------
    def needs_attention(self) -> bool:
        return self.field.status(self.threshold).needs_attention

    def refresh(self) -> None:
        f = self.field
        status = f.status(self.threshold)
        error = status.error
        hide_empty = status.is_empty and f.supported and not (self.touched or self.show_required)
        shown = None if error is None or hide_empty else error.message
        if shown or self.message is not None:
            message = self._message_label()
            message.setWordWrap(bool(shown) and len(shown) > _SHORT)
            message.setText(f"⚠ {shown}" if shown else "")
            message.setAccessibleName(f"{f.label}: {shown}" if shown else "")
            _set_visible(message, bool(shown))
        if f.provenance is not None:
            self._refresh_provenance(status)
        attention = status.needs_attention
        if attention != self.attention:
            self.attention = attention
            self.update()

    def _refresh_provenance(self, status: FieldStatus) -> None:
        f, provenance = self.field, self.field.provenance
        assert provenance is not None and self.ai_badge is not None
        low, edited = status.needs_confirmation, status.edited
        badge = confidence_text(provenance, low, f.confirmed, edited)
        shown = self._badge_shown
        if shown != (badge, low):  # most refreshes and many draft swaps leave it as is
            self._badge_shown = (badge, low)
            self.ai_badge.setText(badge)
            self.ai_badge.setAccessibleDescription(badge)  # the name says what it opens, this how sure
            if low or shown is not None:  # a new badge has a button's colours already
                self.ai_badge.setBackgroundRole(_HIGHLIGHT if low else _BUTTON)
                self.ai_badge.setForegroundRole(_HIGHLIGHTED_TEXT if low else _BUTTON_TEXT)
        if not f.supported:
            return
        fix = status.suggestion
        if fix is not None:
            name = f"Use the suggested answer {describe(fix)} for {f.label}"
            button = self._action("suggest_button", "", name, self._accept_suggestion, 0)
            button.setText(for_display(f"Use {describe(fix)}"))
            button.setAccessibleName(name)
        if self.suggest_button is not None:
            _set_visible(self.suggest_button, fix is not None)
        confirmable = provenance.is_low(self.threshold) and not edited and not provenance.ai_problem
        if confirmable and not f.kind.is_empty(provenance.ai_value):
            self._action("confirm_button", "", f"Confirm the AI answer for {f.label}", self._confirm, 1)
        if self.confirm_button is not None:
            self.confirm_button.setText("✓ Confirmed" if f.confirmed else "Confirm")
            _set_visible(self.confirm_button, confirmable)
        if edited or self.revert_button is not None:
            _set_visible(self._revert_button(), edited)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.editor.handle_key(event, self.focusWidget()):
            event.accept()
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.attention or self.landed:
            painter = QPainter(self)
            colour = self.palette().color(_HIGHLIGHT)
            if self.attention:  # a bar in the theme's selection colour: this question needs you
                painter.fillRect(1, 1, _BAR, self.height() - 2, colour)
            if self.landed:  # F8 landed here
                painter.setPen(QPen(colour, _RING))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawRect(self.rect().adjusted(_RING // 2, _RING // 2, -_RING // 2 - 1, -_RING // 2 - 1))
            painter.end()


def _set_visible(widget: QWidget, visible: bool) -> None:
    """Only when it changes: a call into Qt per part per row adds up when a draft is swapped in."""
    if widget.isHidden() == visible:
        widget.setVisible(visible)


_REVERT_SIZE: dict[str, QSize] = {}


def revert_size(widget: QWidget) -> QSize:
    """The size of a Revert button in ``widget``'s font, measured once per font (one style per app)."""
    font = widget.font()
    key = font.key()
    if key not in _REVERT_SIZE:
        probe = QPushButton(REVERT)  # no parent: gone with this function, never in a Tab order
        probe.setFont(font)
        _REVERT_SIZE[key] = probe.sizeHint()
    return _REVERT_SIZE[key]


_BOLD: dict[str, QFont] = {}


def _bold(font: QFont) -> QFont:
    """One bold font per base font, shared by all rows (building a QFont per label is slow)."""
    key = font.key()
    if key not in _BOLD:
        _BOLD[key] = QFont(font)
        _BOLD[key].setBold(True)
    return _BOLD[key]
