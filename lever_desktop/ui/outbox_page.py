"""The outbox page's layout: what waits to be sent (with Retry now, Cancel, Open the draft), and
the Sent history (with Open in Lever). A view only: ``OutboxController`` fills and wires it."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from lever_desktop.ui.pages import TablePage
from lever_desktop.ui.plain import plain_label
from lever_desktop.ui.table_models import Column, format_ms


class OutboxRow(NamedTuple):
    """One line of the outbox page."""

    draft_id: str
    candidate: str | None
    state: str
    why: str
    attempts: int
    last_error: str
    approved: int | None


class SentRow(NamedTuple):
    """One line of the Sent history (``outbox_actions.SentForm`` in words)."""

    draft_id: str
    candidate: str | None
    form: str | None
    interviewer: str | None
    sent: int | None
    feedback_id: str | None
    state: str


COLUMNS = (
    Column("Candidate", "candidate"),
    Column("State", "state"),
    Column("Why", "why"),
    Column("Attempts", "attempts"),
    Column("Last error", "last_error"),
    Column("Approved", "approved", time=format_ms),
)
SENT_COLUMNS = (
    Column("Candidate", "candidate"),
    Column("Form", "form"),
    Column("Interviewer", "interviewer"),
    Column("Sent", "sent", time=format_ms),
    Column("State", "state"),
    Column("Lever feedback id", "feedback_id"),
)


def _button(text: str, tip: str) -> QPushButton:
    button = QPushButton(text)
    button.setToolTip(tip)
    button.setEnabled(False)  # until a row is chosen
    return button


class OutboxPage(QWidget):
    """Two tables, one above the other, each with the actions on its selected row."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.pending = TablePage(
            COLUMNS,
            key="draft_id",
            title="Approved feedback on its way to Lever, and anything that needs you.",
            sort=("approved", Qt.SortOrder.AscendingOrder),
        )
        self.model = self.pending.model  # the pending rows, as before this page had a history
        self.retry = _button(
            "Retry now",
            "Try this one again now (within Lever's rate limit). A send whose "
            "answer was lost is checked in Lever first, never sent twice.",
        )
        self.cancel = _button("Cancel", "Take it back to review; possible only while Lever is known not to hold it")
        self.open_draft = _button("Open the draft", "Show this draft in the review pane")
        self.message = plain_label()  # Lever's or the outbox's words
        self.message.setWordWrap(True)
        actions = QHBoxLayout()
        for button in (self.retry, self.cancel, self.open_draft):
            actions.addWidget(button)
        actions.addWidget(self.message, 1)
        self.pending.body.addLayout(actions)

        self.sent = TablePage(
            SENT_COLUMNS,
            key="draft_id",
            title="Sent: forms this computer put into Lever.",
            sort=("sent", Qt.SortOrder.DescendingOrder),
        )
        self.open_in_lever = _button(
            "Open in Lever", "Open the candidate's page in Lever's web app, where the form is under Feedback"
        )
        self.open_sent_draft = _button("Open the draft", "Show this draft in the review pane")
        sent_actions = QHBoxLayout()
        sent_actions.addWidget(self.open_in_lever)
        sent_actions.addWidget(self.open_sent_draft)
        sent_actions.addStretch(1)
        self.sent.body.addLayout(sent_actions)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.pending)
        self.splitter.addWidget(self.sent)
        self.splitter.setSizes([400, 300])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
