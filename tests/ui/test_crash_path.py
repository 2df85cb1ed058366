"""The crash path is thread-safe: an error raised on any thread is told by the GUI thread, and what
the path keeps stays bounded however often a thread fails."""

from __future__ import annotations

import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lever_desktop.ui.crash import KEPT_ERRORS, ErrorDialog, ErrorPath


def _dialogs() -> list[ErrorDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()]


def _in_a_thread(target, name: str = "lever-sandbox") -> None:
    """Run ``target`` on a plain thread (like the sandbox's uvicorn thread) and let it end."""
    thread = threading.Thread(target=target, name=name, daemon=True)
    thread.start()
    thread.join(timeout=10)
    assert not thread.is_alive()


def _fail(n: int = 0) -> None:
    raise RuntimeError(f"the sandbox's server thread failed ({n})")


@pytest.mark.logs_warnings("an unexpected error is logged in full")
def test_an_error_in_a_plain_thread_is_told_on_the_gui_thread(qapp, qtbot):
    errors = ErrorPath(None)
    told_on = []
    # Direct: the listener runs on whichever thread emits ``reported``, so this records that thread.
    errors.reported.connect(
        lambda summary, _detail: told_on.append((threading.current_thread(), summary)),
        Qt.ConnectionType.DirectConnection,
    )
    errors.install()
    try:
        _in_a_thread(_fail)
        qtbot.waitUntil(lambda: len(told_on) == 1 and len(_dialogs()) == 1)
        (thread, summary), dialog = told_on[0], _dialogs()[0]
        assert thread is threading.main_thread()
        assert "thread lever-sandbox" in summary  # where it happened, in words
        assert dialog.thread() is qapp.thread()  # the widget was built on the GUI thread
        assert "the sandbox's server thread failed" in dialog.details.toPlainText()
        assert [type(e) for e in errors.errors] == [RuntimeError]
    finally:
        errors.uninstall()
        for d in _dialogs():
            d.close()


@pytest.mark.logs_warnings("an unexpected error is logged in full")
def test_a_thread_failing_over_and_over_keeps_the_error_path_bounded(qapp, qtbot):
    errors = ErrorPath(None, dialogs=False)
    told = []
    errors.reported.connect(lambda summary, _detail: told.append(summary))
    errors.install()
    total = KEPT_ERRORS * 4

    def fail_often() -> None:
        for n in range(total):
            try:
                _fail(n)
            except RuntimeError as e:
                threading.excepthook(
                    threading.ExceptHookArgs((type(e), e, e.__traceback__, threading.current_thread()))
                )

    try:
        _in_a_thread(fail_often)
        qtbot.waitUntil(lambda: len(told) == total)
    finally:
        errors.uninstall()
    assert len(errors.errors) == KEPT_ERRORS  # the newest ones, in order
    assert str(errors.errors[-1]) == f"the sandbox's server thread failed ({total - 1})"
    assert str(errors.errors[0]) == f"the sandbox's server thread failed ({total - KEPT_ERRORS})"
