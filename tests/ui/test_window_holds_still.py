"""#14.8: what the window shows about syncing never moves what is under the pointer.

A sync starting (in the background too) must not push the toolbar, and a retry while Lever
is unreachable must not hide and re-show the offline banner (the window jumped by its
height each time). Geometry is read when the engine reports the state change, with the
window laid out at that moment, as the next paint would show it.
"""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QToolBar
from test_flows import TIMEOUT, desktop, shell  # noqa: F401  (fixtures: the window on the sandbox)

from lever_desktop.sync.events import SyncState


def laid_out(window) -> None:
    for widget in (window, window.centralWidget(), window.statusBar()):
        widget.layout().activate()


def watch(desktop, sample) -> list:
    """Call ``sample()`` after the window has handled each sync state change."""
    seen: list = []

    def listener(event) -> None:
        if event.kind == "state":
            laid_out(desktop.window)
            seen.append((event.state, sample()))

    unsubscribe = desktop.session.engine.subscribe(listener)  # after the window's own listener
    return seen, unsubscribe


def test_a_sync_starting_does_not_push_the_toolbar(desktop, qtbot):
    window = desktop.window
    toolbar = window.findChild(QToolBar, "mainToolbar")
    buttons = [toolbar.widgetForAction(a) for a in (window.import_action, window.settings_action)]
    laid_out(window)
    before = [b.x() for b in buttons]
    seen, unsubscribe = watch(desktop, lambda: ([b.x() for b in buttons], window.sync_progress.isVisible()))
    try:
        with qtbot.waitSignal(desktop.controller.sync.finished, timeout=TIMEOUT):
            window.sync_action.trigger()
    finally:
        unsubscribe()
    assert (SyncState.SYNCING, (before, True)) in seen  # progress shown, the toolbar where it was
    assert window.statusBar().isAncestorOf(window.sync_progress)
    assert all(sample[0] == before for _state, sample in seen)


@pytest.mark.logs_warnings("Lever is stopped on purpose: the client says once that it cannot be reached")
def test_a_retry_while_offline_keeps_the_banner_and_the_window_still(desktop, sandbox, qtbot):
    window = desktop.window
    sandbox.stop()
    with qtbot.waitSignal(desktop.controller.sync.finished, timeout=TIMEOUT):
        window.sync_action.trigger()
    qtbot.waitUntil(window.offline_banner.isVisible, timeout=TIMEOUT)
    laid_out(window)
    y = window.splitter.mapTo(window, window.splitter.rect().topLeft()).y()
    seen, unsubscribe = watch(
        desktop,
        lambda: (
            window.offline_banner.isVisible(),
            window.splitter.mapTo(window, window.splitter.rect().topLeft()).y(),
        ),
    )
    try:
        with qtbot.waitSignal(desktop.controller.sync.finished, timeout=TIMEOUT) as finished:
            window.offline_banner.button.click()  # "Try again": the same pass a background retry runs
    finally:
        unsubscribe()
    assert not finished.args[0].ok
    assert [state for state, _sample in seen] == [SyncState.SYNCING, SyncState.OFFLINE]
    assert all(sample == (True, y) for _state, sample in seen), seen
    sandbox.start()
    with qtbot.waitSignal(desktop.controller.sync.finished, timeout=TIMEOUT) as finished:
        window.offline_banner.button.click()
    assert finished.args[0].ok
    qtbot.waitUntil(lambda: not window.offline_banner.isVisible(), timeout=TIMEOUT)  # gone once Lever answers
