"""The candidate list in the window's first paint, from a first look at the cache (ui/first_look.py, #16.4).

A real cache file written by the real store, the real window and list; every wait is on an effect.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading

import pytest
from helpers.cache_damage import damaged_cache
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lever_desktop import config, paths, sandbox_mode
from lever_desktop.store import cache
from lever_desktop.store import candidates as store_candidates
from lever_desktop.store.candidates import ARCHIVED_ONLY, CandidateFilter, filter_choices
from lever_desktop.store.db import Store
from lever_desktop.ui.crash import ErrorPath
from lever_desktop.ui.first_look import open_window, show_candidates
from lever_desktop.ui.first_run import FirstRunDialog
from lever_desktop.ui.main_controller import MainController
from lever_desktop.ui.main_window import PAGES, MainWindow
from lever_desktop.ui.pages import CandidatesPage
from lever_desktop.ui.plain import SHOWN_AT_MOST
from lever_desktop.ui.shell import Shell
from lever_desktop.ui.table_models import BLOCK
from lever_desktop.ui.ui_state import UiState

N = 300
NAMES = ["Ada Lovelace", "Grace Hopper", "Radia Perlman", "Adam Smith"]
CANDIDATES = PAGES.index(("candidates", "Candidates"))


class _Session:
    engine = None  # offline: no profile refresh from Lever

    def __init__(self, store: Store) -> None:
        self.store = store


def _write_cache(path) -> None:
    with Store.open(path) as store:
        store.call_sync(cache.upsert_stages, [{"id": "screen", "text": "Screen"}], 1)
        store.call_sync(cache.upsert_users, [{"id": "u1", "name": "Zoe Owner", "email": "z@x.org"}], 1)
        store.call_sync(
            cache.upsert_opportunities,
            [
                {
                    "id": f"o{i:04d}",
                    "name": f"{NAMES[i % len(NAMES)]} {i}",
                    "emails": [f"c{i}@mail.org"],
                    "stage": "screen",
                    "owner": "u1",
                    "updatedAt": 1_000 + i,
                    "applications": [{"posting": "p1"}],
                }
                for i in range(N)
            ],
            1,
        )


@pytest.fixture
def window(qtbot):
    w = MainWindow()
    qtbot.addWidget(w)
    w.show_page("candidates")
    return w


def _offline_account(monkeypatch) -> None:
    """An account configured by the environment, its Lever at a closed port: the session opens offline."""
    monkeypatch.setenv("LEVER_API_KEY", "k-123456")
    monkeypatch.setenv("LEVER_BASE_URL", "http://127.0.0.1:9/v1")


def _listed(window, runner, qtbot):
    """The first look's list of the cache at the data dir, gone on as when the event loop starts, with
    the whole list counted."""
    first = show_candidates(window, runner, config.Settings(), sandbox=False)
    assert first is not None
    first.go_on()
    qtbot.waitUntil(lambda: first.candidates.page.count.text() == f"{N} candidates", timeout=10_000)
    return first


def _write_an_older_cache() -> None:
    """The cache in rollback-journal mode, as caches of the first schema were (tests/fixtures/db): a writer
    holding it locks every reader out."""
    _write_cache(paths.database_path())
    older = sqlite3.connect(paths.database_path())
    older.execute("PRAGMA journal_mode=DELETE")
    older.close()


def test_the_first_screen_is_in_the_window_before_it_paints_and_the_list_works_before_the_session(
    window, runner, qtbot
):
    _write_cache(paths.database_path())
    first = show_candidates(window, runner, config.Settings(), sandbox=False)
    assert first is not None
    page, model = first.candidates.page, first.candidates.model
    # At once, on this thread: the window shows it from its first paint.
    assert window.stack.currentWidget() is page
    assert model.row_values(0).name == "Adam Smith 299"  # the newest first, its name not a "…"
    assert page.count.text() == "Counting…"
    # Then, once the event loop runs and before any session: the whole list and its count, the filter
    # choices, a typed filter.
    first.go_on()
    qtbot.waitUntil(lambda: page.count.text() == f"{N} candidates", timeout=10_000)
    qtbot.waitUntil(lambda: page.stage.findData("screen") >= 0, timeout=10_000)
    page.search.setText("grace")
    qtbot.waitUntil(lambda: page.count.text() == f"{N // 4} candidates", timeout=10_000)
    assert model.row_values(0).name == "Grace Hopper 297"
    first.close()


def test_the_window_takes_the_list_over_with_its_selection_and_the_first_look_ends(window, runner, qtbot):
    _write_cache(paths.database_path())
    first = _listed(window, runner, qtbot)
    ctl = first.candidates
    ctl.page.table.selectRow(3)
    chosen = ctl.model.id_at(3)
    assert ctl.model.row_values(3).name == "Ada Lovelace 296"
    with Store.open() as store:
        assert first.hand_over(_Session(store)) is ctl
        first.reader.wait_closed()
        refused = asyncio.ensure_future(first.reader.call(filter_choices))
        qtbot.waitUntil(refused.done, timeout=10_000)
        assert refused.cancelled()  # the first look is over
        ctl.page.search.setText("ada")  # now through the session's store: Ada and Adam
        qtbot.waitUntil(lambda: ctl.page.count.text() == f"{N // 2} candidates", timeout=10_000)
        qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    assert window.stack.widget(CANDIDATES) is ctl.page
    assert ctl.model.id_at(ctl.page.table.currentIndex().row()) == chosen


def test_a_first_run_shows_no_first_list(window, runner):
    assert show_candidates(window, runner, config.Settings(), sandbox=False) is None
    assert not paths.database_path().exists()  # and makes no cache: the store creates it, whole


@pytest.mark.logs_warnings("a damaged cache is logged when it is made")
def test_a_cache_that_is_not_a_database_shows_no_first_list(window, runner):
    _cache, damaged, _backup = damaged_cache("not a database")
    assert show_candidates(window, runner, config.Settings(), sandbox=False) is None
    assert _cache.read_bytes() == damaged


def test_the_sandbox_reads_its_own_cache(window, runner):
    sandbox_cache = paths.sandbox_database_path()
    sandbox_cache.parent.mkdir(parents=True, exist_ok=True)
    _write_cache(sandbox_cache)
    assert show_candidates(window, runner, config.Settings(), sandbox=False) is None  # no real account's cache
    for settings, flag in ((config.Settings(), True), (config.Settings(sandbox=True), False)):
        first = show_candidates(window, runner, settings, sandbox=flag)
        assert first is not None and first.candidates.model.row_values(0).name == "Adam Smith 299"
        first.close()


@pytest.mark.logs_warnings("Lever at a closed port cannot be reached")
def test_the_app_opens_with_the_list_read_before_the_session_and_keeps_it(runner, qtbot, caplog, monkeypatch):
    _write_cache(paths.database_path())
    _offline_account(monkeypatch)
    shell = Shell(runner, ErrorPath(None, dialogs=False))
    caplog.set_level("INFO", logger="lever_desktop.ui.first_look")
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: shell.controller is not None, timeout=30_000)
        assert "first screen of the candidate list from the cache as it was left" in caplog.text
        assert shell.controller is not None and shell.window is not None
        candidates = shell.controller.candidates
        assert candidates.session is shell.session  # the list now reads the session's store
        assert shell.window.stack.widget(CANDIDATES) is candidates.page
        candidates.page.search.setText("radia")
        qtbot.waitUntil(lambda: candidates.page.count.text() == f"{N // 4} candidates", timeout=10_000)
    finally:
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)


def _when_the_session_starts_opening(monkeypatch) -> list[str]:
    """The candidate count shown each time the shell starts opening the session (choosing the account, then
    the cache's checks and the session's imports)."""
    counts: list[str] = []
    choose = Shell._choose_account

    async def choosing(self):
        counts.append(self.first_list.candidates.page.count.text())
        return await choose(self)

    monkeypatch.setattr(Shell, "_choose_account", choosing)
    return counts


def test_the_list_answers_its_first_reads_before_the_session_starts_opening(runner, qtbot, monkeypatch):
    """The session's imports and the cache's checks hold the GIL for most of a second: they wait until the
    list has read the rest and its count (and answered a filter typed meanwhile)."""
    _write_cache(paths.database_path())
    _offline_account(monkeypatch)
    counts = _when_the_session_starts_opening(monkeypatch)
    shell = Shell(runner, ErrorPath(None, dialogs=False), opening=open_window(runner, sandbox=False))
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: bool(counts), timeout=30_000)
        assert counts == [f"{N} candidates"]  # not "Counting…": the list's reads came first
    finally:
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)


def test_a_list_read_that_hangs_holds_the_session_back_only_a_moment(runner, qtbot, monkeypatch):
    """A read of the first look that does not end (a disk gone slow) keeps no one from the session: it opens
    after ``LIST_FIRST_S``, the read still hanging."""
    _write_cache(paths.database_path())
    _offline_account(monkeypatch)
    counts = _when_the_session_starts_opening(monkeypatch)
    released = threading.Event()
    read_ids = store_candidates.candidate_ids

    def hanging(*args):
        released.wait(60)
        return read_ids(*args)

    monkeypatch.setattr(store_candidates, "candidate_ids", hanging)
    shell = Shell(runner, ErrorPath(None, dialogs=False), opening=open_window(runner, sandbox=False))
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: bool(counts), timeout=30_000)
        assert counts == ["Counting…"] and not released.is_set()  # the rest of the list is still being read
    finally:
        released.set()
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)


@pytest.mark.logs_warnings("Lever at a closed port cannot be reached")
def test_a_list_read_from_another_cache_than_the_sessions_is_not_kept(runner, qtbot, monkeypatch):
    """The first look read the sandbox's cache (the settings said sandbox), then a real account opened:
    the window lists the real account's cache, never the sandbox's candidates under it."""
    sandbox_cache = paths.sandbox_database_path()
    sandbox_cache.parent.mkdir(parents=True, exist_ok=True)
    _write_cache(sandbox_cache)
    with Store.open() as real:  # the real account's cache: one candidate
        real.call_sync(cache.upsert_stages, [{"id": "offer", "text": "Offer"}], 1)
        real.call_sync(cache.upsert_opportunities, [{"id": "r1", "name": "Real Person", "updatedAt": 7}], 1)
    shell = Shell(runner, ErrorPath(None, dialogs=False), opening=open_window(runner, sandbox=True))
    monkeypatch.setenv("LEVER_BASE_URL", "http://127.0.0.1:9/v1")
    opening = asyncio.ensure_future(shell.open_account(config.Account(api_key="k-1", base_url="http://127.0.0.1:9/v1")))
    try:
        qtbot.waitUntil(opening.done, timeout=30_000)
        opening.result()
        candidates = shell.controller.candidates
        qtbot.waitUntil(lambda: candidates.page.count.text() == "1 candidate", timeout=10_000)
        assert candidates.model.row_values(0).name == "Real Person"
        assert shell.window.stack.widget(CANDIDATES) is candidates.page
        # Its filters offer its own stages, read by the store (the first look read the sandbox's).
        qtbot.waitUntil(lambda: candidates.page.stage.findData("offer") >= 0, timeout=10_000)
        assert candidates.page.stage.findData("screen") < 0
    finally:
        closing = asyncio.ensure_future(shell.shutdown())
        qtbot.waitUntil(closing.done, timeout=30_000)


def test_reads_asked_for_just_before_the_store_takes_over_are_read_from_the_store(window, runner, qtbot):
    """The rest of the list and the filter choices, asked for as the loop starts, may not have started
    when the session's store takes over: they read the store then, instead of being lost with the
    first look (which would leave "Counting…" for good)."""
    _write_cache(paths.database_path())
    first = show_candidates(window, runner, config.Settings(), sandbox=False)
    assert first is not None
    ctl = first.candidates
    with Store.open() as store:
        first.go_on()  # the reads are asked for, and start on the loop's next turn ...
        first.hand_over(_Session(store))  # ... after the store took over
        qtbot.waitUntil(lambda: ctl.page.count.text() == f"{N} candidates", timeout=10_000)
        qtbot.waitUntil(lambda: ctl.page.stage.findData("screen") >= 0, timeout=10_000)
        qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)


def _from_a_newer_version(path) -> None:
    """The cache as a newer Lever Desktop left it: the first look reads it, the store refuses it."""
    db = sqlite3.connect(path)
    with db:
        db.execute("UPDATE alembic_version SET version_num = '0099_future'")
    db.close()


def _a_cache_from_a_newer_version(monkeypatch) -> tuple[ErrorPath, list[str]]:
    """The account's cache, which the first look reads and the store refuses; what the error path says."""
    _write_cache(paths.database_path())
    _from_a_newer_version(paths.database_path())
    _offline_account(monkeypatch)
    errors = ErrorPath(None, dialogs=False)
    told: list[str] = []
    errors.reported.connect(lambda summary, _detail: told.append(summary))
    return errors, told


@pytest.mark.logs_warnings("the refused cache is logged")
def test_a_cache_the_store_refuses_after_the_first_look_is_said_once_and_its_rows_leave_the_window(
    runner, qtbot, monkeypatch
):
    errors, told = _a_cache_from_a_newer_version(monkeypatch)
    shell = Shell(runner, errors)
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: bool(told), timeout=30_000)
        assert told == [
            "The local cache was written by a newer Lever Desktop (schema 0099_future). Update Lever Desktop, "
            "or move the data directory aside to start afresh."
        ]
        assert shell.window is not None and not running.done()  # the window stays, saying so, until closed
        assert shell.window.statusBar().currentMessage() == told[0]
        assert not isinstance(shell.window.stack.widget(CANDIDATES), CandidatesPage)  # no refused rows
        assert shell.controller is None and shell.session is None
    finally:
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)
    assert running.result() == 1


@pytest.mark.logs_warnings("the refused cache is logged")
def test_a_window_left_open_on_a_refused_cache_has_started_all_the_same(runner, qtbot, monkeypatch):
    """The window stays open saying why the cache was refused, for as long as the recruiter leaves it: its
    start-up's deferred work runs all the same (the app's log file turns rotating then: it grew without
    bound, however long the window stayed)."""
    errors, told = _a_cache_from_a_newer_version(monkeypatch)
    ready: list[bool] = []
    shell = Shell(runner, errors, window_ready=lambda: ready.append(bool(told)))
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: bool(ready), timeout=30_000)
        assert ready == [True]  # once, after the refusal was said
        assert not running.done()
    finally:
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)
    assert ready == [True]


def test_a_first_run_that_chooses_the_sandbox_lists_none_of_the_accounts_cached_candidates(
    runner, error_path, qtbot, monkeypatch
):
    """The account's cache is there (its key is not: a first run); the first look lists it behind the
    first-run dialog. Choosing the sandbox opens another cache: its window must not go on listing the
    account's candidates as the sandbox's."""
    monkeypatch.setattr(sandbox_mode, "SANDBOX_OPPORTUNITIES", 30)
    monkeypatch.setattr(sandbox_mode, "INTERVIEW_EVERY_S", None)
    monkeypatch.setattr(sandbox_mode, "FIRST_RUN_DRAFTS", 0)
    _write_cache(paths.database_path())
    shell = Shell(runner, error_path)
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: _first_run_dialog() is not None, timeout=30_000)
        dialog = _first_run_dialog()
        assert dialog is not None and shell.first_list is not None  # the account's cache, behind the dialog
        qtbot.mouseClick(dialog.try_sandbox, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: shell.controller is not None, timeout=30_000)
        assert shell.controller is not None and shell.window is not None
        candidates = shell.controller.candidates
        assert candidates.session is shell.session
        assert shell.window.stack.widget(CANDIDATES) is candidates.page

        def listed() -> list[str]:
            rows = (candidates.model.row_values(row) for row in range(candidates.model.rowCount()))
            return [row.name or "" for row in rows if row is not None]  # None: its block is being read

        assert not any(name.startswith(tuple(NAMES)) for name in listed())  # from the first paint on
        # Then the sandbox's own candidates, once its first sync has written them (read when painted).
        shell.window.show_page("candidates")
        qtbot.waitUntil(lambda: len(listed()) > 0, timeout=30_000)
        assert not any(name.startswith(tuple(NAMES)) for name in listed())
    finally:
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)
    assert running.result() == 0


def _first_run_dialog() -> FirstRunDialog | None:
    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunDialog) and w.isVisible()), None)


def test_rows_the_first_look_cannot_read_are_read_by_the_store_after_it_with_no_error_said(
    window, runner, error_path, qtbot
):
    """A block of rows asked of the first look while the cache is locked (an older cache, not yet in WAL
    mode, written by another program) fails quietly and is asked again when next painted."""
    _write_an_older_cache()
    first = _listed(window, runner, qtbot)
    ctl = first.candidates
    last = ctl.model.index(N - 1, 0)
    locker = sqlite3.connect(paths.database_path(), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # no one else reads the cache until it ends
    try:
        assert ctl.model.data(last) == "…"  # asks the first look for the last block, which fails
        qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    finally:
        locker.close()
    with Store.open() as store:
        first.hand_over(_Session(store))
        ctl.model.data(last)  # painted again: asked again, of the store now
        qtbot.waitUntil(lambda: ctl.model.row_values(N - 1) is not None, timeout=10_000)
        assert ctl.model.row_values(N - 1).name == "Ada Lovelace 0"
        qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    assert not error_path.errors  # nothing said: the rows came a moment later


def test_a_candidate_chosen_during_the_first_look_is_shown_by_the_store_after_the_hand_over(
    window, runner, error_path, qtbot
):
    """Their profile, asked of the first look while an older cache was locked, is read again from the
    session's store (and freshened from Lever when there is a connection) once it takes over."""
    _write_an_older_cache()
    first = _listed(window, runner, qtbot)
    ctl = first.candidates
    locker = sqlite3.connect(paths.database_path(), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    try:
        ctl.page.table.selectRow(1)  # Radia Perlman 298: her profile cannot be read now
        qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    finally:
        locker.close()
    assert "Radia Perlman" not in ctl.page.profile.toPlainText()
    with Store.open() as store:
        first.hand_over(_Session(store))
        qtbot.waitUntil(lambda: "Radia Perlman 298" in ctl.page.profile.toPlainText(), timeout=10_000)
        qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    assert not error_path.errors


@pytest.mark.logs_warnings("Lever at a closed port cannot be reached")
def test_the_view_chosen_while_the_app_starts_stays_when_the_session_opens(runner, error_path, qtbot, monkeypatch):
    """Candidates clicked (and a filter typed) during the first look: the window does not go back to the
    view remembered from the last run when the session opens under the person's hands."""
    _write_cache(paths.database_path())
    _offline_account(monkeypatch)
    shell = Shell(runner, error_path)
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: shell.first_list is not None, timeout=30_000)
        assert shell.window is not None and shell.first_list is not None
        assert shell.window.current_page() == "review"  # remembered from no last run
        assert shell.controller is None  # still starting
        shell.window.show_page("candidates")
        shell.first_list.candidates.page.search.setText("grace")
        qtbot.waitUntil(lambda: shell.controller is not None, timeout=30_000)
        assert shell.controller is not None
        page = shell.controller.candidates.page
        assert shell.window.current_page() == "candidates" and shell.window.stack.currentWidget() is page
        qtbot.waitUntil(lambda: page.count.text() == f"{N // 4} candidates", timeout=10_000)
    finally:
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)


def _close(opening) -> None:
    if opening.first_list is not None:
        opening.first_list.close()
    opening.window.hide()
    opening.window.deleteLater()


def test_the_splits_as_left_are_in_the_first_paint_and_one_dragged_while_starting_stays(
    runner, error_path, qtbot, monkeypatch
):
    """The window's split (views | page) and the list's (list | profile) as the last run left them are there
    when the window first paints, not set a second later when the session opens; one dragged meanwhile
    stays dragged."""
    _write_cache(paths.database_path())
    last_run = open_window(runner, sandbox=False)
    qtbot.waitExposed(last_run.window)
    assert last_run.first_list is not None
    last_run.window.splitter.setSizes([240, 1040])
    last_run.first_list.candidates.page.splitter.setSizes([500, 500])
    state = UiState()
    state.save_splitter("main", last_run.window.splitter)
    state.save_splitter("candidates", last_run.first_list.candidates.page.splitter)
    state.sync()
    left = (last_run.window.splitter.sizes(), last_run.first_list.candidates.page.splitter.sizes())
    _close(last_run)

    opening = open_window(runner, sandbox=False)
    assert opening.first_list is not None
    page = opening.first_list.candidates.page
    qtbot.waitExposed(opening.window)
    assert (opening.window.splitter.sizes(), page.splitter.sizes()) == left
    page.splitter.setSizes([800, 200])  # dragged while the session opens
    dragged = page.splitter.sizes()
    _offline_account(monkeypatch)
    shell = Shell(runner, error_path, opening=opening)
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: shell.controller is not None, timeout=30_000)
        assert shell.controller is not None and shell.controller.candidates.page is page
        assert page.splitter.sizes() == dragged and opening.window.splitter.sizes() == left[0]
    finally:
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)


def test_a_name_of_a_hundred_thousand_characters_is_shown_cut_and_at_once(window, runner, error_path, qtbot):
    """Hostile content in the cache: one unbroken 100,000-character name took Qt 2 s to lay out in the
    profile (1 MB: minutes, the window frozen) and 0.6 s a repaint in its cell. Both show its start."""
    _write_cache(paths.database_path())
    huge = "Grace" + "x" * 100_000
    db = sqlite3.connect(paths.database_path())
    with db:
        db.execute("UPDATE opportunities SET name = ? WHERE id = 'o0299'", (huge,))
    db.close()
    first = show_candidates(window, runner, config.Settings(), sandbox=False)
    assert first is not None
    ctl = first.candidates
    assert ctl.model.row_values(0).name == huge  # read whole
    cell = ctl.model.data(ctl.model.index(0, 0))
    assert cell.startswith("Gracexxx") and cell.endswith("…") and len(cell) == SHOWN_AT_MOST
    ctl.page.table.selectRow(0)
    qtbot.waitUntil(lambda: ctl.page.profile.toPlainText().startswith("Gracexxx"), timeout=10_000)
    assert len(ctl.page.profile.toPlainText()) < 2 * SHOWN_AT_MOST
    qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    first.close()


def test_times_no_calendar_has_are_shown_as_stored(window, runner, error_path, qtbot):
    """Hostile content in the cache: times past the year 9999 raised in the cell's paint and in the
    profile (the error path); they are shown as the numbers they are."""
    _write_cache(paths.database_path())
    far = 10**17
    db = sqlite3.connect(paths.database_path())
    with db:
        db.execute("UPDATE opportunities SET updated_at = ?, archived_at = ? WHERE id = 'o0299'", (far, far))
    db.close()
    first = show_candidates(window, runner, config.Settings(), sandbox=False)
    assert first is not None
    ctl = first.candidates
    page = ctl.page
    page.archived.setCurrentIndex(page.archived.findData(ARCHIVED_ONLY))
    qtbot.waitUntil(lambda: page.count.text() == "1 candidate", timeout=10_000)
    qtbot.waitUntil(lambda: ctl.model.row_values(0) is not None, timeout=10_000)
    assert ctl.model.data(ctl.model.index(0, ctl.model.column_of("updated"))) == str(far)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: f"Archived {far}" in page.profile.toPlainText().replace("\n", " "), timeout=10_000)
    qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    first.close()


# -- the filter choices: read once at start (#16.4) ------------------------------------------------------


def _choice_reads(monkeypatch, *, held: threading.Event | None = None, ended: threading.Event | None = None):
    """Where each read of the filter choices went ("first look" or "store"), counted through the real
    reads, and "sync" when a sync pass said the cache changed (offline: it failed). ``held``: a read of the first look waits for it before it reads the cache; ``ended`` is set
    when it has read (or failed to)."""
    reads: list[str] = []
    read_choices = store_candidates.filter_choices

    def counted(conn):
        first_look = isinstance(conn, sqlite3.Connection)  # the store hands its SQLAlchemy connection
        reads.append("first look" if first_look else "store")
        try:
            if first_look and held is not None:
                held.wait(10)
            return read_choices(conn)
        finally:
            if first_look and ended is not None:
                ended.set()

    monkeypatch.setattr(store_candidates, "filter_choices", counted)
    cache_changed = MainController._cache_changed  # a sync pass (one that failed too) reads them again

    def synced(self) -> None:
        reads.append("sync")
        cache_changed(self)

    monkeypatch.setattr(MainController, "_cache_changed", synced)
    return reads


def _before_a_sync(reads: list[str]) -> list[str]:
    return reads[: reads.index("sync")] if "sync" in reads else reads


def _has_choices(page: CandidatesPage) -> bool:
    return page.stage.findData("screen") >= 0 and page.owner.findData("u1") >= 0


@pytest.mark.logs_warnings("Lever at a closed port cannot be reached")
def test_the_filter_choices_the_first_look_read_are_not_read_again_when_the_session_opens(
    runner, error_path, qtbot, monkeypatch
):
    """The owners' query costs 15-40 ms on 100,000 candidates, on the store's thread while it reads the list:
    read once, by the first look, they stay in the filters when the session's window takes the list over."""
    _write_cache(paths.database_path())
    _offline_account(monkeypatch)
    reads = _choice_reads(monkeypatch)
    shell = Shell(runner, error_path)
    running = asyncio.ensure_future(shell.main())
    try:
        # The filter index is asked of the store after the choices would be (one thread, in order).
        qtbot.waitUntil(
            lambda: shell.controller is not None and shell.controller.candidates.index is not None, timeout=30_000
        )
        assert shell.controller is not None
        assert _has_choices(shell.controller.candidates.page)
        assert _before_a_sync(reads) == ["first look"]
    finally:
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)


@pytest.mark.logs_warnings("Lever at a closed port cannot be reached")
def test_filter_choices_the_first_look_could_not_read_are_read_when_the_session_opens(
    runner, error_path, qtbot, monkeypatch
):
    """Another program held an older cache locked while the first look read the rest of the list and the
    choices (both fail, quietly): the session's store reads them once it is open, with nothing said."""
    _write_an_older_cache()
    _offline_account(monkeypatch)
    reads = _choice_reads(monkeypatch)
    opening = open_window(runner, sandbox=False)  # the first screen is read ...
    assert opening.first_list is not None
    locker = sqlite3.connect(paths.database_path(), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")  # ... then the cache is locked until the session starts opening
    choose = Shell._choose_account

    async def unlocked(self):
        locker.close()
        return await choose(self)

    monkeypatch.setattr(Shell, "_choose_account", unlocked)
    shell = Shell(runner, error_path, opening=opening)
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: shell.controller is not None, timeout=30_000)
        assert shell.controller is not None
        page = shell.controller.candidates.page
        qtbot.waitUntil(lambda: _has_choices(page), timeout=10_000)
        assert _before_a_sync(reads) == ["first look", "store"]  # not left to the first sync's end
    finally:
        locker.close()
        shell.quit()
        qtbot.waitUntil(running.done, timeout=30_000)


def test_filter_choices_the_first_look_fails_to_read_after_the_store_took_over_are_read_from_the_store(
    window, runner, qtbot, monkeypatch
):
    """The first look's read of the choices was under way when the store took over, and failed after (another
    program locked the cache a moment): the store reads them, else the filters stayed empty until a sync."""
    _write_an_older_cache()
    held, ended = threading.Event(), threading.Event()
    reads = _choice_reads(monkeypatch, held=held, ended=ended)
    first = _listed(window, runner, qtbot)  # the first look's read of the choices waits, started
    ctl = first.candidates
    locker = sqlite3.connect(paths.database_path(), isolation_level=None)
    locker.execute("BEGIN EXCLUSIVE")
    held.set()  # it reads the locked cache now, and fails
    # Waited on this thread, which runs no event meanwhile: the failure is told after the store took over.
    assert ended.wait(10)
    locker.close()
    assert reads == ["first look"] and not _has_choices(ctl.page)
    with Store.open() as store:
        first.hand_over(_Session(store))
        qtbot.waitUntil(lambda: _has_choices(ctl.page), timeout=10_000)
        assert reads == ["first look", "store"]
        qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)


def test_a_cache_of_undated_candidates_shows_its_first_screen_then_the_rest_and_a_filter_typed_meanwhile(
    window, runner, qtbot
):
    """A cache whose candidates have no update time: the first paint reads its first screen only (it read
    every id on the window's thread), the rest and a filter typed before the loop ran follow, in the order
    of the whole list."""
    _write_cache(paths.database_path())
    db = sqlite3.connect(paths.database_path())
    with db:
        db.execute("UPDATE opportunities SET updated_at = NULL")
    db.close()
    with Store.open() as store:
        everyone = store.call_sync(store_candidates.candidate_ids, CandidateFilter())
        with_e = store.call_sync(store_candidates.candidate_ids, CandidateFilter(text="e"))
    assert BLOCK < len(with_e) < N
    first = show_candidates(window, runner, config.Settings(), sandbox=False)
    assert first is not None
    page, model = first.candidates.page, first.candidates.model
    assert [model.id_at(r) for r in range(model.rowCount())] == everyone[:BLOCK]
    assert page.count.text() == "Counting…"
    page.search.setText("e")  # typed as the list appeared, before the event loop runs
    first.go_on()
    qtbot.waitUntil(lambda: page.count.text() == f"{len(with_e)} candidates", timeout=10_000)
    assert [model.id_at(r) for r in range(model.rowCount())] == with_e
    page.search.clear()
    qtbot.waitUntil(lambda: page.count.text() == f"{N} candidates", timeout=10_000)
    assert [model.id_at(r) for r in range(model.rowCount())] == everyone
    qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
    first.close()


def _gone_on_with_asks(window, runner, monkeypatch):
    """The first look's list of the cache at the data dir, gone on as when the event loop starts, and the
    list's reads and the filter choices' read as the runner is asked for them, each with the count the
    list showed then."""
    _write_cache(paths.database_path())
    first = show_candidates(window, runner, config.Settings(), sandbox=False)
    assert first is not None
    page = first.candidates.page
    asks: list[tuple[str, str]] = []
    run = runner.run

    def recorded(work, **kwargs):
        if kwargs.get("name") in ("list candidates", "filter candidates", "load filters"):
            asks.append((kwargs["name"], page.count.text()))
        return run(work, **kwargs)

    monkeypatch.setattr(runner, "run", recorded)
    first.go_on()
    return first, page, asks


def test_at_start_the_filter_choices_are_read_once_the_rest_of_the_list_is_counted(window, runner, qtbot, monkeypatch):
    """The owners' query (15-40 ms on 100,000 candidates) read beside the rest of the list slowed the list's
    own reads: the choices are read once the list is counted."""
    first, page, asks = _gone_on_with_asks(window, runner, monkeypatch)
    qtbot.waitUntil(lambda: _has_choices(page), timeout=10_000)
    assert asks == [("list candidates", "Counting…"), ("load filters", f"{N} candidates")]
    first.close()


def test_a_filter_typed_as_the_list_appears_is_read_before_the_filter_choices(window, runner, qtbot, monkeypatch):
    """Typed as the list appeared (bench_ui's first keystroke): the typed filter, not the choices, is read
    beside nothing; the choices follow its answer and are offered all the same."""
    first, page, asks = _gone_on_with_asks(window, runner, monkeypatch)
    page.search.setText("grace")  # in the event loop's first pass, as the rest of the list is asked for
    qtbot.waitUntil(lambda: _has_choices(page), timeout=10_000)
    assert asks == [
        ("list candidates", "Counting…"),  # put off by the filter before it was read
        ("filter candidates", "Counting…"),
        ("load filters", f"{N // 4} candidates"),
    ]
    assert page.count.text() == f"{N // 4} candidates"
    first.close()


def test_choices_the_first_look_answers_after_a_sync_do_not_replace_those_the_store_read_since(
    window, runner, qtbot, monkeypatch
):
    """The first look's read of the choices answered late: after the store took over, a sync brought a new
    stage and the store read the choices again. Its older choices replaced the new ones: the new stage was
    not offered until the next sync."""
    _write_cache(paths.database_path())
    read, answer = threading.Event(), threading.Event()
    read_choices = store_candidates.filter_choices

    def late(conn):
        choices = read_choices(conn)
        if isinstance(conn, sqlite3.Connection):  # the first look's (the store hands its SQLAlchemy connection)
            read.set()
            answer.wait(10)
        return choices

    monkeypatch.setattr(store_candidates, "filter_choices", late)
    first = _listed(window, runner, qtbot)
    qtbot.waitUntil(read.is_set, timeout=10_000)  # read before the sync (once the list is counted), not answered yet
    ctl = first.candidates
    with Store.open() as store:
        first.hand_over(_Session(store))
        stages = [{"id": "screen", "text": "Screen"}, {"id": "offer", "text": "Offer"}]
        store.call_sync(cache.upsert_stages, stages, 2)  # what a sync brings
        ctl.cache_changed()
        qtbot.waitUntil(lambda: ctl.page.stage.findData("offer") >= 0, timeout=10_000)
        answer.set()
        qtbot.waitUntil(lambda: not runner.busy(), timeout=10_000)
        assert ctl.page.stage.findData("offer") >= 0
