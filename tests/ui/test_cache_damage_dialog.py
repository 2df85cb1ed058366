"""Opening the app on a damaged cache: one sentence in the error dialog, naming the backup to restore,
with no traceback under it (the detail is in the log)."""

from __future__ import annotations

import asyncio

import pytest
from helpers.cache_damage import damaged_cache
from PySide6.QtWidgets import QApplication

from lever_desktop import config
from lever_desktop.session import open_session
from lever_desktop.store.integrity import CacheDamaged
from lever_desktop.ui.crash import ErrorDialog, ErrorPath
from lever_desktop.ui.shell import Shell
from lever_desktop.ui.tasks import TaskRunner, in_thread


@pytest.mark.logs_warnings("a damaged cache is logged")
def test_opening_a_damaged_cache_shows_one_line_with_the_restore_command(qloop, qtbot):
    cache, _, backup = damaged_cache("garbage mid-file page")
    errors = ErrorPath(None)
    seen = []
    errors.reported.connect(lambda summary, detail: seen.append((summary, detail)))
    runner = TaskRunner(errors.report)
    account = config.Account(api_key="k-123456", base_url="http://127.0.0.1:9/v1")
    runner.run(
        open_session(account, settings=config.Settings(), database_path=cache, offload=in_thread), name="open the cache"
    )
    qtbot.waitUntil(lambda: bool(seen), timeout=15_000)
    summary, detail = seen[0]
    assert summary.startswith(f"The local cache {cache} is damaged")
    assert summary.endswith(f"lever-desktop cache restore {backup}")
    assert detail == ""  # no traceback for a person to read
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()]
    try:
        assert len(dialogs) == 1 and not hasattr(dialogs[0], "details")
    finally:
        for d in dialogs:
            d.close()


@pytest.mark.logs_warnings("a damaged cache is logged")
def test_the_window_opening_the_cache_while_it_imports_refuses_a_damaged_one_the_same_way(runner, qtbot):
    """The window opens the cache beside its imports (#16.4): a damaged one is still refused in one line,
    naming the backup, and no session or page is made from it."""
    _cache, _, backup = damaged_cache("garbage mid-file page")
    shell = Shell(runner, ErrorPath(None, dialogs=False))
    opening = asyncio.ensure_future(
        shell.open_account(config.Account(api_key="k-123456", base_url="http://127.0.0.1:9/v1"))
    )
    try:
        qtbot.waitUntil(opening.done, timeout=30_000)
        with pytest.raises(CacheDamaged) as refused:
            opening.result()
        assert str(refused.value).endswith(f"lever-desktop cache restore {backup}")
        assert shell.session is None and shell.controller is None
    finally:
        closing = asyncio.ensure_future(shell.shutdown())
        qtbot.waitUntil(closing.done, timeout=30_000)
