"""The outbox count tells what is not yet in Lever, whatever happened to the attempts before (#14.3).

Against the sandbox over loopback, through the real client, store and outbox, on the outbox's clock.
"""

from __future__ import annotations

from helpers.review_sandbox import draft_for

from lever_desktop.review import approval, drafts, editing, intake, lists
from lever_desktop.review.outbox import Outbox
from lever_desktop.sandbox.faults import parse_spec


async def _approved(store, doc) -> None:
    assert (await intake.receive_draft(store, doc, source="test")).status == "received"
    await approval.approve(store, doc["draftId"], reviewer="rita")


async def _pending(store) -> int:
    return (await store.call(lists.counts))["outbox"]


async def test_a_draft_counts_until_lever_holds_it_through_lost_answers_and_retries(world, lever, sandbox):
    store, targets, every = world
    now = [10_000_000]
    outbox = Outbox(store, lever, clock=lambda: now[0], backoff_base_ms=1_000, settle_ms=1_000, settle_window_ms=5_000)
    await _approved(store, draft_for("d-count", targets[0], every))
    assert await _pending(store) == 1  # queued

    sandbox.faults.replace(parse_spec("drop,method=POST,path=*/feedback"))  # the answer never comes
    await outbox.flush()
    assert (await store.call(editing.draft_outcome, "d-count")).status == "checking"
    assert await _pending(store) == 1  # checking whether Lever stored it: still not in Lever

    now[0] += 60_000  # past the settle window: a read proves it is not there, to be sent again
    await outbox.flush()
    rec = await store.call(drafts.get, "d-count")
    assert rec.state == "approved"  # retry after a failure (it was sent once: sent_at is set)
    assert await _pending(store) == 1

    sandbox.faults.replace([])
    now[0] += 60_000
    assert (await outbox.flush()).submitted == ["d-count"]
    assert await _pending(store) == 0


async def test_discarding_an_approved_draft_removes_it_from_the_count(world, lever):
    store, targets, every = world
    await _approved(store, draft_for("d-gone", targets[1], every))
    await _approved(store, draft_for("d-kept", targets[2], every))
    assert await _pending(store) == 2
    await store.call(editing.discard, "d-gone", "rita")
    counts = await store.call(lists.counts)
    assert (counts["outbox"], counts["attention"]) == (1, 0)


async def test_a_draft_discarded_after_the_outbox_held_it_leaves_the_outbox_page(world, lever):
    """Approved, then stopped before sending (the interviewer wrote their own form in Lever), then
    discarded by the reviewer: nothing waits for Lever, so the outbox page must not list it."""
    store, targets, every = world
    t = targets[3]
    await _approved(store, draft_for("d-stopped", t, every))
    own = draft_for("their-own", t, every, seed=9)
    await lever.post(
        f"/opportunities/{t.opportunity_id}/feedback",
        params={"perform_as": t.interviewer["id"]},
        json={
            "baseTemplateId": every["id"],
            "panel": t.panel_id,
            "interview": t.interview_id,
            "completedAt": own["createdAt"],
            "fieldValues": [{"id": f["id"], "value": f["value"]} for f in own["fields"]],
        },
    )
    assert (await Outbox(store, lever).flush()).own_feedback == ["d-stopped"]
    assert [r[0] for r in await store.call(lists.outbox_list)] == ["d-stopped"]  # it needs attention: listed

    await store.call(editing.discard, "d-stopped", "rita")

    assert [r for r in await store.call(lists.outbox_list) if r[0] == "d-stopped"] == []
    counts = await store.call(lists.counts)
    assert (counts["outbox"], counts["attention"]) == (0, 0)
