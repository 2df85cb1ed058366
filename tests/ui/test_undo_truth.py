"""Approve's Undo bar tells the time the outbox keeps (#14.13): the grace is stored with the
approval and counted from it, so the bar counts what is left of that grace, not a fresh grace
from whenever the window got round to showing it. Against the sandbox over loopback."""

from __future__ import annotations

import asyncio
import math
import re
import time

from PySide6.QtCore import Qt
from test_flows import TIMEOUT, desktop, import_and_open, run, sandbox_draft, shell  # noqa: F401  (fixtures)

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

    send_after = run(qtbot, desktop.session.store.call(
        lambda conn: conn.execute(outbox.select().where(outbox.c.draft_id == doc["draftId"])).one().send_after))
    stored_left = (send_after - now_ms()) / 1000
    shown = int(re.search(r"sending in (\d+) s", bar.text.text()).group(1))
    assert stored_left < GRACE_S - 1  # the busy store did eat into the grace
    assert shown <= math.ceil(stored_left), (bar.text.text(), stored_left)
