"""The outbox: send approved drafts, retry on Lever's schedule, show what waits.

One long-lived task flushes the outbox whenever something is approved, when
Lever becomes reachable again, or when the earliest back-off is due.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import NamedTuple

from PySide6.QtCore import QObject, Qt, Signal

from lever_desktop.review.lifecycle import attention_words
from lever_desktop.review import lists
from lever_desktop.ui.pages import TablePage
from lever_desktop.ui.table_models import Column, format_ms
from lever_desktop.ui.tasks import Supervisor, TaskRunner

_log = logging.getLogger(__name__)


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

IDLE_RECHECK_S = 60.0


class OutboxController(QObject):
    flushed = Signal(object)  # FlushReport
    draft_moved = Signal(str)  # draft id whose state the outbox changed
    unreachable = Signal(bool)
    activity = Signal(str, str)

    def __init__(self, session, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.page = TablePage(COLUMNS, key="draft_id",
                              title="Approved feedback on its way to Lever, and anything that needs you.",
                              sort=("approved", Qt.SortOrder.AscendingOrder))
        self._wake = asyncio.Event()
        self._send_now = False
        self.task: asyncio.Task | None = None

    def start(self, supervisor: Supervisor) -> None:
        self.task = supervisor.keep("outbox", self._loop)

    def wake(self, *, now: bool = False) -> None:
        """Something was approved (or Lever is back): flush soon; ``now`` ignores back-off."""
        self._send_now = self._send_now or now
        self._wake.set()

    async def _loop(self) -> None:
        while True:
            self._wake.clear()
            send_now, self._send_now = self._send_now, False
            try:
                report = await self.session.outbox.flush(ignore_schedule=send_now)
            except Exception as e:  # noqa: BLE001 - the loop must survive; the person is told once
                _log.warning("outbox flush failed: %s", e, exc_info=True)
                self.activity.emit("outbox", f"flush failed: {e}")
                report = None
            if report is not None:
                await self._reported(report)
            due = await self.session.outbox.next_due()  # new forms, amendments and withdrawals
            timeout = IDLE_RECHECK_S if due is None else min(IDLE_RECHECK_S, max(0.2, (due - _now()) / 1000))
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancel that lands
            # just as the event is set (gh-86296), and quitting then hung until the next recheck.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    await self._wake.wait()

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
            self.activity.emit("outbox", f"Lever holds {label(draft_id)} twice (extra form {', '.join(extra)}): "
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
                       attention_words(reason) if reason else "", attempts or 0, error or "", approved)
             for draft_id, name, state, reason, attempts, error, approved, _fid in rows])


def _now() -> int:
    return int(time.time() * 1000)
