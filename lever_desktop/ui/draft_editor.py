"""The draft editor's layout: who and what, the form, and the approve bar.

The form itself is ``FeedbackFormWidget`` from ``ui/forms``; this view puts
around it what the reviewer needs to decide: the candidate, the template, the
flags, who the feedback will be authored as, the exact payload, and — after
approval — what happened to it. Every label here shows names, messages and
errors from Lever or the draft, so all of them are plain text (``ui/plain.py``).
When the author already has a form for this
interview in Lever, a notice says so and Approve waits for an explicit "add a
second form"; a submitted draft offers Amend and Withdraw from Lever.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from lever_desktop.ui.forms.wheel import WheelScrollsForm
from lever_desktop.ui.plain import named, plain_label
from lever_desktop.untrusted import for_display


class DraftEditor(QWidget):
    approveRequested = Signal()
    discardRequested = Signal()
    removeDuplicateRequested = Signal()
    nextRequested = Signal()
    previousRequested = Signal()
    authorChoiceChanged = Signal()
    amendRequested = Signal()
    withdrawRequested = Signal()
    secondFormToggled = Signal(bool)
    refreshRequested = Signal()  # re-read the draft's opportunity from Lever (notes it may clear)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.form_widget: QWidget | None = None
        self.keep_form: Callable[[QWidget], bool] = lambda _widget: False
        self.title = plain_label("Select a draft to review it.")
        self.title.setWordWrap(True)
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title.setFont(font)
        self.meta = plain_label()
        self.meta.setWordWrap(True)
        self.flags = plain_label()
        self.flags.setWordWrap(True)
        self.flags.setObjectName("draftFlags")
        self.flags.setAccessibleName("Flags to check")

        self.form_scroll = QScrollArea()
        self.form_scroll.setWidgetResizable(True)
        self.form_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.preview = QPlainTextEdit()
        self.preview.setReadOnly(True)
        self.preview.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview.setAccessibleName("Technical details")
        self.preview.hide()
        self.body = QSplitter(Qt.Orientation.Vertical)
        self.body.addWidget(self.form_scroll)
        self.body.addWidget(self.preview)

        self.author_label = QLabel("Authored as:")
        self.author = named(QComboBox(), "Authored as")
        # Any active Lever user may be chosen: the box takes the row's width, not the longest name's.
        self.author.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.author.setMinimumContentsLength(24)
        self.author.currentIndexChanged.connect(self.authorChoiceChanged)
        self.author_note = plain_label()
        self.author_note.setWordWrap(True)
        # The author's own form already in Lever: text from Lever, so plain text.
        self.own_feedback = plain_label()
        self.own_feedback.setObjectName("ownFeedback")
        self.own_feedback.setWordWrap(True)
        self.own_feedback.setStyleSheet("color: #9a6700")
        self.second_form = QCheckBox("Add this as a second form next to theirs")
        self.second_form.setToolTip("The audit trail records this choice")
        self.second_form.toggled.connect(self.secondFormToggled)
        self.outcome = plain_label()
        self.outcome.setWordWrap(True)
        self.outcome.setObjectName("draftOutcome")

        self.previous = QPushButton("◀ Previous")
        self.previous.setToolTip("Previous draft (K)")
        self.next = QPushButton("Next ▶")
        self.next.setToolTip("Next draft (J)")
        for short in (self.previous, self.next):  # the style makes them 80 px; they give that up, not their text,
            short.setMinimumWidth(short.fontMetrics().horizontalAdvance(short.text()) + 20)  # where room is short
        self.discard = QPushButton("Discard")
        # Shown only while Lever holds a second form from this draft's approval.
        self.remove_duplicate = QPushButton("Remove duplicate from Lever…")
        self.remove_duplicate.setToolTip("Delete the extra form Lever stored from this approval (asks first)")
        self.remove_duplicate.setVisible(False)
        # Shown while a note says the cache lacks something Lever has (an interview, a panel).
        self.refresh = QPushButton("Refresh from Lever")
        self.refresh.setToolTip("Read this candidate's interviews and the form from Lever again")
        self.refresh.setVisible(False)
        # The request and Lever's ids are for whoever supports the app, not the main view.
        self.show_payload = QPushButton("Technical details")
        self.show_payload.setCheckable(True)
        self.show_payload.setToolTip("Show the exact request Lever will receive, with Lever's ids")
        self.approve = QPushButton("Approve")
        self.approve.setDefault(True)
        self.approve.setToolTip("Approve and submit to Lever (Ctrl+Enter)")
        bold = QFont(self.approve.font())
        bold.setBold(True)
        self.approve.setFont(bold)
        self.approve.setMinimumWidth(140)
        self.amend = QPushButton("Amend")
        self.amend.setToolTip("Reopen this submitted form, edit it and send the change to Lever")
        self.withdraw = QPushButton("Withdraw from Lever…")
        self.withdraw.setToolTip("Delete this form from Lever (asks first)")

        author_row = QHBoxLayout()
        author_row.addWidget(self.author_label)
        author_row.addWidget(self.author, 1)  # the whole width for "Name <email>", never cut
        self.author.setSizePolicy(QSizePolicy.Policy.Expanding, self.author.sizePolicy().verticalPolicy())
        buttons = QHBoxLayout()
        for b in (self.previous, self.next):
            buttons.addWidget(b)
        buttons.addStretch(1)
        for b in (
            self.refresh,
            self.remove_duplicate,
            self.show_payload,
            self.withdraw,
            self.amend,
            self.discard,
            self.approve,
        ):
            buttons.addWidget(b)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.meta)
        layout.addWidget(self.flags)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.own_feedback)
        layout.addWidget(self.second_form)
        layout.addWidget(self.outcome)
        layout.addLayout(author_row)
        layout.addWidget(self.author_note)
        layout.addLayout(buttons)
        self.outcome.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.author_note.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.approve.clicked.connect(self.approveRequested)
        self.discard.clicked.connect(self.discardRequested)
        self.amend.clicked.connect(self.amendRequested)
        self.withdraw.clicked.connect(self.withdrawRequested)
        self.remove_duplicate.clicked.connect(self.removeDuplicateRequested)
        self.refresh.clicked.connect(self.refreshRequested)
        self.next.clicked.connect(self.nextRequested)
        self.previous.clicked.connect(self.previousRequested)
        self.show_payload.toggled.connect(self.preview.setVisible)
        self.set_empty()
        # a wheel over "Authored as" must not change who signs the feedback (forms guard their own)
        WheelScrollsForm(self).guard(self)

    # -- filling -------------------------------------------------------------
    def set_empty(self, text: str = "Select a draft to review it.") -> None:
        self.title.setText(text)
        self.meta.clear()
        self.flags.clear()
        self.outcome.clear()
        self.set_own_feedback([])
        self.set_after_submission(amend=False, withdraw=False)
        self.remove_duplicate.setVisible(False)
        self.refresh.setVisible(False)
        self.set_form(None)
        self.set_actions_enabled(False)

    def set_header(
        self,
        candidate: str,
        headline: str | None,
        template: str,
        interviewer: str,
        interview: str | None,
        received: str,
    ) -> None:
        self.title.setText(candidate + (f" — {headline}" if headline else ""))
        bits = [template, f"interviewer {interviewer}"]
        if interview:
            bits.append(interview)
        bits.append(f"received {received}")
        self.meta.setText(" · ".join(bits))

    def set_flags(
        self, flags: list[tuple[str, bool]], notes: list[str] | None = None, refreshable: bool = False
    ) -> None:
        """The pipeline's checks as (message, checked): checked ones stay listed, ticked and grey,
        so the reviewer sees both what was flagged and that it has been dealt with. ``notes``
        (flags on no field) follow, not counted: nothing in the form resolves them;
        ``refreshable``: re-reading Lever may (the Refresh from Lever button)."""
        notes = notes or []
        self.refresh.setVisible(refreshable)
        lines = [f"    ℹ {n}" for n in notes]
        if not flags:
            self.flags.setText("\n".join(["✔ Nothing flagged." if not notes else "✔ Nothing to check.", *lines]))
            return
        items = [f"    ✓ {m}" if done else f"    • {m}" for m, done in flags] + lines
        open_ = sum(not done for _m, done in flags)
        if open_ == 0:
            head = (
                f"✔ {'The flagged answer is' if len(flags) == 1 else f'All {len(flags)} flagged answers are'} checked"
            )
        elif open_ == len(flags):
            head = f"⚠ {open_} to check"
        else:
            head = f"⚠ {open_} of {len(flags)} still to check"
        self.flags.setText("\n".join([head, *items]))

    def set_form(self, widget: QWidget | None) -> None:
        """Show ``widget``; the form shown before is deleted unless ``keep_form`` says it will be
        shown again (a built form reused for the next draft of its template stays hidden here)."""
        self.form_scroll.verticalScrollBar().setValue(0)
        self.form_scroll.horizontalScrollBar().setValue(0)
        if widget is not None and widget is self.form_widget:
            return
        old = self.form_scroll.takeWidget()
        if old is not None:
            if self.keep_form(old):
                old.hide()
                old.setParent(self)
            else:
                old.deleteLater()
        self.form_widget = widget
        if widget is not None:
            self.form_scroll.setWidget(widget)
            widget.show()

    def set_authors(self, choices: list[tuple[str, str | None]], note: str = "") -> None:
        """(label, email to author as — None for the draft's interviewer)."""
        self.author.blockSignals(True)
        self.author.clear()
        for label, email in choices:
            self.author.addItem(for_display(label), email)  # Lever's user names
        self.author.blockSignals(False)
        self.author_note.setText(note)
        self.author_note.setVisible(bool(note))  # no empty line between the author and the buttons

    def chosen_author(self) -> str | None:
        return self.author.currentData()

    def set_own_feedback(self, notices: list[str]) -> None:
        """ "Frances Haddad submitted feedback for this interview 2 days ago": shown with the
        choice to add a second form, unticked each time a draft is shown."""
        self.own_feedback.setText("\n".join(f"⚠ {n}." for n in notices))
        self.own_feedback.setVisible(bool(notices))
        self.second_form.blockSignals(True)
        self.second_form.setChecked(False)
        self.second_form.blockSignals(False)
        self.second_form.setVisible(bool(notices))

    def set_after_submission(self, *, amend: bool, withdraw: bool) -> None:
        """Amend / Withdraw from Lever are offered only for a form Lever holds."""
        self.amend.setVisible(amend)
        self.withdraw.setVisible(withdraw)
        self.discard.setVisible(not (amend or withdraw))

    def set_payload(self, payload: dict[str, Any] | None, problem: str = "") -> None:
        self.preview.setPlainText(json.dumps(payload, indent=2, ensure_ascii=False) if payload else problem)

    def set_actions_enabled(self, enabled: bool, *, approvable: bool | None = None) -> None:
        for b in (self.discard, self.show_payload, self.author):
            b.setEnabled(enabled)
        self.approve.setEnabled(enabled if approvable is None else enabled and approvable)

    def set_outcome(self, text: str, kind: str = "info") -> None:
        colour = {"ok": "#1a7f37", "warn": "#9a6700", "error": "#cf222e"}.get(kind)
        # the text may carry Lever's or the approval's message: plain text, coloured by the style sheet
        self.outcome.setStyleSheet(f"#draftOutcome {{ color: {colour}; }}" if colour else "")
        self.outcome.setText(text)
