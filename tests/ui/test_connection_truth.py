"""The status bar's Online/Offline follows Lever's last real answer (#14.4), in the window."""

from __future__ import annotations

import pytest
from test_flows import TIMEOUT, desktop, run, shell  # noqa: F401  (fixtures: the window on the sandbox)

from lever_desktop.lever.account import describe_key
from lever_desktop.sandbox.faults import parse_spec


@pytest.mark.logs_warnings("Lever is made unreachable on purpose: the client logs each retry")
def test_a_retry_is_not_reachable_again_and_any_answer_is(desktop, sandbox, qtbot):
    window, sync, log = desktop.window, desktop.controller.sync, desktop.controller.activity.log
    told: list[bool] = []
    sync.connection_changed.connect(told.append)
    sandbox.faults.replace(parse_spec("drop"))  # Lever's outage
    with qtbot.waitSignal(sync.finished, timeout=TIMEOUT):
        window.sync_action.trigger()
    qtbot.waitUntil(window.offline_banner.isVisible, timeout=TIMEOUT)
    assert window.status_connection.text() == "○ Offline" and told == [False]
    # A retry while Lever is still down: it starts, fails, and never claims Lever is back.
    with qtbot.waitSignal(sync.finished, timeout=TIMEOUT) as retried:
        window.sync_action.trigger()
        assert window.status_connection.text() == "○ Offline" and window.offline_banner.isVisible()
    assert not retried.args[0].ok
    assert "reachable again" not in log.toPlainText() and told == [False]

    sandbox.faults.replace([])  # Lever is back; nobody presses Sync
    run(qtbot, describe_key(sandbox.api_key, sandbox.base_url))  # any request that gets an answer
    qtbot.waitUntil(lambda: window.status_connection.text() in ("● Online", "⟳ Syncing"), timeout=TIMEOUT)
    assert not window.offline_banner.isVisible() and told == [False, True]
    assert log.toPlainText().count("Lever reachable again") == 1
