"""Feedback due: the page's rows and filters, Write feedback, Draft with AI, and keeping it current.

The rows come from the cache (``review.due``); after each sync pass the recent-interviews pass
(``sync.recent_interviews``, its request budget is described there) reads what is stale from
Lever, and the page reloads. Write feedback makes the slot's blank hand-written draft
(``review.manual``) and asks the window to open it in the Drafts page; Draft with AI opens the
transcript dialog, whose draft is opened the same way.
"""

from __future__ import annotations

import logging
import time
from typing import NamedTuple

from PySide6.QtCore import QObject, Signal

from lever_desktop.lever.errors import LeverError
from lever_desktop.review import due, manual
from lever_desktop.review.lifecycle import STATUS_WORDS
from lever_desktop.sync.recent_interviews import RecentInterviews
from lever_desktop.ui.pages import DuePage
from lever_desktop.ui.table_models import Column, format_ms

_log = logging.getLogger(__name__)


NO_EMAIL = "Add your email in Settings (Ctrl+,) to see only your interviews."


class DueLine(NamedTuple):
    """One line of the page."""

    key: str
    candidate: str | None
    interview: str | None
    interviewer: str | None
    date: int
    due: str
    posting: str | None
    draft: str | None


COLUMNS = (
    Column("Candidate", "candidate", width=150),
    Column("Interview", "interview", width=200),
    Column("Interviewer", "interviewer", width=140),
    Column("Date", "date", time=format_ms),
    Column("Due", "due", width=130),
    Column("Posting", "posting", width=150),
    Column("Draft", "draft"),
)


def line(row: due.DueRow, now: int) -> DueLine:
    marker = due.describe_due(row, now)
    return DueLine(
        row.key,
        row.candidate or row.opportunity_id,
        row.subject or "Interview",
        row.interviewer,
        row.date,
        f"⚠ {marker}" if row.overdue else marker,
        row.posting,
        STATUS_WORDS.get(row.draft_state or "", row.draft_state),
    )  # the Drafts page's words


class DueController(QObject):
    open_draft = Signal(str)  # a draft id the Drafts page should open
    counted = Signal(int)  # open slots (unfiltered): the navigation's label
    loaded = Signal()  # the rows on the page are current (tests wait on it)

    def __init__(self, session, runner, parent=None) -> None:
        super().__init__(parent)
        self.session, self.runner = session, runner
        self.page = DuePage(COLUMNS)
        self.rows: dict[str, due.DueRow] = {}  # key -> slot, of the lines shown
        self._all: list[due.DueRow] = []
        self.recent = (
            RecentInterviews(session.engine, lookback_days=session.settings.feedback_due_lookback_days)
            if session.engine is not None
            else None
        )
        self.page.filterChanged.connect(self._show)
        self.page.write.clicked.connect(lambda: self.write_feedback())
        self.page.draft_ai.clicked.connect(self.draft_with_ai)
        self.page.list.table.doubleClicked.connect(lambda _index: self.write_feedback())
        # the selection, not the current row: a click moves the current row before it selects it,
        # and the buttons read the selection (they stayed greyed out under a clicked row)
        self.page.list.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        self._enable()

    # -- rows ----------------------------------------------------------------
    def reload(self) -> None:
        s = self.session.settings
        work = self.session.store.call(due.open_slots, _now(), s.feedback_due_hours, s.feedback_due_lookback_days)
        self.runner.run(work, owner=self.page, on_success=self._loaded, name="load feedback due", latest="due")

    def _loaded(self, rows: list[due.DueRow]) -> None:
        self._all = rows
        choices = due.choices(rows)
        self.page.set_choices("interviewer", choices["interviewer"])
        self.page.set_choices("posting", choices["posting"])
        self.counted.emit(len(rows))
        self._show()
        self.loaded.emit()

    def mine_email(self) -> str | None:
        email = str(self.session.settings.extra.get("reviewer_email") or "").strip()
        return email or None

    def _show(self) -> None:
        page, mine = self.page, None
        if page.mine.isChecked():
            mine = self.mine_email()
            if mine is None:
                page.note.setText(NO_EMAIL)
        elif page.note.text() == NO_EMAIL:
            page.note.setText("")
        where = due.DueFilter(page.interviewer.currentData(), page.posting.currentData(), mine)
        rows = due.matching(self._all, where)
        now = _now()
        self.rows = {r.key: r for r in rows}
        page.list.model.set_rows([line(r, now) for r in rows])
        overdue = sum(r.overdue for r in rows)
        page.count.setText(f"{len(rows)} waiting, {overdue} overdue")
        self._enable()

    def selected(self) -> due.DueRow | None:
        key = self.page.list.selected_key()
        return None if key is None else self.rows.get(key)

    def _enable(self) -> None:
        row = self.selected()
        self.page.write.setEnabled(row is not None)
        # A draft of this form already waits here: open it rather than start a second form.
        self.page.write.setText("Open its draft" if row is not None and row.draft_id else "Write feedback")
        self.page.draft_ai.setEnabled(row is not None and self.session.store is not None)

    # -- from Lever ----------------------------------------------------------
    def refresh_from_lever(self) -> None:
        """Read what is stale (after a sync pass), then show it; Lever unreachable only leaves the
        cache's rows (the sync's banner says so)."""
        if self.recent is None:
            return

        def failed(e: BaseException) -> bool:
            if isinstance(e, LeverError):
                _log.info("feedback due: reading recent interviews failed: %s", e)
                return True
            return False

        self.runner.run(
            self.recent.run(),
            owner=self.page,
            on_success=lambda _report: self.reload(),
            on_failure=failed,
            name="recent interviews",
        )

    # -- actions -------------------------------------------------------------
    def write_feedback(self, row: due.DueRow | None = None) -> None:
        """The selected slot's form, or ``row``'s (from its Draft with AI dialog) while it is still due."""
        if row is not None:
            asked, row = row, next((r for r in self._all if r.key == row.key), None)  # as the page knows it now
            if row is None:
                # Cancelled or written in Lever while its dialog was open; the selection has moved
                # on to another slot, whose form this is not.
                self.page.note.setText(
                    f"{asked.subject or 'This interview'} is no longer waiting for feedback "
                    "(cancelled, or written in Lever); nothing was started."
                )
                return
        row = row or self.selected()
        if row is None:
            return
        if row.draft_id:
            self.open_draft.emit(row.draft_id)
            return
        self.page.write.setEnabled(False)
        self.page.note.setText("Opening the form…")
        work = manual.write_feedback(
            self.session.store,
            row,
            engine=self.session.engine,
            confidence_threshold=self.session.settings.confidence_threshold,
        )
        self.runner.run(
            work, owner=self.page, on_success=self._opened, on_failure=self._not_opened, name="write feedback"
        )

    def _opened(self, draft_id: str) -> None:
        self.page.note.setText("")
        self._enable()
        self.open_draft.emit(draft_id)
        self.reload()

    def _not_opened(self, e: BaseException) -> bool:
        self._enable()
        if isinstance(e, (manual.BlankFormError, LeverError)):
            self.page.note.setText(str(e))
            return True
        self.page.note.setText("")
        return False

    def draft_with_ai(self) -> None:
        row = self.selected()
        if row is None:
            return
        from lever_desktop.ui.draft_ai_dialog import DraftWithAIDialog

        dialog = DraftWithAIDialog(self.session, self.runner, row, self.page)
        dialog.drafted.connect(self._ai_drafted)
        dialog.write_by_hand.connect(self.write_feedback)
        dialog.open()

    def _ai_drafted(self, draft_id: str) -> None:
        self.open_draft.emit(draft_id)
        self.reload()


def _now() -> int:
    return int(time.time() * 1000)
