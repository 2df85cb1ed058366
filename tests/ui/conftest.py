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
from PySide6.QtCore import QTimer, QtMsgType

# isort: split
import qasync  # after PySide6: it picks the first Qt binding already imported

from lever_desktop.ui.app import collect_on_gui_thread
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


@pytest.fixture(scope="session", autouse=True)
def _collect_on_gui_thread_only(qapp):
    """As the app does (ui/app.py ``collect_on_gui_thread``): no collection may run on the
    store's thread and destroy Qt objects there. Left automatic, one did, mid-query, and the
    UI suite died of a segfault in tests/ui/test_draft_flipping.py."""
    timer = collect_on_gui_thread(qapp, every_ms=500)
    yield
    if timer is not None:
        timer.stop()
        qapp.setProperty("leverGcTimer", False)
    gc.enable()


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
        # qasync's own end of a loop made with already_running=True is stop(), then close().
        # stop() calls QApplication.exit(), whose quitNow flag would make every later
        # QEventLoop (qtbot.waitSignal) return at once; one pass of the application's loop,
        # straight to its quit, clears the flag. The loop then stops being the running one
        # (qasync set it so; asyncio's hook for loop implementations).
        loop.stop()
        QTimer.singleShot(0, qapp.quit)
        qapp.exec()
        asyncio._set_running_loop(None)
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
