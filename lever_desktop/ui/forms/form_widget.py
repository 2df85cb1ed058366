"""The whole feedback form: instructions, one row per question, and approval gating.

It holds no scroll area of its own (the review screen scrolls it) but scrolls its nearest
scrolling ancestor when F8 / Ctrl+. jumps to the next question that needs the reviewer.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import QApplication, QLabel, QScrollArea, QVBoxLayout, QWidget

from lever_desktop.forms import DEFAULT_CONFIDENCE_THRESHOLD, FeedbackForm
from lever_desktop.ui.plain import plain_label

from .field_row import FieldRow
from .wheel import WheelScrollsForm

NEXT_ATTENTION_KEYS = (QKeySequence(Qt.Key.Key_F8), QKeySequence("Ctrl+."))
FIRST_SCREEN_ROWS = 12  # built with the form: more questions than a tall window shows at once
ROWS_PER_TURN = 8  # then this many per turn of the event loop (~10 ms), so nothing waits on the rest


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

        self._rows: list[FieldRow] = []
        self._wheel = WheelScrollsForm(self)
        layout.addStretch(1)
        # The questions below the first screen follow a turn of the event loop at a time, so a
        # long form paints at once and typing goes on; anything that needs every row (F8, a
        # refresh, ``rows``) builds the rest first.
        self._more = QTimer(self)
        self._more.setInterval(0)
        self._more.timeout.connect(lambda: self._build_rows(len(self._rows) + ROWS_PER_TURN))
        self._build_rows(FIRST_SCREEN_ROWS, guard=False)
        self._wheel.guard(self)  # once for the first rows: three look-ups, not three per question
        if not self.complete:
            self._more.start()

        for keys in NEXT_ATTENTION_KEYS:
            shortcut = QShortcut(keys, self)
            # anywhere in the window while this form is shown (from the drafts list too); a
            # form kept for later is hidden, and a hidden widget's shortcut does not fire
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(self.focus_next_attention)
        self._landed: FieldRow | None = None
        self._approvable = self.can_approve()

    # -- public API ------------------------------------------------------------------------
    @property
    def rows(self) -> list[FieldRow]:
        """Every question's row, in order (the ones not built yet are built now)."""
        self._build_rows(len(self.form.fields))
        return self._rows

    @property
    def complete(self) -> bool:
        """Whether every question's row is built (the first screen's are, at once)."""
        return len(self._rows) == len(self.form.fields)

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
            and len(form.fields) == len(self.form.fields)
            and all(f.id == g.id and f.definition == g.definition for f, g in zip(form.fields, self.form.fields))
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
            for row in self._rows:  # the rows not built yet are built from this form
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
    def _build_rows(self, upto: int, guard: bool = True) -> None:
        """Build the rows of the questions before ``upto`` that are not built yet."""
        fields = self.form.fields[len(self._rows) : upto]
        if not fields:
            return
        shown = self.isVisible()
        self.column.setEnabled(False)  # laid out once for the rows, not once a row (see ``load``)
        try:
            for field in fields:
                row = FieldRow(self.form, field, self.threshold, self)
                row.on_change = self._row_changed
                self.column.insertWidget(self.column.count() - 1, row)  # before the closing stretch
                if shown:
                    row.show()  # now, not at the layout's next turn: F8 may focus it at once
                if guard:
                    self._wheel.guard(row)
                self._rows.append(row)
        finally:
            self.column.setEnabled(True)
        if shown:
            self.column.activate()
        if self.complete:
            self._more.stop()

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
