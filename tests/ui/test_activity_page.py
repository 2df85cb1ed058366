"""The Activity page keeps its lines in the cache: they are there after a restart, and the search box
filters everything kept (store/activity.py), against the real sandbox. Waits are on effects."""

from __future__ import annotations

from test_flows import TIMEOUT, desktop, run, shell  # noqa: F401  (fixtures)

from lever_desktop import config
from lever_desktop.store import activity as kept
from lever_desktop.ui.shell import Shell
from lever_desktop.ui.tasks import TaskRunner

LINES = (
    ("outbox", "submitted Phone screen for Frances Haddad to Lever"),
    ("outbox", "Lever rejected Onsite for Tomás Ruiz: it needs your attention"),
    ("import", "drafts.json: 2 received"),
)


def test_activity_survives_a_restart_and_is_searchable(desktop, sandbox, error_path, qtbot):
    activity = desktop.controller.activity
    for kind, text in LINES:
        activity.add(kind, text)
    assert all(text in activity.log.toPlainText() for _, text in LINES)  # shown at once
    store = desktop.session.store
    qtbot.waitUntil(
        lambda: {text for _, text in LINES} <= {line.text for line in store.call_sync(kept.recent, 100)},
        timeout=TIMEOUT,
    )
    run(qtbot, desktop.shutdown())

    runner = TaskRunner(error_path.report)
    again = Shell(runner, error_path)
    try:
        run(qtbot, again.open_account(config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url)))
        page = again.controller.activity.page
        qtbot.waitUntil(lambda: all(text in page.log.toPlainText() for _, text in LINES), timeout=TIMEOUT)

        page.search.setText("ruiz ATTENTION")
        qtbot.waitUntil(
            lambda: page.log.toPlainText().endswith(
                "outbox   Lever rejected Onsite for Tomás Ruiz: it needs your attention"
            ),
            timeout=TIMEOUT,
        )
        assert "Haddad" not in page.log.toPlainText() and page.log.blockCount() == 1
        again.controller.activity.add("outbox", "submitted Onsite for Tomás Ruiz — your attention was right")
        again.controller.activity.add("sync", "pass finished")  # not what is searched for: kept, not shown
        assert page.log.blockCount() == 2 and "pass finished" not in page.log.toPlainText()

        page.search.clear()
        qtbot.waitUntil(
            lambda: "pass finished" in page.log.toPlainText() and "Haddad" in page.log.toPlainText(), timeout=TIMEOUT
        )
        assert page.log.toPlainText().count("pass finished") == 1  # written once, shown once
    finally:
        run(qtbot, again.shutdown())
