"""The Sync button, its progress, the connection status and the offline banner.

The engine's and the scheduler's events arrive on the loop (the GUI thread
under qasync); the listeners are removed in ``close()`` so nothing reaches a
deleted widget. While Lever is unreachable the scheduler retries by itself
(``Retrying`` events); this controller only shows it.

Online/offline is Lever's last real answer to any request (``lever/reachability.py``):
a retry pass that starts is not "reachable again"; its first answer, or an outbox send
that gets through, is.
"""

from __future__ import annotations

import datetime as dt
import time

from PySide6.QtCore import QObject, Signal

from lever_desktop.messages import explain_or_generic, plural
from lever_desktop.sync.events import SyncEvent, SyncState
from lever_desktop.sync.scheduler import Retrying
from lever_desktop.ui.main_window import MainWindow
from lever_desktop.ui.tasks import Supervisor, TaskRunner

RESOURCE_LABELS = {
    "opportunities": "candidates",
    "archive_reasons": "archive reasons",
    "feedback_templates": "feedback forms",
    "tombstones": "deleted candidates",
}


class SyncController(QObject):
    cache_changed = Signal()  # a pass stored something: lists should re-read
    finished = Signal(object)  # SyncReport (tests and the activity log)
    connection_changed = Signal(bool)  # online?
    activity = Signal(str, str)

    def __init__(self, session, runner: TaskRunner, window: MainWindow, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.window = window
        self.engine = session.engine
        self.scheduler = session.scheduler
        self.bootstrapping = False
        self._offline_shown = False
        self._unsubscribe = [self.engine.subscribe(self._event), self.scheduler.subscribe(self._retrying)]
        if self.engine.reachability is not None:
            self._unsubscribe.append(self.engine.reachability.subscribe(lambda _r: self._show_state(self.engine.state)))
        window.sync_action.triggered.connect(self.sync_now)
        if window.offline_banner.button is not None:
            window.offline_banner.button.clicked.connect(self.sync_now)
        self._show_state(self.engine.state)

    def close(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

    def start(self, first_run: bool, supervisor: Supervisor) -> None:
        """Start the periodic scheduler (it syncs at once whatever is due), kept alive by ``supervisor``."""
        self.bootstrapping = first_run
        if first_run:
            self.window.statusBar().showMessage("First sync: downloading your Lever data…")
        supervisor.keep("sync scheduler", self.scheduler.run)

    def sync_now(self) -> None:
        """Ctrl+R: joins the pass that is already running instead of starting a second one."""
        self.scheduler.sync_now()

    # -- engine and scheduler events -----------------------------------------
    def _retrying(self, retry: Retrying) -> None:
        why = "Lever can't be reached" if retry.offline or self.offline() else "The last sync failed"
        self.window.status_connection.setToolTip(f"{why}; trying again in {retry.seconds:.0f} s.")

    def _event(self, event: SyncEvent) -> None:
        if event.kind == "state":
            self._show_state(event.state)
        elif event.kind == "progress":
            self._progress(event)
        elif event.kind in ("finished", "failed", "cancelled"):
            self._done(event)

    def _progress(self, event: SyncEvent) -> None:
        bar = self.window.sync_progress
        label = RESOURCE_LABELS.get(event.resource or "", (event.resource or "").replace("_", " "))
        if event.total:
            bar.setRange(0, max(event.total, event.done))
            bar.setValue(event.done)
            bar.setFormat(f"{label} {event.done:,} / {max(event.total, event.done):,}")
        else:
            bar.setRange(0, 0)  # unknown total: a busy indicator
        bar.setToolTip(f"Syncing {label}")
        if self.bootstrapping:
            self.window.statusBar().showMessage(f"First sync: {label} {event.done:,}…")

    def _done(self, event: SyncEvent) -> None:
        report = event.report
        self.window.sync_progress.setVisible(False)
        if report is not None and report.ok:
            self.show_last_sync(time.time() * 1000)
            stored = sum(report.counts.values())
            self.activity.emit(
                "sync",
                f"finished: {plural(stored, 'record')} updated, "
                f"{plural(report.requests, 'request')}, {report.seconds:.1f} s",
            )
            if self.bootstrapping:
                self.window.statusBar().showMessage("First sync complete.", 5000)
            self.bootstrapping = False
            self.cache_changed.emit()
        elif report is not None and report.error is not None:
            self.activity.emit("sync", f"failed: {explain_or_generic(report.error)}")  # the detail is in the log
            self.cache_changed.emit()  # pages stored before the failure are worth showing
        self.finished.emit(report)

    def show_last_sync(self, at_ms: float | None) -> None:
        label = self.window.status_last_sync
        if at_ms is None:
            label.setText("Not synced yet")
            return
        at = dt.datetime.fromtimestamp(at_ms / 1000)
        label.setText("Last sync " + at.strftime("%H:%M" if at.date() == dt.date.today() else "%b %d %H:%M"))
        label.setToolTip(at.strftime("%Y-%m-%d %H:%M:%S"))

    def offline(self) -> bool:
        """Lever did not answer the last request that got a verdict (a retry pass does not change that)."""
        reachable = self.engine.reachability.reachable if self.engine.reachability is not None else None
        return self.engine.state == SyncState.OFFLINE or (self.engine.state == SyncState.SYNCING and reachable is False)

    def _show_state(self, state: SyncState) -> None:
        w = self.window
        syncing = state == SyncState.SYNCING
        w.sync_progress.setVisible(syncing)
        if syncing:
            w.sync_progress.setRange(0, 0)
            w.sync_progress.setFormat("Syncing…")
        offline = self.offline()
        w.status_connection.setText("○ Offline" if offline else "⟳ Syncing" if syncing else "● Online")
        if not offline:
            w.status_connection.setToolTip("")
        self.update_banner()

    def update_banner(self) -> None:
        offline = self.offline()
        banner = self.window.offline_banner
        if offline and not self._offline_shown:
            banner.set_text(
                "<b>Lever can't be reached.</b> You can keep reviewing from the cache; approvals wait in the "
                "outbox and are sent automatically when Lever is back."
            )
            self.activity.emit("network", "Lever unreachable — working offline")
        elif not offline and self._offline_shown:
            self.activity.emit("network", "Lever reachable again")
        changed = offline != self._offline_shown
        self._offline_shown = offline
        banner.setVisible(offline)
        if changed:
            self.connection_changed.emit(not offline)
