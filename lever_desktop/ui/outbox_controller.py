"""The outbox page: what waits to be sent, what each flush did, and what was sent.

The outbox runs its own loop (``Outbox.run``, kept alive by the Supervisor) and
tells its listeners about each flush; this controller subscribes, bridges the
event to the GUI through a signal, and turns the report into rows and words.
The page's actions (Retry now, Cancel, Open the draft, Open in Lever) decide
nothing themselves: ``review/outbox_actions.py`` says what an entry allows.
"""

from __future__ import annotations

import asyncio

from PySide6.QtCore import QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices

from lever_desktop.lever.urls import candidate_page
from lever_desktop.messages import explain_or_generic, in_words
from lever_desktop.review import lists, outbox_actions
from lever_desktop.review.drafts import now_ms
from lever_desktop.review.lifecycle import CHECKING, STATUS_WORDS, UNDO_GRACE, attention_words
from lever_desktop.review.outbox import OutboxEvent
from lever_desktop.ui.outbox_page import OutboxPage, OutboxRow, SentRow
from lever_desktop.ui.table_models import KEY_ROLE, format_ms_short
from lever_desktop.ui.tasks import Supervisor, TaskRunner

# What the selected row's status allows; the core re-checks in the same transaction as the worker.
RETRYABLE = frozenset({"approved", UNDO_GRACE, "checking", "amend_queued", "withdrawing"})
CANCELLABLE = frozenset({"approved", UNDO_GRACE, "needs_attention"})


class OutboxController(QObject):
    flushed = Signal(object)  # FlushReport
    draft_moved = Signal(str)  # draft id whose state the outbox changed
    activity = Signal(str, str)
    open_draft = Signal(str)  # draft id the person wants to see in the review pane
    cancelled = Signal(str)  # draft id taken back to review from the outbox
    _outbox_event = Signal(object)  # OutboxEvent, from the core's listener list to the GUI

    def __init__(self, session, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.page = OutboxPage()
        # An approval's Undo grace ends without any outbox event: while one is shown, look again
        # each second, so "Approved (Undo)" turns "Queued" when the grace is over, as in the list.
        self._grace_timer = QTimer(self)
        self._grace_timer.setSingleShot(True)
        self._grace_timer.setInterval(1000)
        self._grace_timer.timeout.connect(self.reload)
        self._statuses: dict[str, str] = {}  # draft id -> status (a key of STATUS_WORDS) of the pending rows
        self._opportunities: dict[str, str] = {}  # draft id -> opportunity id of the sent rows
        self.task: asyncio.Task | None = None
        self._outbox_event.connect(self._flush_done)
        self._unsubscribe = session.outbox.subscribe(self._outbox_event.emit)
        p = self.page
        p.pending.table.selectionModel().selectionChanged.connect(lambda *_: self._pending_selected())
        p.sent.table.selectionModel().selectionChanged.connect(lambda *_: self._sent_selected())
        p.retry.clicked.connect(self.retry_selected)
        p.cancel.clicked.connect(self.cancel_selected)
        p.open_draft.clicked.connect(lambda: self._open(p.pending.selected_key()))
        p.open_sent_draft.clicked.connect(lambda: self._open(p.sent.selected_key()))
        p.open_in_lever.clicked.connect(self.open_selected_in_lever)
        p.pending.table.doubleClicked.connect(lambda index: self._open(index.data(KEY_ROLE)))
        p.sent.table.doubleClicked.connect(lambda index: self._open(index.data(KEY_ROLE)))
        if candidate_page(self._base_url(), "x") is None:
            p.open_in_lever.setToolTip(
                "There is no Lever web app to open for this account (the sandbox, or a custom API host)"
            )

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
        named = [
            *report.submitted,
            *report.reconciled,
            *report.rejected,
            *report.drifted,
            *report.gone,
            *report.duplicates,
            *report.readback_differences,
            *changed,
        ]
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
            self.activity.emit(
                "outbox",
                f"not sent: the interviewer wrote their own form for {label(draft_id)} "
                "in Lever after approval — it needs your attention",
            )
        for draft_id in report.amended:
            self.activity.emit("outbox", f"amended {label(draft_id)} in Lever")
        for draft_id in report.withdrawn:
            self.activity.emit("outbox", f"withdrew {label(draft_id)} from Lever")
        for draft_id, diffs in report.readback_differences.items():
            self.activity.emit("outbox", f"Lever stored {label(draft_id)} differently: {diffs}")
        if report.paused:
            self.activity.emit("outbox", report.paused.get("message", "outbox paused"))
        self._fill(await self.session.store.call(lists.outbox_list))
        if named:  # something moved: a form may have joined (or left) the Sent history
            self._fill_sent(await self.session.store.call(outbox_actions.sent_history))
        for draft_id in report.gone:
            self.activity.emit("outbox", f"{label(draft_id)}: {attention_words('opportunity_gone')}")
        for draft_id, extra in report.duplicates.items():
            self.activity.emit(
                "outbox",
                f"Lever holds {label(draft_id)} {1 + len(extra)} times: "
                "remove the duplicate from the draft's review pane",
            )
        for draft_id in set(
            report.submitted
            + report.reconciled
            + report.rejected
            + report.drifted
            + report.retrying
            + report.gone
            + list(report.duplicates)
            + changed
        ):
            self.draft_moved.emit(draft_id)
        self.flushed.emit(report)

    def reload(self) -> None:
        self.runner.run(
            self.session.store.call(lists.outbox_list), owner=self.page, on_success=self._fill, name="load outbox"
        )
        self.runner.run(
            self.session.store.call(outbox_actions.sent_history),
            owner=self.page,
            on_success=self._fill_sent,
            name="load sent history",
        )

    def _fill(self, rows: list[tuple]) -> None:
        self._statuses = {r[0]: r[2] for r in rows}
        if UNDO_GRACE in self._statuses.values():
            self._grace_timer.start()
        self.page.model.set_rows(
            [
                OutboxRow(
                    draft_id,
                    name,
                    lists.DRAFT_STATE_LABELS.get(state) or state,
                    attention_words(reason) if reason else self._resent_after(state, sent_at),
                    attempts or 0,
                    in_words(error, brief=True),
                    approved,
                )
                for draft_id, name, state, reason, attempts, error, approved, _fid, sent_at in rows
            ]
        )
        self._pending_selected()

    def _resent_after(self, status: str, sent_at: int | None) -> str:
        """While checking after a lost answer: when the form may be sent again (the page said only
        "Checking whether Lever stored it…", for up to the settle window's ten minutes)."""
        if status != CHECKING or not sent_at:
            return ""
        again = format_ms_short(sent_at + self.session.outbox.settle_window_ms)
        return f"Sent again after {again}, only if Lever does not hold it by then"

    def _fill_sent(self, forms: list[outbox_actions.SentForm]) -> None:
        self._opportunities = {f.draft_id: f.opportunity_id for f in forms}
        self.page.sent.model.set_rows(
            [
                SentRow(
                    f.draft_id,
                    f.candidate,
                    f.form,
                    f.interviewer,
                    f.sent_at,
                    f.feedback_id,
                    STATUS_WORDS.get(f.status, f.status),
                )
                for f in forms
            ]
        )
        self._sent_selected()

    # -- actions on the selected row ------------------------------------------------------------
    def _pending_selected(self) -> None:
        p = self.page
        status = self._statuses.get(p.pending.selected_key() or "")
        p.retry.setEnabled(status in RETRYABLE)
        p.cancel.setEnabled(status in CANCELLABLE)
        p.open_draft.setEnabled(status is not None)

    def _sent_selected(self) -> None:
        p = self.page
        draft_id = p.sent.selected_key()
        p.open_sent_draft.setEnabled(draft_id is not None)
        p.open_in_lever.setEnabled(draft_id in self._opportunities and self._lever_page(draft_id) is not None)

    def retry_selected(self) -> None:
        self._on_selected(self._retry, "retry now")

    def cancel_selected(self) -> None:
        self._on_selected(self._cancel, "cancel outbox entry")

    def _on_selected(self, action, name: str) -> None:
        draft_id = self.page.pending.selected_key()
        if draft_id is not None:
            self.runner.run(action(draft_id), owner=self.page, name=name)

    async def _retry(self, draft_id: str) -> None:
        try:
            said = await self.session.store.call(outbox_actions.retry_now, draft_id, self.session.reviewer, now_ms())
        except outbox_actions.OutboxActionRefused as e:
            self.page.message.setText(str(e))
            return
        self.page.message.setText(said)
        self.wake()  # only this entry is due now: the others keep their back-off

    async def _cancel(self, draft_id: str) -> None:
        try:
            await self.session.store.call(outbox_actions.cancel, draft_id, self.session.reviewer)
        except outbox_actions.OutboxActionRefused as e:
            self.page.message.setText(str(e))
            return
        labels = await self.session.store.call(lists.draft_labels, [draft_id])
        label = labels.get(draft_id, f"draft {draft_id}")
        self.page.message.setText(f"{label} is back in review; nothing was sent.")
        self.activity.emit("outbox", f"cancelled {label}: back to review, nothing sent")
        self.reload()
        self.cancelled.emit(draft_id)

    def _open(self, draft_id: str | None) -> None:
        if draft_id:
            self.open_draft.emit(draft_id)

    def _base_url(self) -> str | None:
        account = self.session.account
        return None if account is None or self.session.sandbox else account.base_url

    def _lever_page(self, draft_id: str) -> str | None:
        opportunity_id = self._opportunities.get(draft_id)
        return candidate_page(self._base_url(), opportunity_id) if opportunity_id else None

    def open_selected_in_lever(self) -> None:
        url = self._lever_page(self.page.sent.selected_key() or "")
        if url is not None:
            QDesktopServices.openUrl(QUrl(url))
