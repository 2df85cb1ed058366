"""Start the GUI: QApplication, the qasync loop, the error path, then the shell.

``cli.main`` calls ``run(args)`` when no subcommand is given. Everything Qt is
imported here, never by ``cli.py`` at module level, so headless commands start
without loading Qt.
"""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from lever_desktop import APP_ID, APP_NAME, __version__, log, paths
from lever_desktop.ui import theme
from lever_desktop.ui.crash import ErrorPath
from lever_desktop.ui.first_look import open_window
from lever_desktop.ui.tasks import TaskRunner

if TYPE_CHECKING:  # imported after the window's first paint (``run``)
    import asyncio

    from lever_desktop.ui.shell import Shell

_log = logging.getLogger(__name__)

# httpx imports its command line (click, rich, pygments: ~50 ms of the start, before the first rows) whenever
# those happen to be installed; the window never runs it. ``httpx.main`` then says how to get it.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]


def create_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    theme.before_app()
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    # The main window decides when we quit (after a clean shutdown), not Qt.
    app.setQuitOnLastWindowClosed(False)
    theme.apply(app)
    return app


# While starting, the window's thread asks for the GIL every millisecond instead of every 5: a worker
# thread importing SQLAlchemy, pydantic and httpx holds it otherwise, and a filter typed at the first
# screen waited ~0.2 s longer, a few milliseconds at each of its hand-overs (measured in bench_ui).
START_SWITCH_INTERVAL_S = 0.001
GC_YOUNG_EVERY_MS = 5_000
GC_FULL_EVERY = 60  # young collections between two full ones (about 5 minutes)
_default_switch_interval = sys.getswitchinterval()


def collect_on_gui_thread(app: QCoreApplication, every_ms: int = GC_YOUNG_EVERY_MS) -> QTimer | None:
    """Turn automatic garbage collection off and collect on a GUI-thread timer instead.

    Python collects on whichever thread happens to allocate. When that is the store's thread
    (``store.call`` runs queries there), the collection destroys the Qt objects it frees on the
    wrong thread: Qt warns ("Timers cannot be stopped from another thread") or the process
    crashes (a segfault in the UI suite, with the store's thread inside a query). So, as in
    qutebrowser and Anki, only the GUI thread collects. Done before the store's thread starts;
    returns the timer (None if already done for ``app``).
    """
    if app.property("leverGcTimer"):
        return None
    gc.disable()
    ticks = [0]

    def collect() -> None:
        ticks[0] += 1
        gc.collect(2 if ticks[0] % GC_FULL_EVERY == 0 else 1)

    timer = QTimer(app)
    timer.setInterval(every_ms)
    timer.timeout.connect(collect)
    timer.start()
    app.setProperty("leverGcTimer", True)
    return timer


def settle_memory() -> None:
    """Once the window is up: collect and freeze the start-up heap (frozen objects are never
    walked again: a full collection walks every live object, and during a sync with a large
    cache it stalled the event loop for a quarter of a second; Anki does the same)."""
    app = QApplication.instance()
    if app is None or app.property("leverMemorySettled"):
        return
    collect_on_gui_thread(app)  # already on when started by run(); benches call this alone
    gc.collect()
    gc.freeze()
    app.setProperty("leverMemorySettled", True)
    sys.setswitchinterval(_default_switch_interval)  # started: back to Python's own


def _started() -> None:
    """The window has everything in (its candidate list's filter index too): the start-up's deferred work."""
    settle_memory()
    log.rotate_from_now()  # a plain log file until now (log's docstring)


def app_icon() -> QIcon:
    from lever_desktop.resources import resource_path

    try:
        return QIcon(str(resource_path("icons/lever-desktop.svg")))
    except FileNotFoundError:
        return QIcon()


def _quit_on_signals(loop: asyncio.AbstractEventLoop, shell: Shell) -> None:
    """SIGTERM (logout, ``kill``, a service manager) and SIGINT close the app like its window does.

    Without this Python dies on SIGTERM at once: the reviewer's unsaved edits are not written
    and the HTTP client and database are not closed. Approved drafts are safe either way (they
    are committed before the outbox sends them); this keeps the rest too.
    """

    import signal

    def request_quit(name: str) -> None:
        _log.info("%s received: closing", name)
        shell.quit()

    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, request_quit, sig.name)
        except (NotImplementedError, RuntimeError, ValueError):  # Windows: no signal handlers on loops
            pass


def run(args: argparse.Namespace) -> int:
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request drowns the log
    app = create_application()
    sys.setswitchinterval(START_SWITCH_INTERVAL_S)  # until settle_memory()
    collect_on_gui_thread(app)  # before any worker thread exists
    errors = ErrorPath(paths.log_dir())
    errors.install()
    previous_crash = errors.start_fault_log()
    runner = TaskRunner(errors.report)
    sandbox = bool(getattr(args, "sandbox", False))
    # The window, with the candidate list from the cache, painted before asyncio, qasync (~45 ms) and
    # the session's libraries load: nothing in it runs a task before the loop below exists.
    opening = open_window(runner, sandbox=sandbox)
    app.processEvents()
    import asyncio

    import qasync  # after PySide6: it picks the first Qt binding already imported

    from lever_desktop.ui.shell import Shell

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    errors.watch_loop(loop)
    shell = Shell(runner, errors, sandbox=sandbox, window_ready=_started, opening=opening)
    if previous_crash:
        errors.report_previous_crash(previous_crash)
    _quit_on_signals(loop, shell)
    try:
        with loop:
            return loop.run_until_complete(shell.main())
    except KeyboardInterrupt:
        return 130
    finally:
        errors.uninstall()
        asyncio.set_event_loop(None)
        _log.info("%s closed", APP_NAME)
