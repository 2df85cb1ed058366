"""Who the person is and what they see: the first run's role question and Settings → Privacy.

Edits go straight into the dialog's ``Settings`` object, which the dialog saves with the rest
(Cancel drops them with it), so these widgets need no save step of their own.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
)

from lever_desktop import config

MAX_RETENTION_DAYS = 3650


class RoleChoice(QGroupBox):
    """ "Do you mainly interview or recruit?" — the default for other people's feedback."""

    def __init__(self, settings: config.Settings, parent=None) -> None:
        super().__init__("How do you mostly use Lever?", parent)
        self.settings = settings
        self.interviewer = QRadioButton("I mainly interview candidates")
        self.recruiter = QRadioButton("I mainly recruit (recruiter, coordinator, hiring manager)")
        note = QLabel(
            "Interviewers don't see other people's feedback and ratings on a candidate's page, as Lever "
            "may hide them until you have submitted your own. You can change this in Settings."
        )
        note.setTextFormat(Qt.TextFormat.PlainText)
        note.setWordWrap(True)
        note.setStyleSheet("color: gray;")
        self.group = QButtonGroup(self)
        layout = QVBoxLayout(self)
        for button, role in ((self.interviewer, "interviewer"), (self.recruiter, "recruiter")):
            self.group.addButton(button)
            button.setChecked(settings.role == role)
            button.toggled.connect(lambda on, role=role: self._chosen(role) if on else None)
            layout.addWidget(button)
        layout.addWidget(note)

    def _chosen(self, role: str) -> None:
        self.settings.role = role
        self.settings.show_others_feedback = None  # the role decides until changed in Settings


class PrivacySettings(QGroupBox):
    def __init__(self, settings: config.Settings, parent=None) -> None:
        super().__init__("Privacy", parent)
        self.settings = settings
        self.show_feedback = QCheckBox("Show other people's feedback and overall ratings on the candidate page")
        self.show_feedback.setChecked(settings.others_feedback_visible)
        hint = QLabel(
            "Lever may hide a panel's feedback from interviewers until they submit their own; this app "
            "reads with the company's key and cannot tell what Lever would show you."
        )
        hint.setTextFormat(Qt.TextFormat.PlainText)
        hint.setWordWrap(True)
        hint.setStyleSheet("color: gray;")
        self.retention = QSpinBox(minimum=1, maximum=MAX_RETENTION_DAYS, suffix=" days")
        self.retention.setValue(settings.submitted_retention_days)
        self.retention.setAccessibleName("Keep submitted drafts' text for")
        form = QFormLayout(self)
        form.addRow(self.show_feedback)
        form.addRow(hint)
        form.addRow("Keep submitted drafts' text", self.retention)
        self.show_feedback.toggled.connect(self._feedback_toggled)
        self.retention.valueChanged.connect(self._retention_changed)

    def _feedback_toggled(self, on: bool) -> None:
        self.settings.show_others_feedback = on

    def _retention_changed(self, days: int) -> None:
        self.settings.submitted_retention_days = days
