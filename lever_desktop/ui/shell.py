"""The application's life: choose the account, open the session, show the window, shut down.

``Shell.main()`` is the one coroutine the qasync loop runs. Quitting is ours,
not Qt's: closing the main window resolves ``_quit``, and ``main()`` then
cancels and awaits every task, stops the background services, closes the HTTP
client and the database, and only then returns the exit code.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from lever_desktop import config, paths
from lever_desktop.ui.crash import ErrorPath
from lever_desktop.ui.tasks import TaskRunner, dialog_result, import_modules, in_thread

if TYPE_CHECKING:  # imported when the window is shown: start-up paints before the pages load
    from lever_desktop.store.db import Store
    from lever_desktop.ui.first_look import FirstList, Opening
    from lever_desktop.ui.main_window import MainWindow

_log = logging.getLogger(__name__)


class Shell(QObject):
    """Owns the session and the main window for one run of the application."""

    window_shown = Signal()  # tests and benchmarks wait on this
    closed = Signal()

    def __init__(
        self,
        runner: TaskRunner,
        errors: ErrorPath,
        *,
        sandbox: bool = False,
        window_ready: Callable[[], None] | None = None,
        opening: Opening | None = None,
    ) -> None:
        """``opening``: the window the app already painted, with the candidate list from the cache."""
        super().__init__()
        self.opening = opening
        # Run once the main window is wired and its candidate list has streamed in; the app passes its
        # memory tuning (the whole process is ours then), tests pass nothing.
        self.window_ready = window_ready
        self.runner = runner
        self.errors = errors
        self.sandbox_requested = sandbox
        self.session = None
        self.sandbox_env = None
        self.controller = None
        self.window = None
        self.first_list: FirstList | None = None  # the candidate list read before the session opened
        self._settings: config.Settings | None = None  # read for the first look, used again to start
        self._quit: asyncio.Event | None = None

    async def main(self) -> int:
        self._quit = asyncio.Event()
        self._show_window_early()
        try:
            await self._unless_quit(self._list_first())
            try:
                account = await self._unless_quit(self._choose_account())
            except config.KeychainUnreadable as e:  # an account set up, its key locked away: not a first run
                self._not_opened(e, "reading the account", withdraw=False)  # the cache is fine: its list stays
                return await self._until_quit()
            if account is None:  # the first-run dialog was closed, or we were asked to quit
                return 0
            try:
                await self.open_account(account)
            except Exception as e:  # noqa: BLE001 - said once in the window, which stays until closed
                self._not_opened(e)
                return await self._until_quit()
            await self._quit.wait()
            return 0
        finally:
            await self.shutdown()

    def _show_window_early(self) -> MainWindow:
        """Paint the window before the heavy part of starting (database, sync engine, pages).

        The app opens it before the event loop exists (``ui/first_look.open_window``, handed in as
        ``opening``), with the candidate list's first screen from the cache; the other pages arrive a
        moment later. Without one (tests), it is opened here.
        """
        from lever_desktop.ui.first_look import open_window

        opening = self.opening or open_window(self.runner, sandbox=self.sandbox_requested)
        self.opening = None
        self.window = window = opening.window
        self.first_list, self._settings = opening.first_list, opening.settings
        window.close_requested.connect(self.quit)
        self.errors.window = lambda: self.window
        if self.first_list is not None:
            self.first_list.go_on()
        return window

    async def _until_quit(self) -> int:
        """A start that went no further (said by ``_not_opened``): the window stays until closed; exit status 1."""
        if self.window_ready is not None:  # as started as it gets: the app's log rotates from now too
            self.window_ready()
        assert self._quit is not None
        await self._quit.wait()
        return 1

    async def _list_first(self) -> None:
        """Let the candidate list shown from the first look answer what it was asked at start (the rest of
        its list, the count, the filter choices, a filter typed meanwhile) before the session's imports and
        the cache's checks take the GIL for most of a second: a filter typed as the list appeared answered
        ~0.1 s sooner (bench_ui). At most ``LIST_FIRST_S``: the other pages only wait that long."""
        if self.first_list is None:
            return
        try:
            await asyncio.wait_for(self.runner.wait_idle(), LIST_FIRST_S)
        except TimeoutError:
            pass

    def _not_opened(self, error: Exception, doing: str = "opening the cache", *, withdraw: bool = True) -> None:
        """The cache or the session could not be opened (a damaged cache, one from a newer version; the account's
        key kept back by the keychain): the error path's dialog says why and what to do, the status bar keeps
        saying it, and (``withdraw``) no rows of a refused cache stay listed. (Uncaught, it was a traceback on
        a terminal and a vanished window.)"""
        from lever_desktop.messages import explain_or_generic
        from lever_desktop.untrusted import for_display

        if self.window is not None:
            if withdraw and self.first_list is not None:
                self.first_list.withdraw(self.window)
                self.first_list = None
            self.window.statusBar().showMessage(
                for_display(explain_or_generic(error))
            )  # may quote an error's own words
        self.errors.report(error, doing)

    async def _unless_quit(self, coro):
        """Run ``coro`` unless a quit request (SIGTERM, the window closed) comes first: then it is
        cancelled (an open dialog is rejected) and the result is None."""
        assert self._quit is not None
        work = asyncio.ensure_future(coro)
        quit_wait = asyncio.ensure_future(self._quit.wait())
        try:
            await asyncio.wait({work, quit_wait}, return_when=asyncio.FIRST_COMPLETED)
        except asyncio.CancelledError:
            work.cancel()
            raise
        finally:
            quit_wait.cancel()
        if work.done():
            return work.result()
        work.cancel()
        await asyncio.gather(work, return_exceptions=True)
        return None
        return self.window

    def quit(self) -> None:
        if self._quit is not None:
            self._quit.set()

    async def _choose_account(self) -> config.Account | None:
        if self.sandbox_requested:
            return await self._start_sandbox()
        settings = self._settings or await in_thread(config.Settings.load)
        if settings.sandbox:
            return await self._start_sandbox()
        try:
            return await in_thread(config.resolve_account, settings)
        except config.KeychainUnreadable:
            if paths.settings_path().exists():  # an account was connected (its settings saved): not a first run
                raise  # said by main; the welcome offered to connect it again, its note said "no keychain"
        except config.ConfigError:
            pass  # not configured yet: first run
        from lever_desktop.ui.first_run import FirstRunDialog

        if self.window is not None:
            self.window.statusBar().clearMessage()  # nothing is being opened while they choose
        _log.info("first run: asking how to start (sandbox or Lever account)")
        dialog = FirstRunDialog(self.runner, self.window)
        if await dialog_result(dialog) != FirstRunDialog.DialogCode.Accepted:
            return None
        if dialog.chose_sandbox:
            return await self._start_sandbox()
        return await in_thread(config.resolve_account, None)

    async def _start_sandbox(self) -> config.Account:
        from lever_desktop.sandbox_mode import SandboxEnvironment

        self.sandbox_env = SandboxEnvironment()
        return await in_thread(self.sandbox_env.start)

    async def open_account(self, account: config.Account) -> None:
        env = self.sandbox_env
        store = await self._open_cache_while_importing(env.database_path if env else None)
        from lever_desktop.session import open_session
        from lever_desktop.ui.main_controller import MainController

        self.session = await open_session(
            account,
            sandbox=env is not None,
            relay=True,
            offload=in_thread,
            settings=env.settings if env else None,
            store=store,
        )
        window = self.window or self._show_window_early()  # opened without main() (tests): now
        window.set_sandbox(env is not None)
        first, self.first_list = self.first_list, None
        self.controller = MainController(
            self.session,
            self.runner,
            self.errors,
            window=self.window,
            candidates=first.hand_over(self.session) if first is not None else None,
        )
        self.controller.show()
        window.statusBar().clearMessage()
        if self.window_ready is not None:
            self._when_listed(self.window_ready)
        _log.info("main window ready")
        self.window_shown.emit()

    def _when_listed(self, ready: Callable[[], None]) -> None:
        """``ready()`` once the candidate list has everything streamed in (its filter index), after that
        answer is painted. The app's memory tuning collects the whole start-up heap on this thread (tens of
        ms): neither the list's first screen nor a first typed filter waits for it any more. An index that
        could not be read ends the start-up too (the list goes on from SQLite): else the app's log never
        turned rotating, nor its memory settled, however long the session."""
        assert self.controller is not None
        candidates = self.controller.candidates

        def done() -> None:
            candidates.filtered.disconnect(listed)
            candidates.index_failed.disconnect(done)
            QTimer.singleShot(0, self, ready)

        def listed(_rows: int, _seconds: float) -> None:
            if candidates.index is not None:  # else a first screen from SQLite: the index still streams in
                done()

        candidates.filtered.connect(listed)
        candidates.index_failed.connect(done)

    async def _open_cache_while_importing(self, database_path: Any) -> Store:
        """Open the cache (its integrity check runs in SQLite, which lets go of the GIL) while the
        rest of the session's modules import: the check no longer waits for them, nor they for it.
        Raises what ``Store.open`` raises (a damaged cache), after the imports."""
        await in_thread(import_modules, STORE_MODULES)
        from lever_desktop.store.db import Store

        opening = asyncio.ensure_future(in_thread(Store.open, database_path))
        try:
            await in_thread(import_modules, HEAVY_MODULES)
        except BaseException:  # cancelled (a quit) mid-import: the cache still opens on its thread
            await _close_once_open(opening)
            raise
        return await opening

    async def shutdown(self) -> None:
        """Cancel and await tasks, stop services, close the HTTP client and the store."""
        if self.first_list is not None:  # quit before the session opened
            self.first_list.close()
            self.first_list = None
        if self.controller is not None:
            # First the window's own work (remembered layout, the reviewer's unsaved edits),
            # while the store is still open; then every background task.
            self.controller.save_state()
            await self.controller.aclose()
            self.controller = None
        await self.runner.shutdown()
        if self.session is not None:
            await self.session.aclose()
            self.session = None
        if self.sandbox_env is not None:
            await in_thread(self.sandbox_env.stop)
            self.sandbox_env = None
        if self.window is not None:
            self.window.hide()
            self.window.deleteLater()
            self.window = None
        self.closed.emit()


async def _close_once_open(opening: asyncio.Future[Store]) -> None:
    try:
        store = await asyncio.shield(opening)
    except Exception:  # noqa: BLE001 - it did not open: nothing to close
        return
    await in_thread(store.close)


LIST_FIRST_S = 0.3  # see Shell._list_first

# What opening the cache needs (SQLAlchemy): imported first, so the cache opens while the rest imports.
STORE_MODULES = ("lever_desktop.store.db",)
HEAVY_MODULES = (  # what the session and the window's pages need
    "lever_desktop.lever.client",
    "lever_desktop.sync.engine",
    "lever_desktop.review.outbox",
    "lever_desktop.relay.client",
    "lever_desktop.session",
    "lever_desktop.ui.main_controller",
)


def _import_heavy_modules() -> None:
    """httpx, SQLAlchemy, pydantic: a second or more of imports, kept off the GUI thread
    so the window that is already painted keeps answering while they load. (The window imports them
    in steps, the connection's own after its first screen: ``MainController.CONNECTION_MODULES``.)"""
    import_modules(STORE_MODULES + HEAVY_MODULES)
    from lever_desktop.ui.main_controller import CONNECTION_MODULES

    import_modules(CONNECTION_MODULES)
