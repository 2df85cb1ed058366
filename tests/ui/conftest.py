"""GUI test harness: a qasync loop for pytest-qt, and failure on noise.

pytest-qt knows nothing of qasync. ``qloop`` installs a qasync loop that is
"already running" on the test's QApplication, so ``qtbot.waitUntil`` /
``waitSignal`` (which spin Qt's event loop) also drive asyncio tasks. At
teardown it cancels what is left and re-raises any error the loop's exception
handler or ``sys.excepthook`` saw (qasync's ``asyncSlot`` reports there).
Unexpected Qt warnings fail the test too (after qutebrowser's logfail).
"""

from __future__ import annotations

import asyncio
import gc
import sys

import pytest
from PySide6.QtCore import QtMsgType

import qasync  # noqa: I001 - after PySide6

from lever_desktop.ui.crash import ErrorPath
from lever_desktop.ui.tasks import TaskRunner

# Warnings Qt prints on headless CI machines that say nothing about our code.
ALLOWED_QT_WARNINGS = (
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support raise()",
    "QSystemTrayIcon::setVisible: No Icon set",
    "Populating font family aliases took",
    "This plugin does not support grabbing the keyboard",  # offscreen: a popup (the date's calendar)
)


@pytest.fixture
def qloop(qapp, qtbot):
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    errors: list[BaseException] = []

    def handler(_loop, context):
        errors.append(context.get("exception") or RuntimeError(context.get("message")))

    loop.set_exception_handler(handler)
    old_hook = sys.excepthook
    sys.excepthook = lambda t, e, tb: errors.append(e)
    try:
        yield loop
        pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
        for t in pending:
            t.cancel()
        if pending:
            qtbot.waitUntil(lambda: all(t.done() for t in pending), timeout=10_000)
    finally:
        sys.excepthook = old_hook
        # Not loop.stop(): it calls QApplication.exit(), whose quitNow flag would make
        # every later QEventLoop (qtbot.waitSignal) return at once in the next test.
        loop._QEventLoop__is_running = False
        asyncio.events._set_running_loop(None)
        loop.close()
        asyncio.set_event_loop(None)
    if errors:
        raise errors[0]


@pytest.fixture
def error_path(qapp):
    """The application's error path with dialogs off; the test fails if anything reached it."""
    path = ErrorPath(None, dialogs=False)
    yield path
    if path.errors:
        raise path.errors[0]


@pytest.fixture
def runner(qloop, error_path, qtbot):
    r = TaskRunner(error_path.report)
    yield r
    qtbot.waitUntil(lambda: not r.busy(), timeout=15_000)


@pytest.fixture(autouse=True)
def _fail_on_qt_warnings(request, qtlog):
    yield
    # Collect this test's garbage here, on the GUI thread: left to chance, a collection
    # could run on the store's thread and destroy Qt objects there (Qt warns, or worse).
    gc.collect()
    if request.node.get_closest_marker("qt_noisy"):
        return
    bad = [
        r.message
        for r in qtlog.records
        if r.type in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg)
        and not any(a in r.message for a in ALLOWED_QT_WARNINGS)
    ]
    if bad:
        pytest.fail("unexpected Qt warnings:\n" + "\n".join(bad), pytrace=False)
