"""The one crash path (after qutebrowser's crashsignal): log, then tell the person once.

Every failure nobody handled — ``sys.excepthook`` (where qasync's ``asyncSlot``
sends its errors), threads, the asyncio loop's exception handler and the
``TaskRunner`` — ends up in ``ErrorPath.report``. Known errors become one
sentence with a way forward; anything else becomes a dialog with copyable,
redacted details. Each distinct error is shown once per run; the log gets all.

``report`` may be called on any thread (``threading.excepthook`` runs on the
thread that raised: the sandbox's and the relay's uvicorn threads are real
sources). It logs there, at once, and hands the rest to the GUI thread through
a queued signal (as Anki's task manager does): widgets are only ever built on
the GUI thread, and listeners of ``reported`` may touch theirs.

A hard crash (segfault, abort) cannot run Python: ``faulthandler`` writes it to
a file in the log dir, and the next start reports that file.
"""

from __future__ import annotations

import collections
import faulthandler
import logging
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from lever_desktop import APP_NAME
from lever_desktop import log as applog
from lever_desktop.messages import explain
from lever_desktop.ui.plain import plain_label

if TYPE_CHECKING:  # imported after the window's first paint: installed before it, without a loop
    import asyncio

_log = logging.getLogger(__name__)

FAULT_FILE = "faulthandler.log"
KEPT_ERRORS = 50  # the newest errors kept for tests and debugging; a thread failing in a loop must not grow memory


class ErrorPath(QObject):
    """Receives every unhandled error of the application."""

    reported = Signal(str, str)  # (summary for people, detail for the log/dialog); on the GUI thread
    _from_thread = Signal(object, str, str, str)  # (error, summary, detail, key) to be shown by the GUI thread

    def __init__(self, log_dir: Path | None, *, dialogs: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._log_dir = log_dir
        self._dialogs = dialogs
        self._seen: set[str] = set()
        self._open: list[QDialog] = []
        self._fault_file: TextIO | None = None
        self._old_hooks: tuple[Any, Any] | None = None
        self.window: Callable[[], QWidget | None] = lambda: None
        self.errors: collections.deque[BaseException] = collections.deque(maxlen=KEPT_ERRORS)  # tests look here
        self._from_thread.connect(self._tell, Qt.ConnectionType.QueuedConnection)

    # -- installation ------------------------------------------------------
    def install(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._old_hooks = (sys.excepthook, threading.excepthook)
        sys.excepthook = lambda t, e, tb: self.report(e, "unhandled")
        threading.excepthook = self._thread_failed
        if loop is not None:
            self.watch_loop(loop)

    def watch_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Also report what the event loop's tasks and callbacks raise (the loop comes after install)."""
        loop.set_exception_handler(self._loop_exception)

    def _thread_failed(self, args: threading.ExceptHookArgs) -> None:
        error = args.exc_value if args.exc_value is not None else RuntimeError(f"{args.exc_type.__name__} in a thread")
        self.report(error, f"thread {args.thread.name if args.thread else '?'}")

    def uninstall(self) -> None:
        if self._old_hooks is not None:
            sys.excepthook, threading.excepthook = self._old_hooks
            self._old_hooks = None
        self.stop_fault_log()

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        exc = context.get("exception")
        if exc is None:
            _log.warning("asyncio: %s", context.get("message"))
            return
        self.report(exc, str(context.get("message") or "event loop"))

    # -- hard crashes --------------------------------------------------------
    def start_fault_log(self) -> str | None:
        """Enable faulthandler to a file; returns what the previous run left there, if anything."""
        if self._log_dir is None:
            return None
        path = self._log_dir / FAULT_FILE
        previous = None
        if path.exists() and path.stat().st_size > 0:
            previous = path.read_text(encoding="utf-8", errors="replace")
            path.replace(path.with_suffix(".previous"))
        self._fault_file = open(path, "w", encoding="utf-8")
        faulthandler.enable(self._fault_file)
        return previous

    def stop_fault_log(self) -> None:
        if self._fault_file is None:
            return
        faulthandler.disable()
        self._fault_file.close()
        Path(self._fault_file.name).unlink(missing_ok=True)  # a clean exit leaves nothing to report
        self._fault_file = None

    def report_previous_crash(self, text: str) -> None:
        _log.error("the previous run ended in a hard crash:\n%s", text)
        self._show(
            f"{APP_NAME} stopped unexpectedly the last time it ran.",
            "What the crash left behind (also in the log):\n\n" + text,
            key="previous-crash",
        )

    # -- reporting -----------------------------------------------------------
    def report(self, exc: BaseException, context: str = "") -> None:
        """Log ``exc`` now and tell the person on the GUI thread; safe to call from any thread."""
        import asyncio

        if isinstance(exc, (KeyboardInterrupt, SystemExit, asyncio.CancelledError)):
            return
        detail = applog.redact("".join(traceback.format_exception(exc)))
        summary = explain(exc)
        if summary is None:
            _log.error("unexpected error (%s)", context, exc_info=exc)
            frame = traceback.extract_tb(exc.__traceback__)[-1:] if exc.__traceback__ else []
            key = f"{type(exc).__name__}@{frame[0].filename}:{frame[0].lineno}" if frame else repr(type(exc))
            summary = (
                f"Something went wrong ({context or 'unexpected error'}). Your drafts and approvals "
                "are safe. The details below help us fix it."
            )
        else:
            _log.warning("%s (%s): %s", summary, context, type(exc).__name__)
            key, detail = summary, ""
        if QThread.currentThread() is self.thread():
            self._tell(exc, summary, detail, key)
            return
        try:
            self._from_thread.emit(exc, summary, detail, key)
        except RuntimeError:  # the path itself is gone (the app is closing): the log has it
            pass

    @Slot(object, str, str, str)
    def _tell(self, exc: BaseException, summary: str, detail: str, key: str) -> None:
        self.errors.append(exc)
        self.reported.emit(summary, detail)
        self._show(summary, detail, key=key)

    def _show(self, summary: str, detail: str, *, key: str) -> None:
        if key in self._seen or not self._dialogs or QGuiApplication.instance() is None:
            return
        self._seen.add(key)
        dialog = ErrorDialog(summary, detail, self.window())
        self._open.append(dialog)
        dialog.finished.connect(lambda _=0, d=dialog: self._open.remove(d) if d in self._open else None)
        dialog.open()  # never exec(): we may be inside a coroutine


class ErrorDialog(QDialog):
    """One sentence in words, the redacted details below it, and a Copy button."""

    def __init__(self, summary: str, detail: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"{APP_NAME} — problem")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        layout = QVBoxLayout(self)
        label = plain_label(summary)  # may quote an error from Lever or the relay
        label.setWordWrap(True)
        layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        if detail:
            self.details = QPlainTextEdit(detail)
            self.details.setReadOnly(True)
            self.details.setMinimumSize(560, 220)
            layout.addWidget(self.details)
            copy = buttons.addButton("Copy details", QDialogButtonBox.ButtonRole.ActionRole)
            copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(detail))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
