"""Draft with AI: pick the interview's transcript, see what will be sent and to whom, draft, review.

Nothing is sent before the person presses Draft. The dialog names the provider the data goes to,
can show the exact request ("Show what will be sent"), and can replace the candidate's name with
"the candidate" first. While the model works a busy bar and Cancel show; a fault reads in plain
words with Retry and Write by hand. The draft itself goes through the same intake as any other
(``drafting.drafter``) and opens in the Drafts page.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
)

from lever_desktop import resources
from lever_desktop.drafting.drafter import (
    DraftingError,
    draft_interview,
    preview_request,
)
from lever_desktop.drafting.providers import ProviderConfigError, ProviderError
from lever_desktop.drafting.readers import read_transcript
from lever_desktop.drafting.transcript import Transcript, TranscriptError
from lever_desktop.review.due import DueRow
from lever_desktop.ui.due_settings import show_provider
from lever_desktop.ui.plain import plain_label
from lever_desktop.ui.tasks import in_thread

_log = logging.getLogger(__name__)
TRANSCRIPT_FILES = "Transcripts (*.vtt *.srt *.txt *.docx);;All files (*)"
EXPECTED = (DraftingError, ProviderConfigError, ProviderError, TranscriptError, OSError)


def sample_transcript(row: DueRow, folder: Path | None = None) -> Path | None:
    """The sandbox's sample transcript for this interview (``resources/transcripts/index.json``):
    the one made for it, else one made for the same form (the sandbox names interviews "<form> with
    <candidate>"), else the first; None when none ships."""
    if folder is None:
        try:
            folder = resources.resource_path("transcripts")
        except FileNotFoundError:
            return None
    try:
        index = json.loads((folder / "index.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entries = [
        e
        for e in (index.get("transcripts") if isinstance(index, dict) else None) or []
        if isinstance(e, dict) and isinstance(e.get("file"), str) and (folder / e["file"]).is_file()
    ]
    subject = (row.subject or "").casefold()
    for fits in (
        lambda e: e.get("interviewId") == row.interview_id,
        lambda e: isinstance(e.get("template"), str) and subject.startswith(e["template"].casefold()),
    ):
        found = next((e for e in entries if fits(e)), None)
        if found is not None:
            return folder / found["file"]
    return folder / entries[0]["file"] if entries else None


class DraftWithAIDialog(QDialog):
    drafted = Signal(str)  # the new draft's id
    write_by_hand = Signal(object)  # this dialog's DueRow: the page's selection may have moved since

    def __init__(self, session, runner, row: DueRow, parent=None) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.session, self.runner, self.row = session, runner, row
        self.transcript: Transcript | None = None
        self._provider: Any = None
        self._task = None
        self.setWindowTitle("Draft with AI")
        self.resize(640, 420)
        title = plain_label(
            f"{row.subject or 'Interview'} — {row.candidate or row.opportunity_id}, "
            f"feedback of {row.interviewer or row.interviewer_email}"
        )
        self.provider = plain_label()
        self.path = QLineEdit(readOnly=True, placeholderText="No transcript chosen")
        self.choose = QPushButton("Choose transcript…")
        self.sample = QPushButton("Use the sample transcript")
        self.sample_path = sample_transcript(row) if session.sandbox else None
        self.sample.setVisible(self.sample_path is not None)
        self.anonymise = QCheckBox("Anonymise the candidate (their name is sent as “the candidate”)")
        self.show_sent = QPushButton("Show what will be sent")
        self.preview = QPlainTextEdit(readOnly=True)
        self.preview.setAccessibleName("What will be sent")
        self.preview.hide()
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.hide()
        self.status = plain_label()
        self.draft = QPushButton("Draft")
        self.draft.setDefault(True)
        self.retry = QPushButton("Retry")
        self.by_hand = QPushButton("Write by hand")
        self.cancel = QPushButton("Cancel")
        for label in (title, self.provider, self.status):  # names from Lever, errors from a provider
            label.setWordWrap(True)
        pick = QHBoxLayout()
        pick.addWidget(self.path, 1)
        pick.addWidget(self.choose)
        pick.addWidget(self.sample)
        buttons = QHBoxLayout()
        buttons.addWidget(self.show_sent)
        buttons.addStretch(1)
        for b in (self.retry, self.by_hand, self.draft, self.cancel):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        for w in (title, self.provider):
            layout.addWidget(w)
        layout.addLayout(pick)
        layout.addWidget(self.anonymise)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.busy)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        self.choose.clicked.connect(self._choose)
        self.sample.clicked.connect(lambda: self.use_file(str(self.sample_path)))
        self.show_sent.clicked.connect(self.show_request)
        self.anonymise.toggled.connect(lambda _on: self.preview.isVisible() and self.show_request())
        self.draft.clicked.connect(self.start)
        self.retry.clicked.connect(self.start)
        self.by_hand.clicked.connect(self._by_hand)
        self.cancel.clicked.connect(self._cancel)
        self._show_provider()
        self._set_state("idle")

    # -- what and where ------------------------------------------------------
    def _show_provider(self) -> None:
        self._provider = None

        def known(provider: Any) -> None:
            self._provider = provider
            self._set_state("idle")

        show_provider(self.runner, self.session.settings, self.provider, "Sent to: ", known)

    def _choose(self) -> None:
        dialog = QFileDialog(self, "Choose the interview's transcript", "", TRANSCRIPT_FILES)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(self.use_file)
        dialog.open()

    def use_file(self, path: str) -> None:
        self.status.setText("Reading the transcript…")

        def read(t: Transcript) -> None:
            self.transcript = t
            self.path.setText(path)
            self.status.setText(f"{len(t.lines)} lines of transcript.")
            self._set_state("idle")
            if self.preview.isVisible():
                self.show_request()

        self.runner.run(
            in_thread(read_transcript, path),
            owner=self,
            on_success=read,
            on_failure=self._failed,
            name="read transcript",
        )

    def _plan(self) -> dict[str, Any]:
        # The draft is this slot's interviewer's: the drafter writes for the session's reviewer when
        # they are on the interview, so it is told who that is here.
        view = SimpleNamespace(
            settings=self.session.settings,
            store=self.session.store,
            engine=self.session.engine,
            reviewer=self.row.interviewer_email or self.session.reviewer,
        )
        return {
            "session": view,
            "opportunity_id": self.row.opportunity_id,
            "interview_id": self.row.interview_id,
            "template_id": self.row.template_id,
            "transcript": self.transcript,
            "anonymize": self.anonymise.isChecked(),
            "provider": self._provider,
        }

    def show_request(self) -> None:
        if self.transcript is None or self._provider is None:
            return
        plan = self._plan()
        session = plan.pop("session")

        def shown(text: str) -> None:
            self.preview.setPlainText(text)
            self.preview.show()

        self.runner.run(
            preview_request(session, **plan),
            owner=self,
            on_success=shown,
            on_failure=self._failed,
            name="preview drafting request",
        )

    # -- drafting ------------------------------------------------------------
    def start(self) -> None:
        if self.transcript is None or self._provider is None:
            return
        plan = self._plan()
        session = plan.pop("session")
        self._set_state("drafting")
        self.status.setText(f"Drafting with {self._provider.label}… this can take a minute.")
        self._task = self.runner.run(
            draft_interview(session, **plan),
            owner=self,
            on_success=self._done,
            on_failure=self._failed,
            name="draft with AI",
        )

    def _done(self, outcome: Any) -> None:
        self._task = None
        if outcome.draft_id:
            self.drafted.emit(outcome.draft_id)
            self.accept()
            return
        self._set_state("failed")
        self.status.setText("No draft: " + " ".join(outcome.problems or ["the model sent nothing usable."]))

    def _failed(self, e: BaseException) -> bool:
        self._task = None
        if not isinstance(e, EXPECTED):
            self._set_state("failed")
            return False
        self._set_state("failed" if self.transcript is not None else "idle")
        self.status.setText(str(e))
        return True

    def _cancel(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()  # nothing reached review; the provider's answer, if any, is dropped
            self._task = None
            self._set_state("idle")
            self.status.setText("Cancelled. Nothing was saved.")
            return
        self.reject()

    def done(self, result: int) -> None:
        # Closed while drafting: the work stops with the dialog, so nothing lands in review unseen.
        if self._task is not None and not self._task.done():
            self._task.cancel()
        self._task = None
        super().done(result)

    def _by_hand(self) -> None:
        self.write_by_hand.emit(self.row)
        self.accept()

    def _set_state(self, state: str) -> None:
        drafting, failed = state == "drafting", state == "failed"
        ready = self.transcript is not None and self._provider is not None
        self.busy.setVisible(drafting)
        self.draft.setVisible(not failed)
        self.draft.setEnabled(ready and not drafting)
        self.retry.setVisible(failed)
        self.by_hand.setVisible(failed)
        self.show_sent.setEnabled(ready and not drafting)
        for w in (self.choose, self.sample, self.anonymise):
            w.setEnabled(not drafting)
