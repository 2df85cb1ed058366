"""Wires the main window: pages, counts, background services, tray, menus.

The counts in the navigation and status bar are re-read when something that
changes them says so (an approval or edit, an outbox flush, a sync pass, a relay
batch, an import), not on a timer.

Each area has its own controller (candidates, drafts, outbox, sync); this one
connects them to each other and to the window, and starts the long-lived
tasks (sync scheduler, outbox, relay poller) through one Supervisor: quitting
cancels and awaits them, and one that fails unexpectedly restarts with back-off
while the status bar says so.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFileDialog, QMessageBox, QSystemTrayIcon

from lever_desktop import APP_NAME, __version__
from lever_desktop.messages import in_words
from lever_desktop.review import editing, lists
from lever_desktop.store import candidates
from lever_desktop.ui import shortcuts
from lever_desktop.ui.activity_controller import ActivityController
from lever_desktop.ui.candidates_controller import CandidatesController
from lever_desktop.ui.crash import ErrorPath
from lever_desktop.ui.drafts_controller import DraftsController
from lever_desktop.ui.due_controller import DueController
from lever_desktop.ui.main_window import PAGES, MainWindow
from lever_desktop.ui.outbox_controller import OutboxController
from lever_desktop.ui.pages import TablePage
from lever_desktop.ui.plain import plain_tooltip
from lever_desktop.ui.sync_controller import SyncController
from lever_desktop.ui.table_models import Column, format_ms
from lever_desktop.ui.tasks import Supervisor, TaskRunner, import_modules, in_thread
from lever_desktop.ui.ui_state import UiState
from lever_desktop.untrusted import for_display

_log = logging.getLogger(__name__)
# httpcore/anyio import these on the first connection, i.e. on the loop, mid-sync: the services start
# once a worker thread has imported them.
CONNECTION_MODULES = ("anyio._backends._asyncio", "httpcore._async.http11", "httpcore._async.connection")
POSTING_COLUMNS = (  # of candidates.PostingRow
    Column("Posting", "title"),
    Column("State", "state"),
    Column("Team", "team"),
    Column("Location", "location"),
    Column("Hiring manager", "hiring_manager"),
    Column("Candidates", "candidates"),
    Column("Updated", "updated", time=format_ms),
)


class MainController(QObject):
    _relay_batch = Signal(object)  # PollStats, from the relay poller's listeners to the GUI

    def __init__(
        self,
        session,
        runner: TaskRunner,
        errors: ErrorPath,
        *,
        window: MainWindow | None = None,
        candidates: CandidatesController | None = None,
    ) -> None:
        """``candidates``: the list already shown from the first look at the cache (``ui/first_look.py``)."""
        super().__init__()
        self.session, self.runner, self.errors = session, runner, errors
        self.window = window or MainWindow(sandbox=session.sandbox)
        self.ui_state = UiState()
        self._listed_early = candidates is not None
        self.candidates = candidates or CandidatesController(session, runner, self)
        self.drafts = DraftsController(session, runner, self)
        self.due = DueController(session, runner, self)
        self.outbox = OutboxController(session, runner, self)
        self.postings = TablePage(POSTING_COLUMNS, key="id", title="Postings in the cache")
        self.activity = ActivityController(session, runner, self)
        w = self.window
        for key, widget in (
            ("review", self.drafts.page),
            ("outbox", self.outbox.page),
            ("due", self.due.page),
            ("candidates", self.candidates.page),
            ("postings", self.postings),
            ("activity", self.activity.page),
        ):
            w.set_page(key, widget)
        self.sync = SyncController(session, runner, w, self)
        w.statusBar().insertPermanentWidget(0, self.drafts.undo_bar)  # Approve's Undo: nothing moves
        self.supervisor = Supervisor(runner, parent=self)
        self._last_review_count: int | None = None
        self.tray = self._make_tray()
        self._unsubscribe: list = []
        self._wire()

    def _wire(self) -> None:
        w = self.window
        self.sync.cache_changed.connect(self._cache_changed)
        self.sync.cache_changed.connect(self.activity.reload)  # a privacy purge may have removed lines
        self.sync.activity.connect(self.activity.add)
        self.sync.connection_changed.connect(lambda online: online and self.outbox.wake(now=True))
        self.outbox.activity.connect(self.activity.add)
        self.supervisor.restarting.connect(self._task_restarting)
        self.outbox.draft_moved.connect(self._draft_moved)
        self.outbox.cancelled.connect(self._draft_moved)
        self.outbox.cancelled.connect(lambda _id: self.refresh_counts())
        self.outbox.open_draft.connect(lambda draft_id: (w.show_page("review"), self.drafts.show_draft(draft_id)))
        self.outbox.flushed.connect(lambda _r: self.refresh_counts())
        self.drafts.approved.connect(lambda _id: self.outbox.wake(now=True))
        self.drafts.approved.connect(lambda _id: self.refresh_counts())
        self.drafts.changed.connect(self.refresh_counts)
        self.drafts.changed.connect(self.due.reload)  # a draft approved, sent or discarded opens or closes a slot
        self.due.open_draft.connect(self.open_draft)
        self.due.counted.connect(lambda n: w.set_nav_label("due", f"Feedback due ({n})"))
        self.sync.finished.connect(lambda report: report.ok and self.due.refresh_from_lever())
        self._relay_batch.connect(lambda _stats: self.refresh_counts())  # new drafts, re-read candidates
        self._relay_batch.connect(lambda _stats: self.drafts.relay_read())
        self._relay_batch.connect(lambda _stats: self.due.reload())  # interview webhooks: interviews re-read
        w.files_dropped.connect(self.import_files)
        w.import_action.triggered.connect(self._choose_files)
        w.settings_action.triggered.connect(self._open_settings)
        w.shortcuts_action.triggered.connect(self._show_shortcuts)
        w.about_action.triggered.connect(self._show_about)
        w.nav.currentRowChanged.connect(self._page_changed)
        for seq in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(
                QKeySequence(seq),
                self.drafts.page,
                self.drafts.approve_current,
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        shortcuts.install_review_keys(self.drafts.editor)

    # -- life ----------------------------------------------------------------
    def show(self) -> None:
        w = self.window
        # Shown while starting (``Shell``: ui/first_look.open_window), the window already has its last view, its
        # split and, with the list read then, the list's split: what was chosen or dragged since stays.
        if not w.isVisible():
            self.ui_state.restore_window(w)
            w.show_page(self.ui_state.last_view or "review")
            self.ui_state.restore_splitter("main", w.splitter)
        self.ui_state.restore_splitter("drafts", self.drafts.page)
        if not self._listed_early:
            self.ui_state.restore_splitter("candidates", self.candidates.page.splitter)
        w.show()
        if not self._listed_early:  # else its first screen is shown and the rest is on its way
            self.candidates.refilter()  # first: the store reads in order, and the first screen is what a person waits for
        self.candidates.load_choices_unless_read()  # a first look may have read them
        self.candidates.load_index()
        self.drafts.reload()
        self.drafts.offer_undo_left_over()  # an approval still in its grace from the last run
        self.due.reload()
        self.outbox.reload()
        self._load_postings()
        self.refresh_counts()
        self.runner.run(self._start_services(), name="start services")

    async def _start_services(self) -> None:
        from lever_desktop.store import cache

        first_run = await self.session.store.call(cache.count_opportunities) == 0
        last = await self.session.store.call(cache.states, "last_success:")
        # After the first screen (the store answers in order): importing them earlier delayed it.
        await in_thread(import_modules, CONNECTION_MODULES)
        self.sync.show_last_sync(max((v for v in last.values() if isinstance(v, (int, float))), default=None))
        self.sync.start(first_run, self.supervisor)
        self.outbox.start(self.supervisor)
        account = self.session.account
        if account is not None and account.relay_url and account.webhook_tokens_problem:
            self.activity.add("relay", account.webhook_tokens_problem)  # deliveries are refused as unsigned
        poller = self.session.poller
        if poller is not None:
            self._unsubscribe += [poller.subscribe(self._relay_state), poller.on_processed(self._relay_batch.emit)]
            self._relay_state(poller.state, poller.message)
            self.supervisor.keep("relay poller", poller.run)
        else:
            self._no_relay()

    def _no_relay(self) -> None:
        """No relay poller: none set, or its reader token kept back by the keychain, which is said."""
        account = self.session.account
        problem = account.relay_token_problem if account is not None and account.relay_url else None
        if problem is None:
            self.window.status_relay.setText("Relay: not configured")
            return
        self.window.status_relay.setText("Relay: token not read")
        self.window.status_relay.setToolTip(plain_tooltip(problem))
        self.activity.add("relay", problem)

    def save_state(self) -> None:
        s = self.ui_state
        s.save_window(self.window)
        s.save_splitter("main", self.window.splitter)
        s.save_splitter("drafts", self.drafts.page)
        s.save_splitter("candidates", self.candidates.page.splitter)
        s.last_view = self.window.current_page()
        s.sync()

    async def aclose(self) -> None:
        await self.drafts.aclose()
        self.sync.close()
        self.outbox.close()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        if self.tray is not None:
            self.tray.hide()

    # -- reactions -----------------------------------------------------------
    def _cache_changed(self) -> None:
        self.candidates.cache_changed()
        self.drafts.reload()
        self.due.reload()
        self._load_postings()
        self.refresh_counts()

    def open_draft(self, draft_id: str) -> None:
        """Show one draft in the Drafts page (a form just started from Feedback due)."""
        self.drafts.open(draft_id)
        self.drafts.reload()
        self.window.show_page("review")

    def _draft_moved(self, draft_id: str) -> None:
        self.drafts.undo_bar.withdraw(draft_id)  # on its way: too late to undo

        def show(outcome: editing.DraftOutcome | None) -> None:
            if outcome is not None:
                rec, status = outcome.record, outcome.status
                self.drafts.outbox_progress(
                    draft_id, rec.state, rec.attention_reason, rec.lever_feedback_id, rec.readback, status
                )

        self.runner.run(
            self.session.store.call(editing.draft_outcome, draft_id),
            owner=self.window,
            on_success=show,
            name="draft outcome",
        )
        self.drafts.reload()

    def _task_restarting(self, name: str, reason: str, delay: float) -> None:
        text = f"The {name} stopped unexpectedly ({reason}); restarting in {delay:.0f} s. Details are in the log."
        self.window.statusBar().showMessage(text, int(max(delay, 10.0) * 1000))
        self.activity.add("app", text)

    def _relay_state(self, state: str, message: str) -> None:
        text = {
            "connected": "Relay: connected",
            "idle": "Relay: starting",
            "unreachable": "Relay: unreachable",
            "unauthorized": "Relay: token refused",
        }.get(state, f"Relay: {state}")
        # The poller's message names the failure for the log ("relay unreachable (ConnectError)");
        # a person reads what it means and what happens next.
        words = {
            "unreachable": "The relay could not be reached; Lever Desktop keeps trying by itself.",
            "unauthorized": "The relay refused the reader token: check the relay token in Settings (Ctrl+,).",
        }.get(state, in_words(message))
        self.window.status_relay.setToolTip(plain_tooltip(words))
        self.window.status_relay.setText(text)
        self.activity.add("relay", text.removeprefix("Relay: ") + (f" — {words}" if words else ""))

    def refresh_counts(self) -> None:
        self.runner.run(
            self.session.store.call(lists.counts), owner=self.window, on_success=self._show_counts, name="counts"
        )

    def _show_counts(self, c: dict[str, int]) -> None:
        w = self.window
        w.set_nav_label("review", f"Drafts to review ({c['review']})")
        attention = f", {c['attention']} need{'s' if c['attention'] == 1 else ''} attention" if c["attention"] else ""
        w.set_nav_label("outbox", f"Outbox ({c['outbox']} pending{attention})")
        w.set_nav_label("candidates", f"Candidates ({c['candidates']:,})")
        # what needs the reviewer is said here too: "Outbox: 0" beside "1 needs attention" read as all clear
        w.status_outbox.setText(f"Outbox: {c['outbox']}{attention}")
        if self._last_review_count is not None and c["review"] > self._last_review_count:
            new = c["review"] - self._last_review_count
            self.drafts.reload()
            if self.tray is not None:
                self.tray.showMessage(
                    APP_NAME,
                    f"{new} new draft{'s' if new > 1 else ''} to review",
                    QSystemTrayIcon.MessageIcon.Information,
                    5000,
                )
        self._last_review_count = c["review"]

    def _load_postings(self) -> None:
        self.runner.run(
            self.session.store.call(candidates.postings),
            owner=self.postings,
            on_success=self.postings.model.set_rows,
            name="load postings",
        )

    def _page_changed(self, row: int) -> None:
        key = PAGES[row][0] if 0 <= row < len(PAGES) else ""
        if key == "outbox":
            self.outbox.reload()

    # -- drafts from files ---------------------------------------------------
    def _choose_files(self) -> None:
        dialog = QFileDialog(self.window, "Import draft files", "", "Draft documents (*.json)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.filesSelected.connect(self.import_files)
        dialog.open()

    def import_files(self, files: list[str]) -> None:
        self.runner.run(self._import(files), owner=self.window, name="import drafts")

    async def _import(self, files: list[str]) -> None:
        from pathlib import Path

        from lever_desktop.review.document import load_documents, read_draft_file
        from lever_desktop.review.intake import receive_draft

        outcomes: dict[str, int] = {}
        problems: list[str] = []  # "file: what was wrong", each also in the activity log
        for name in files:
            try:
                docs = load_documents(await in_thread(read_draft_file, name))
            except (OSError, ValueError) as e:
                problems.append(f"{Path(name).name}: {e}")
                self.activity.add("import", problems[-1])
                outcomes["unreadable"] = outcomes.get("unreadable", 0) + 1
                continue
            for doc in docs:
                result = await receive_draft(
                    self.session.store,
                    doc,
                    source="file",
                    engine=self.session.engine,
                    confidence_threshold=self.session.settings.confidence_threshold,
                )
                outcomes[result.status] = outcomes.get(result.status, 0) + 1
                if result.problems:
                    problems.append(f"{Path(name).name}: {'; '.join(result.problems)}")
                    self.activity.add("import", problems[-1])
        summary = ", ".join(f"{n} {status}" for status, n in sorted(outcomes.items()))
        self.activity.add("import", summary)
        if problems:  # which file, and why, where the reviewer looks: not only in Activity
            more = f" (and {len(problems) - 1} more in Activity)" if len(problems) > 1 else ""
            summary += f" — {' '.join(problems[0].split())}{more}"
        # a file's name and the draft's own words: shown marked, never reordered
        self.window.statusBar().showMessage(for_display(f"Imported drafts: {summary}"), 30_000 if problems else 8000)
        self.drafts.reload()
        self.refresh_counts()

    # -- dialogs -------------------------------------------------------------
    def _open_settings(self) -> None:
        from lever_desktop.ui.first_run import SettingsDialog

        if self.session.sandbox:  # nothing to set for a simulated account; connecting a real one is
            box = QMessageBox(
                QMessageBox.Icon.Information,
                "Sandbox",
                "You are trying the sandbox: a simulated Lever account on this computer, with "
                "nothing to set up. To use your company's Lever account, connect it.",
                QMessageBox.StandardButton.Close,
                self.window,
            )
            connect = box.addButton("Connect a Lever account…", QMessageBox.ButtonRole.AcceptRole)
            connect.clicked.connect(self._connect_account)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # asked again each time, not kept
            box.open()
            return
        dialog = SettingsDialog(self.runner, self.window)
        dialog.open()

    def _connect_account(self) -> None:
        from lever_desktop.ui.first_run import ConnectAccountDialog

        dialog = ConnectAccountDialog(self.runner, self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    def _show_shortcuts(self) -> None:
        shortcuts.show_dialog(self.window)

    def _show_about(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\nReview AI-drafted interview feedback and submit it to Lever "
            "as the interviewer, exactly once.",
            QMessageBox.StandardButton.Close,
            self.window,
        )
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # asked again each time, not kept
        box.open()

    def _make_tray(self) -> QSystemTrayIcon | None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        tray = QSystemTrayIcon(self.window.windowIcon(), self)
        tray.setToolTip(APP_NAME)
        tray.activated.connect(
            lambda _reason: (self.window.showNormal(), self.window.raise_(), self.window.activateWindow())
        )
        tray.show()
        return tray
