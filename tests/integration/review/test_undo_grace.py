"""Approve's Undo grace (#14.13): nothing sends before it ends, Undo returns the draft to review with
its values, and the grace is stored with the approval, so a kill -9 during it neither loses the
approval nor sends it early. Against the sandbox over loopback, on the outbox's clock.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import pytest
from helpers.review_sandbox import draft_for

from lever_desktop.review import approval, drafts, intake, lists
from lever_desktop.review.outbox import Outbox

GRACE_MS = 5_000


async def _forms(client, opportunity_id) -> int:
    return len(
        [f async for f in client.paginate(f"/opportunities/{opportunity_id}/feedback") if not f.get("deletedAt")]
    )


async def test_nothing_sends_in_the_grace_and_undo_gives_the_draft_back(world, lever):
    store, targets, every = world
    t = targets[0]
    doc = draft_for("d-undo", t, every)
    assert (await intake.receive_draft(store, doc, source="test")).status == "received"
    now = [drafts.now_ms()]
    outbox = Outbox(store, lever, clock=lambda: now[0])
    before = await _forms(lever, t.opportunity_id)
    edited = {**(await store.call(drafts.get, "d-undo")).current_values()}
    text_field = next(f["id"] for f in every["fields"] if f["type"] == "textarea")
    edited[text_field] = "Changed my mind about this."
    await approval.approve(store, "d-undo", reviewer="rita", values=edited, now=now[0], grace_ms=GRACE_MS)
    assert await outbox.next_due() == now[0] + GRACE_MS  # the loop wakes when the grace ends
    # The outbox page says what the drafts list says: approved, Undo still possible; then queued.
    [row] = [r for r in await store.call(lists.outbox_list, now[0] + GRACE_MS - 1) if r[0] == "d-undo"]
    assert row[2] == "undo_grace" and lists.DRAFT_STATE_LABELS[row[2]] == "Approved (Undo)"
    [row] = [r for r in await store.call(lists.outbox_list, now[0] + GRACE_MS) if r[0] == "d-undo"]
    assert row[2] == "approved"
    now[0] += GRACE_MS - 1
    report = await outbox.flush(ignore_schedule=True)  # "Lever is back": still not before the grace ends
    assert report.submitted == [] and await _forms(lever, t.opportunity_id) == before

    rec = await store.call(approval.undo, "d-undo", "rita")
    assert rec.state == "in_review" and rec.current_values()[text_field] == "Changed my mind about this."
    assert (await store.call(lists.counts))["outbox"] == 0 and await outbox.next_due() is None

    await approval.approve(store, "d-undo", reviewer="rita", values=edited, now=now[0], grace_ms=GRACE_MS)
    now[0] += GRACE_MS
    assert (await outbox.flush()).submitted == ["d-undo"]
    assert await _forms(lever, t.opportunity_id) == before + 1
    with pytest.raises(approval.UndoError, match="Too late to undo"):
        await store.call(approval.undo, "d-undo", "rita")


async def test_a_kill_during_the_grace_keeps_the_approval_and_its_grace(world, lever):
    store, targets, every = world
    t = targets[1]
    assert (await intake.receive_draft(store, draft_for("d-killed", t, every), source="test")).status == "received"
    approved_at = drafts.now_ms()
    # The window's process approves with a grace, then dies with no chance to clean up.
    script = textwrap.dedent(f"""
        import asyncio, os, signal
        from lever_desktop.review import approval
        from lever_desktop.store import Store
        store = Store.open({str(store.path)!r})
        asyncio.run(approval.approve(store, "d-killed", reviewer="rita", now={approved_at}, grace_ms={GRACE_MS}))
        os.kill(os.getpid(), signal.SIGKILL)
    """)
    died = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert died.returncode == -signal.SIGKILL, died.stderr
    rec = await store.call(drafts.get, "d-killed")
    assert rec.state == "approved"  # not lost
    now = [approved_at + GRACE_MS - 1]
    outbox = Outbox(store, lever, clock=lambda: now[0])  # the next start
    before = await _forms(lever, t.opportunity_id)
    assert (await outbox.flush(ignore_schedule=True)).submitted == []  # not early
    now[0] += 1
    assert (await outbox.flush()).submitted == ["d-killed"]
    assert await _forms(lever, t.opportunity_id) == before + 1


async def test_a_second_undo_says_the_draft_is_back_in_review_not_on_its_way(world, lever):
    """Undo twice (a double click, or Cancel on the outbox page then the bar's Undo): the second
    answer must not claim the form is on its way to Lever when nothing was sent."""
    store, targets, every = world
    t = targets[2]
    assert (await intake.receive_draft(store, draft_for("d-twice", t, every), source="test")).status == "received"
    await approval.approve(store, "d-twice", reviewer="rita", grace_ms=GRACE_MS)
    await store.call(approval.undo, "d-twice", "rita")

    with pytest.raises(approval.UndoError) as refused:
        await store.call(approval.undo, "d-twice", "rita")

    assert "on its way" not in str(refused.value) and "nothing was sent" in str(refused.value)
    assert (await store.call(drafts.get, "d-twice")).state == "in_review"
