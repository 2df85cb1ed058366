"""The candidate list in the window's first paint, from a first look at the cache (ui/first_look.py, #16.4).

A real cache file written by the real store, the real window and list; every wait is on an effect.
"""

from __future__ import annotations

import asyncio

import pytest
from helpers.cache_damage import damaged_cache

from lever_desktop import config, paths
from lever_desktop.store import cache
from lever_desktop.store.candidates import filter_choices
from lever_desktop.store.db import Store
from lever_desktop.ui.crash import ErrorPath
from lever_desktop.ui.first_look import open_window, show_candidates
from lever_desktop.ui.main_window import PAGES, MainWindow
from lever_desktop.ui.shell import Shell

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
    first = show_candidates(window, runner, config.Settings(), sandbox=False)
    assert first is not None
    ctl = first.candidates
    first.go_on()
    qtbot.waitUntil(lambda: ctl.page.count.text() == f"{N} candidates", timeout=10_000)
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
    monkeypatch.setenv("LEVER_API_KEY", "k-123456")
    monkeypatch.setenv("LEVER_BASE_URL", "http://127.0.0.1:9/v1")
    shell = Shell(runner, ErrorPath(None, dialogs=False))
    caplog.set_level("INFO", logger="lever_desktop.ui.first_look")
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: shell.controller is not None, timeout=30_000)
        assert "first screen of the candidate list from the cache as it was left" in caplog.text
        candidates = shell.controller.candidates
        assert candidates.session is shell.session  # the list now reads the session's store
        assert shell.window.stack.widget(CANDIDATES) is candidates.page
        candidates.page.search.setText("radia")
        qtbot.waitUntil(lambda: candidates.page.count.text() == f"{N // 4} candidates", timeout=10_000)
    finally:
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
