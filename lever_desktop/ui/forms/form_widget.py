"""The whole feedback form: instructions, one row per question, and approval gating.

It holds no scroll area of its own (the review screen scrolls it) but scrolls its nearest
scrolling ancestor when F8 / Ctrl+. jumps to the next question that needs the reviewer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget

from lever_desktop.forms import DEFAULT_CONFIDENCE_THRESHOLD, FeedbackForm
from lever_desktop.ui.plain import plain_label

from .field_row import FieldRow, revert_size
from .wheel import WheelScrollsForm

NEXT_ATTENTION_KEYS = (QKeySequence(Qt.Key.Key_F8), QKeySequence("Ctrl+."))


class FeedbackFormWidget(QWidget):
    """Edits ``form`` in place; read the result from the form (``form.field_values()``).

    ``valuesChanged`` fires after every reviewer change (answer, confirmation, revert, fix);
    ``approvableChanged(bool)`` only when the answer to ``can_approve()`` flips — read it once
    after construction for the initial state. ``blocking_reasons()`` says why not, per field.
    """

    valuesChanged = Signal()
    approvableChanged = Signal(bool)

    def __init__(
        self,
        form: FeedbackForm,
        confidence_threshold: float = DEFAULT_CONFIDENCE_THRESHOLD,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.form = form
        self.threshold = confidence_threshold
        self.setAccessibleName(f"Feedback form: {form.title}")
        self.column = layout = QVBoxLayout(self)
        layout.setSpacing(8)

        title = plain_label(form.title, self)
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        title.setWordWrap(True)
        layout.addWidget(title)
        if form.instructions:
            instructions = plain_label(form.instructions, self)
            instructions.setWordWrap(True)
            instructions.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            instructions.setAccessibleName("Template instructions")
            layout.addWidget(instructions)
        for notice in form.notices:
            note = plain_label(f"Note: {notice}", self)
            note.setWordWrap(True)
            note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            layout.addWidget(note)
        legend = QLabel("* required · F8 jumps to the next question that needs you", self)
        legend.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(legend)

        self.rows: list[FieldRow] = []
        self._wheel = WheelScrollsForm(self)
        room = revert_size(self)  # measured once for the 60 rows, not once a row
        for field in form.fields:
            row = FieldRow(form, field, confidence_threshold, self, room)
            row.on_change = self._row_changed
            self.rows.append(row)
            layout.addWidget(row)
        layout.addStretch(1)
        self._wheel.guard(self)  # once for all rows: three look-ups, not three per question

        for keys in NEXT_ATTENTION_KEYS:
            shortcut = QShortcut(keys, self)
            # anywhere in the window while this form is shown (from the drafts list too); a
            # form kept for later is hidden, and a hidden widget's shortcut does not fire
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.focus_next_attention)
        self._landed: FieldRow | None = None
        self._approvable = self.can_approve()

    # -- public API ------------------------------------------------------------------------
    def can_approve(self) -> bool:
        return self.form.can_approve(self.threshold).ok

    def blocking_reasons(self) -> list[str]:
        """Why Approve is not possible yet, one sentence per field; empty when it is."""
        return self.form.can_approve(self.threshold).reasons

    def fits(self, form: FeedbackForm) -> bool:
        """Whether ``load(form)`` can show this form: same questions, same notes above them."""
        return (
            form.title == self.form.title
            and form.instructions == self.form.instructions
            and form.notices == self.form.notices
            and len(form.fields) == len(self.rows)
            and all(f.id == r.field.id and f.definition == r.field.definition for f, r in zip(form.fields, self.rows))
        )

    def load(self, form: FeedbackForm, confidence_threshold: float) -> None:
        """Show another draft of the same template in these rows (see ``fits``): switching
        drafts then costs a value swap instead of a build. Nothing of the draft shown before
        remains: answers, fixes, confirmations, evidence opened, marks, focus."""
        focused = QApplication.focusWidget()
        if focused is not None and self.isAncestorOf(focused):
            focused.clearFocus()
        self.form, self.threshold = form, confidence_threshold
        self._land(None)
        # Showing a widget first lays out every ancestor whose layout is stale, and each answer
        # swapped in makes this column stale: with it switched off, a Confirm button shown costs
        # its own row, not the 60 (0.28 ms a button, 3 ms a switch). Laid out once, at the end.
        self.column.setEnabled(False)
        try:
            for row in self.rows:
                row.load(form, form.field(row.field.id), confidence_threshold)
        finally:
            self.column.setEnabled(True)
        self.column.activate()
        self._approvable = self.can_approve()

    def row(self, field_id: str) -> FieldRow:
        return next(r for r in self.rows if r.field.id == field_id)

    def show_all_problems(self) -> None:
        """Reveal required-but-unanswered messages everywhere (e.g. when Approve is pressed)."""
        for row in self.rows:
            row.show_required = True
            row.refresh()

    def refresh(self) -> None:
        """Re-read every field after the form was changed outside this widget."""
        for row in self.rows:
            row.show_answer()
            row.refresh()
        self._row_changed()

    def focus_next_attention(self) -> FieldRow | None:
        """Move focus to the next question needing attention after the focused one (wrapping)."""
        waiting = [r for r in self.rows if r.needs_attention()]
        if not waiting:
            return None
        current = self.focused_row()
        start = self.rows.index(current) + 1 if current is not None else 0
        ordered = self.rows[start:] + self.rows[:start]
        target = next(r for r in ordered if r in waiting)
        target.show_required = True
        target.refresh()
        control = target.editor.focus_target()
        control.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._land(target)
        scroller = self._scroll_area()
        if scroller is not None:
            self.column.activate()  # the row may just have grown a message: scroll to where it is now
            scroller.ensureWidgetVisible(target)
            scroller.ensureWidgetVisible(control)  # a tall row: at least the control that has focus
        return target

    def _land(self, row: FieldRow | None) -> None:
        """Ring the row F8 landed on (the focus alone is easy to lose in a long form)."""
        if self._landed is not None and self._landed is not row:
            self._landed.set_landed(False)
        self._landed = row
        if row is not None:
            row.set_landed(True)

    # -- internals -------------------------------------------------------------------------
    def focused_row(self) -> FieldRow | None:
        """The field row holding the keyboard focus (F8 and Ctrl+. move it), or None."""
        widget = self.focusWidget()
        while widget is not None and not isinstance(widget, FieldRow):
            widget = widget.parentWidget()
        return widget

    # -- internals -------------------------------------------------------------------------
    def _scroll_area(self) -> QScrollArea | None:
        widget = self.parentWidget()
        while widget is not None and not isinstance(widget, QScrollArea):
            widget = widget.parentWidget()
        return widget

    def _row_changed(self) -> None:
        self.valuesChanged.emit()
        approvable = self.can_approve()
        if approvable != self._approvable:
            self._approvable = approvable
            self.approvableChanged.emit(approvable)
