"""The outbox page: what waits to be sent, and what each flush did.

The outbox runs its own loop (``Outbox.run``, kept alive by the Supervisor) and
tells its listeners about each flush; this controller subscribes, bridges the
event to the GUI through a signal, and turns the report into rows and words.
"""

from __future__ import annotations

import asyncio
from typing import NamedTuple

from PySide6.QtCore import QObject, Qt, Signal

from lever_desktop.messages import explain_or_generic, in_words
from lever_desktop.review.lifecycle import attention_words
from lever_desktop.review import lists
from lever_desktop.review.outbox import OutboxEvent
from lever_desktop.ui.pages import TablePage
from lever_desktop.ui.table_models import Column, format_ms
from lever_desktop.ui.tasks import Supervisor, TaskRunner


class OutboxRow(NamedTuple):
    """One line of the outbox page."""

    draft_id: str
    candidate: str | None
    state: str
    why: str
    attempts: int
    last_error: str
    approved: int | None


COLUMNS = (Column("Candidate", "candidate"), Column("State", "state"), Column("Why", "why"),
           Column("Attempts", "attempts"), Column("Last error", "last_error"),
           Column("Approved", "approved", time=format_ms))


class OutboxController(QObject):
    flushed = Signal(object)  # FlushReport
    draft_moved = Signal(str)  # draft id whose state the outbox changed
    unreachable = Signal(bool)
    activity = Signal(str, str)
    _outbox_event = Signal(object)  # OutboxEvent, from the core's listener list to the GUI

    def __init__(self, session, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.page = TablePage(COLUMNS, key="draft_id",
                              title="Approved feedback on its way to Lever, and anything that needs you.",
                              sort=("approved", Qt.SortOrder.AscendingOrder))
        self.task: asyncio.Task | None = None
        self._outbox_event.connect(self._flush_done)
        self._unsubscribe = session.outbox.subscribe(self._outbox_event.emit)

    def start(self, supervisor: Supervisor) -> None:
        self.task = supervisor.keep("outbox", self.session.outbox.run)

    def close(self) -> None:
        self._unsubscribe()

    def wake(self, *, now: bool = False) -> None:
        """Something was approved (or Lever is back): flush soon; ``now`` ignores back-off."""
        self.session.outbox.wake(now=now)

    def _flush_done(self, event: OutboxEvent) -> None:
        if event.error is not None:
            self.activity.emit("outbox", f"flush failed: {explain_or_generic(event.error)}")  # details: the log
        else:
            self.runner.run(self._reported(event.report), owner=self.page, name="outbox report")

    async def _reported(self, report) -> None:
        changed = [*report.own_feedback, *report.amended, *report.withdrawn]
        named = [*report.submitted, *report.reconciled, *report.rejected, *report.drifted, *report.gone,
                 *report.duplicates, *report.readback_differences, *changed]
        labels = await self.session.store.call(lists.draft_labels, named) if named else {}

        def label(draft_id: str) -> str:
            return labels.get(draft_id, f"draft {draft_id}")

        for draft_id in report.submitted + report.reconciled:
            self.activity.emit("outbox", f"submitted {label(draft_id)} to Lever")
        for draft_id in report.rejected:
            self.activity.emit("outbox", f"Lever rejected {label(draft_id)}: it needs your attention")
        for draft_id in report.drifted:
            self.activity.emit("outbox", f"the form of {label(draft_id)} changed in Lever: back to review")
        for draft_id in report.own_feedback:
            self.activity.emit("outbox", f"not sent: the interviewer wrote their own form for {label(draft_id)} "
                                         "in Lever after approval — it needs your attention")
        for draft_id in report.amended:
            self.activity.emit("outbox", f"amended {label(draft_id)} in Lever")
        for draft_id in report.withdrawn:
            self.activity.emit("outbox", f"withdrew {label(draft_id)} from Lever")
        for draft_id, diffs in report.readback_differences.items():
            self.activity.emit("outbox", f"Lever stored {label(draft_id)} differently: {diffs}")
        if report.paused:
            self.activity.emit("outbox", report.paused.get("message", "outbox paused"))
        rows = await self.session.store.call(lists.outbox_list)
        unreachable = any(str(r[5] or "").startswith("LeverUnavailable") and r[2] == "approved" for r in rows)
        self.unreachable.emit(unreachable and not (report.submitted or report.reconciled))
        self._fill(rows)
        for draft_id in report.gone:
            self.activity.emit("outbox", f"{label(draft_id)}: {attention_words('opportunity_gone')}")
        for draft_id, extra in report.duplicates.items():
            self.activity.emit("outbox", f"Lever holds {label(draft_id)} {1 + len(extra)} times: "
                                         "remove the duplicate from the draft's review pane")
        for draft_id in set(report.submitted + report.reconciled + report.rejected + report.drifted + report.retrying
                            + report.gone + list(report.duplicates) + changed):
            self.draft_moved.emit(draft_id)
        self.flushed.emit(report)

    def reload(self) -> None:
        self.runner.run(self.session.store.call(lists.outbox_list), owner=self.page, on_success=self._fill,
                        name="load outbox")

    def _fill(self, rows: list[tuple]) -> None:
        self.page.model.set_rows(
            [OutboxRow(draft_id, name, lists.DRAFT_STATE_LABELS.get(state, state),
                       attention_words(reason) if reason else "", attempts or 0, in_words(error, brief=True), approved)
             for draft_id, name, state, reason, attempts, error, approved, _fid in rows])
