"""The window's first paint: the main window with the candidate list as the last run left it (#16.4).

Before the session exists (SQLAlchemy, pydantic, httpx, the store's checks: most of a second), and
before asyncio and qasync are imported, the window is built and shown with the candidate list's first
screen, read by a first look at the cache over plain sqlite3 (``store/reader.py``). Once the event loop
runs, the list goes on there (the rest, the count, the filter choices) and a typed filter answers; the
session's store takes over when it is open (``FirstList.hand_over``). A first run (no cache) or a cache
the first look cannot read simply starts as before: the store says what is wrong.

Only Qt, sqlite3 and the list's own modules are imported here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import QWidget

from lever_desktop import config, paths
from lever_desktop.store.reader import CacheReader
from lever_desktop.ui.candidates_controller import CandidatesController
from lever_desktop.ui.main_window import MainWindow
from lever_desktop.ui.tasks import TaskRunner
from lever_desktop.ui.ui_state import UiState

_log = logging.getLogger(__name__)


class FirstLook:
    """What the candidate list needs of a session before there is one: the cache, read-only; no Lever."""

    engine = None  # no profile refresh from Lever yet

    def __init__(self, store: CacheReader) -> None:
        self.store = store


class FirstList:
    """The list shown from the first look, handed to the window's controller once the session is open."""

    def __init__(self, candidates: CandidatesController, reader: CacheReader) -> None:
        self.candidates = candidates
        self.reader = reader

    def go_on(self) -> None:
        """Once the event loop runs: the rest of the list, its count, the filter choices."""
        self.candidates.go_on()

    def hand_over(self, session) -> CandidatesController | None:
        """The list, reading the session's store from now on; the first look ends after its reads.

        None when the session opened another cache than the one looked at (a first run that chose the
        sandbox over the account's cache): the window's controller lists that cache from the start, and
        none of this list's rows (another account's candidates) is shown as the sandbox's."""
        self.reader.close()
        if Path(session.store.path).resolve() != self.reader.path.resolve():
            self.candidates.deleteLater()  # its page leaves when the window's own list takes its place
            return None
        self.candidates.attach(session)
        return self.candidates

    def close(self) -> None:
        self.reader.close()

    def withdraw(self, window: MainWindow) -> None:
        """The store refused the cache this list was read from (damaged, from a newer version): its rows
        leave the window (answers still on their way are dropped with the page) and the first look ends."""
        self.reader.close()
        window.set_page("candidates", QWidget())
        self.candidates.deleteLater()


@dataclass
class Opening:
    """What the first paint made: the window, the list if the cache had one, the settings it read."""

    window: MainWindow
    first_list: FirstList | None
    settings: config.Settings | None


def open_window(runner: TaskRunner, *, sandbox: bool) -> Opening:
    """The main window as it was left (size, view), with the candidate list from the cache, shown."""
    window = MainWindow(sandbox=sandbox)
    state = UiState()
    state.restore_window(window)
    state.restore_splitter("main", window.splitter)  # here, not when the session opens: no jump after the paint
    window.show_page(state.last_view or "review")
    window.statusBar().showMessage("Opening your cache…")
    settings = first = None
    try:
        settings = config.Settings.load()
        first = show_candidates(window, runner, settings, sandbox=sandbox, state=state)
    except Exception:  # noqa: BLE001 - never in the way of starting: the store lists a moment later
        _log.exception("the candidate list's first look at the cache failed")
    window.show()
    return Opening(window, first, settings)


def show_candidates(
    window: MainWindow, runner: TaskRunner, settings: config.Settings, *, sandbox: bool, state: UiState | None = None
) -> FirstList | None:
    """Put the candidate list, with its first screen read, in ``window`` before it paints (split between the
    list and the profile as ``state`` remembers it)."""
    path = paths.sandbox_database_path() if sandbox or settings.sandbox else paths.database_path()
    reader = CacheReader.open(path)
    if reader is None:
        return None
    candidates = CandidatesController(FirstLook(reader), runner, window)
    if not candidates.show_first_screen_now():
        reader.close()
        candidates.page.deleteLater()
        candidates.deleteLater()
        return None
    window.set_page("candidates", candidates.page)
    if state is not None:
        state.restore_splitter("candidates", candidates.page.splitter)
    _log.info("first screen of the candidate list from the cache as it was left")
    return FirstList(candidates, reader)
