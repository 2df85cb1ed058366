"""The outbox page's actions against the sandbox: Retry now, Cancel (refused while a send may land),
and the Sent history (review/outbox_actions.py), through the real client over loopback.

The settle window is injected; every wait is on what the sandbox stored.
"""

from __future__ import annotations

import httpx
import pytest
from helpers.review_sandbox import draft_for
from helpers.waiting import wait_until

from lever_desktop.review import approval, drafts, intake, lists, outbox_actions, queue
from lever_desktop.review.drafts import now_ms
from lever_desktop.review.outbox import Outbox
from lever_desktop.sandbox.faults import parse_spec

Refused = outbox_actions.OutboxActionRefused


async def _approved(store, draft_id, target, template):
    r = await intake.receive_draft(store, draft_for(draft_id, target, template), source="test")
    assert r.status == "received", r
    await approval.approve(store, draft_id, reviewer="rita")


async def _forms(client, opportunity_id):
    return [f async for f in client.paginate(f"/opportunities/{opportunity_id}/feedback") if not f.get("deletedAt")]


def _stored_in_lever(sandbox, opportunity_id) -> int:
    """What the sandbox holds, read past the client (the sandbox runs on its own thread)."""
    forms = httpx.get(f"{sandbox.admin_url}/feedback/{opportunity_id}").raise_for_status().json()
    return sum(1 for f in forms if not f.get("deletedAt"))


async def test_cancel_takes_a_queued_draft_back_to_review_and_nothing_reaches_lever(world, lever):
    store, targets, every = world
    t = targets[0]
    before = len(await _forms(lever, t.opportunity_id))
    await _approved(store, "d-cancel", t, every)
    assert (await store.call(lists.counts))["outbox"] == 1

    rec = await store.call(outbox_actions.cancel, "d-cancel", "rita")

    assert rec.state == "in_review"
    assert (await store.call(lists.counts))["outbox"] == 0
    assert [r for r in await store.call(lists.outbox_list) if r[0] == "d-cancel"] == []
    report = await Outbox(store, lever).flush(ignore_schedule=True)
    assert report.submitted == [] and len(await _forms(lever, t.opportunity_id)) == before
    [audit] = [a for a in await store.call(drafts.audit_trail, "d-cancel") if a["event"] == "cancelled"]
    assert audit["actor"] == "rita" and audit["to"] == "in_review"
    # Approved again, it goes out once, like any approval.
    await approval.approve(store, "d-cancel", reviewer="rita")
    assert (await Outbox(store, lever).flush()).submitted == ["d-cancel"]
    assert len(await _forms(lever, t.opportunity_id)) == before + 1
    with pytest.raises(Refused, match="not in the outbox"):
        await store.call(outbox_actions.cancel, "d-cancel", "rita")  # Lever holds it now: Withdraw, not Cancel


async def test_cancel_is_refused_while_a_send_may_still_land_and_retry_only_reads(world, sandbox, impatient, lever):
    """The answer to the POST was lost and Lever stores it late: Cancel must not take the draft back
    (a second approval would make a second form), and Retry now reads Lever sooner, never re-sends."""
    store, targets, every = world
    t = targets[1]
    await _approved(store, "d-late", t, every)
    before = _stored_in_lever(sandbox, t.opportunity_id)
    sandbox.faults.replace(parse_spec("store-after=0.6,method=POST,path=*/feedback,count=1"))
    # The first read would be a minute after the send: only Retry now brings it forward.
    box = Outbox(store, impatient, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=60_000, settle_window_ms=120_000)
    assert (await box.flush()).retrying == ["d-late"]
    assert await store.call(queue.status, "d-late") == "checking"

    with pytest.raises(Refused, match="may still land"):
        await store.call(outbox_actions.cancel, "d-late", "rita")
    assert await store.call(queue.status, "d-late") == "checking"

    said = await store.call(outbox_actions.retry_now, "d-late", "rita", now_ms())
    assert "Checking Lever now" in said
    report = await box.flush()  # a read: inside the settle window nothing is sent again
    assert report.submitted == []
    if report.reconciled != ["d-late"]:  # read before Lever stored it (0.6 s after the POST): still checking
        assert await store.call(queue.status, "d-late") == "checking"
        wait_until(lambda: _stored_in_lever(sandbox, t.opportunity_id) == before + 1, timeout=10, what="the late store")
        await store.call(outbox_actions.retry_now, "d-late", "rita", now_ms())
        report = await box.flush()
    assert report.reconciled == ["d-late"] and report.submitted == []
    assert await store.call(queue.status, "d-late") == "submitted"
    assert _stored_in_lever(sandbox, t.opportunity_id) == before + 1  # one form, never two
    [sent] = [s for s in await store.call(outbox_actions.sent_history) if s.draft_id == "d-late"]
    assert sent.feedback_id and sent.opportunity_id == t.opportunity_id and sent.sent_at


@pytest.mark.logs_warnings("Lever is stopped on purpose: the client logs each failed retry")
async def test_retry_now_makes_only_that_entry_due(world, sandbox, lever):
    store, targets, every = world
    await _approved(store, "d-a", targets[2], every)
    await _approved(store, "d-b", targets[3], every)
    box = Outbox(store, lever, backoff_base_ms=60_000, backoff_cap_ms=120_000)
    sandbox.stop()  # Lever unreachable: both wait out a back-off of half a minute or more
    report = await box.flush()
    assert sorted(report.retrying) == ["d-a", "d-b"]
    sandbox.start()
    assert (await box.flush()).submitted == []  # still backing off

    await store.call(outbox_actions.retry_now, "d-a", "rita", now_ms())
    report = await box.flush()

    assert report.submitted == ["d-a"]
    assert await store.call(queue.status, "d-b") == "approved"
    history = await store.call(outbox_actions.sent_history)
    assert [s.draft_id for s in history] == ["d-a"]
    assert history[0].candidate and history[0].form == every["text"] and history[0].status == "submitted"


async def test_retry_now_in_the_undo_grace_says_when_it_goes_not_sending_now(world, lever):
    """Retry now cannot cut the Undo grace short (``queue.claim`` holds it): it must not say "Sending now."."""
    store, targets, every = world
    r = await intake.receive_draft(store, draft_for("d-grace", targets[1], every), source="test")
    assert r.status == "received"
    approved_at = now_ms()
    await approval.approve(store, "d-grace", reviewer="rita", now=approved_at, grace_ms=8_000)

    said = await store.call(outbox_actions.retry_now, "d-grace", "rita", approved_at + 1_500)

    assert said == "It goes to Lever when its Undo grace ends, in 7 s."
    clock = [approved_at + 1_500]
    box = Outbox(store, lever, clock=lambda: clock[0])
    assert (await box.flush(ignore_schedule=True)).submitted == []  # what it said: not now
    clock[0] = approved_at + 8_000
    assert (await box.flush()).submitted == ["d-grace"]


async def test_retry_and_cancel_refuse_what_is_not_waiting(world, lever):
    store, targets, every = world
    r = await intake.receive_draft(store, draft_for("d-new", targets[0], every), source="test")
    assert r.status == "received"
    with pytest.raises(Refused, match="not waiting to be sent"):
        await store.call(outbox_actions.retry_now, "d-new", "rita", now_ms())
    with pytest.raises(Refused, match="not in the outbox"):
        await store.call(outbox_actions.cancel, "d-new", "rita")
    with pytest.raises(Refused, match="No draft"):
        await store.call(outbox_actions.cancel, "nope", "rita")
    await approval.approve(store, "d-new", reviewer="rita")
    await store.call(queue.set_pause, {"message": "Lever rejected the API key (401)."})
    with pytest.raises(Refused, match="paused: Lever rejected the API key"):
        await store.call(outbox_actions.retry_now, "d-new", "rita", now_ms())


async def test_cancel_is_allowed_once_reads_across_the_settle_window_prove_lever_has_not_got_it(
    world, sandbox, impatient
):
    """The POST's connection dropped before Lever handled it: checking, then "not stored" once the
    settle window has passed; from then on Cancel may take it back, and Lever never gets a form."""
    store, targets, every = world
    t = targets[2]
    await _approved(store, "d-lost", t, every)
    before = _stored_in_lever(sandbox, t.opportunity_id)
    sandbox.faults.replace(parse_spec("drop,method=POST,path=*/feedback,count=1"))
    box = Outbox(store, impatient, backoff_base_ms=600_000, backoff_cap_ms=600_000, settle_ms=20, settle_window_ms=300)
    await box.flush()
    assert await store.call(queue.status, "d-lost") == "checking"
    with pytest.raises(Refused, match="may still land"):
        await store.call(outbox_actions.cancel, "d-lost", "rita")

    await box.drain(deadline_s=3)  # reads until the window has passed; the re-send waits ten minutes
    assert await store.call(queue.status, "d-lost") == "approved"
    rec = await store.call(outbox_actions.cancel, "d-lost", "rita")
    assert rec.state == "in_review"
    assert (await box.flush(ignore_schedule=True)).submitted == []
    assert _stored_in_lever(sandbox, t.opportunity_id) == before
