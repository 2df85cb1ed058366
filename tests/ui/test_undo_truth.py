"""Approve's Undo bar tells the time the outbox keeps (#14.13): the grace is stored with the
approval and counted from it, so the bar counts what is left of that grace, not a fresh grace
from whenever the window got round to showing it. Against the sandbox over loopback."""

from __future__ import annotations

import asyncio
import math
import re
import time

from PySide6.QtCore import Qt
from test_flows import TIMEOUT, desktop, import_and_open, lever_forms, run, sandbox_draft, shell  # noqa: F401

from lever_desktop.review.drafts import now_ms
from lever_desktop.store.review_schema import outbox

GRACE_S = 4.0
BUSY_S = 2.0  # the store's one thread kept busy (a sync's bulk upsert) while the approval waits its turn


def _busy_store(conn) -> None:
    time.sleep(BUSY_S)  # the slow work itself, not a wait for something to happen


def test_the_undo_bar_counts_down_the_stored_grace_when_the_store_was_busy(desktop, sandbox, qtbot, tmp_path):
    desktop.session.settings.undo_grace_seconds = GRACE_S
    drafts, bar = desktop.controller.drafts, desktop.controller.drafts.undo_bar
    doc = sandbox_draft(sandbox, None)  # nothing flagged: Approve is enabled at once
    import_and_open(desktop, qtbot, tmp_path, doc)
    qtbot.waitUntil(drafts.editor.approve.isEnabled, timeout=TIMEOUT)

    busy = asyncio.ensure_future(desktop.session.store.call(_busy_store))  # queued before the approval
    qtbot.mouseClick(drafts.editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: busy.done() and bar.isVisible() and bar.draft_id == doc["draftId"], timeout=TIMEOUT)

    send_after = run(
        qtbot,
        desktop.session.store.call(
            lambda conn: conn.execute(outbox.select().where(outbox.c.draft_id == doc["draftId"])).one().send_after
        ),
    )
    stored_left = (send_after - now_ms()) / 1000
    shown = int(re.search(r"sending in (\d+) s", bar.text.text()).group(1))
    assert stored_left < GRACE_S - 1  # the busy store did eat into the grace
    assert shown <= math.ceil(stored_left), (bar.text.text(), stored_left)


def test_a_restart_within_the_grace_offers_undo_again(desktop, sandbox, error_path, qtbot, tmp_path):
    """The window closed (or killed) seconds after Approve: the draft is still "Approved (Undo)", and
    the next start offers Undo for what is left of the grace; taking it back sends nothing."""
    from lever_desktop import config
    from lever_desktop.ui.shell import Shell
    from lever_desktop.ui.tasks import TaskRunner

    desktop.session.settings.undo_grace_seconds = 60.0
    drafts, bar = desktop.controller.drafts, desktop.controller.drafts.undo_bar
    doc = sandbox_draft(sandbox, None)
    import_and_open(desktop, qtbot, tmp_path, doc)
    qtbot.waitUntil(drafts.editor.approve.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(drafts.editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.isVisible() and bar.draft_id == doc["draftId"], timeout=TIMEOUT)
    run(qtbot, desktop.shutdown())

    again = Shell(TaskRunner(error_path.report), error_path)
    try:
        run(qtbot, again.open_account(config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url)))
        bar = again.controller.drafts.undo_bar
        qtbot.waitUntil(lambda: bar.isVisible() and bar.draft_id == doc["draftId"], timeout=TIMEOUT)
        shown = int(re.search(r"sending in (\d+) s", bar.text.text()).group(1))
        assert 1 <= shown <= 60
        qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
        editor = again.controller.drafts
        qtbot.waitUntil(
            lambda: (
                editor.view is not None
                and editor.view.record.draft_id == doc["draftId"]
                and editor.view.record.state == "in_review"
            ),
            timeout=TIMEOUT,
        )  # back in the editor
        assert [
            f
            for f in lever_forms(sandbox, doc["opportunityId"])
            if f.get("interview") == doc["interviewId"] and not f.get("deletedAt")
        ] == []
    finally:
        run(qtbot, again.shutdown())
