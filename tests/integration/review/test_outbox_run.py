"""The outbox's own loop (``Outbox.run``): woken by an approval, told to listeners, cancel-safe.

No Qt: the window only subscribes to these events (ui/outbox_controller.py).
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest
from helpers.review_sandbox import draft_for, fast_client
from helpers.waiting import wait_until_async

from lever_desktop.review import approval, intake
from lever_desktop.review.outbox import Outbox, OutboxEvent

WAIT_S = 20.0  # a generous bound on the effect; the loop's own idle recheck is an hour away here
IDLE_S = 3600.0


async def _approve(store, doc) -> None:
    assert (await intake.receive_draft(store, doc, source="test")).status == "received"
    await approval.approve(store, doc["draftId"], reviewer="rita")


@contextlib.asynccontextmanager
async def _running(box: Outbox):
    events: list[OutboxEvent] = []
    unsubscribe = box.subscribe(events.append)
    task = asyncio.create_task(box.run(idle_recheck_s=IDLE_S))
    try:
        await wait_until_async(lambda: box.waiting, WAIT_S)  # the first flush done, parked until woken
        yield events
    finally:
        unsubscribe()
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


def _outbox(store, client) -> Outbox:
    return Outbox(store, client, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20, settle_window_ms=300)


async def test_an_approval_woken_into_the_loop_is_sent_and_told_to_listeners(world, lever):
    store, targets, every = world
    box = _outbox(store, lever)
    async with _running(box) as events:
        assert len(events) == 1 and events[0].report.submitted == []
        await _approve(store, draft_for("d-run", targets[0], every))
        box.wake(now=True)
        await wait_until_async(lambda: any(e.report and e.report.submitted for e in events), WAIT_S)
    assert [e.report.submitted for e in events if e.report and e.report.submitted] == [["d-run"]]


@pytest.mark.logs_warnings("Lever down or a failing flush is logged")
async def test_the_loop_waits_for_the_next_due_entry_without_a_wake_up(world, sandbox, lever):
    """Lever unreachable: the entry backs off; the loop flushes again when it is due, unasked."""
    store, targets, every = world
    box = _outbox(store, lever)
    await _approve(store, draft_for("d-due", targets[0], every))
    sandbox.stop()
    async with _running(box) as events:
        assert events[0].report.retrying == ["d-due"]
        sandbox.start()
        await wait_until_async(lambda: any(e.report and e.report.submitted == ["d-due"] for e in events), WAIT_S)


async def test_a_refused_key_pauses_the_loop_and_tells_listeners(world, sandbox, lever):
    store, targets, every = world
    await _approve(store, draft_for("d-401", targets[0], every))
    async with fast_client("wrong-key", sandbox.base_url) as bad:
        box = _outbox(store, bad)
        async with _running(box) as events:
            assert events[0].report.paused["status"] == 401
            box.wake(now=True)  # woken while paused: it flushes, and stays paused
            await wait_until_async(lambda: len(events) == 2, WAIT_S)
    assert events[1].report.paused and not events[1].report.submitted


async def test_cancelling_as_the_loop_is_woken_stops_it(world, lever):
    """Quitting in the same loop turn as a wake-up: the cancel must win, not wait out the recheck."""
    store, _targets, _every = world
    box = _outbox(store, lever)
    task = asyncio.create_task(box.run(idle_recheck_s=IDLE_S))
    await wait_until_async(lambda: box.waiting, WAIT_S)
    box.wake(now=True)
    task.cancel()
    async with asyncio.timeout(5):
        await asyncio.gather(task, return_exceptions=True)
    assert task.cancelled()


@pytest.mark.logs_warnings("Lever down or a failing flush is logged")
async def test_a_flush_that_fails_is_told_and_the_loop_goes_on(world, lever):
    store, targets, every = world
    box = _outbox(store, lever)
    real_flush, failures = box.flush, [RuntimeError("disk on fire")]

    async def flaky_flush(*args, **kwargs):
        if failures:
            raise failures.pop()
        return await real_flush(*args, **kwargs)

    box.flush = flaky_flush  # the one fault no real part can inject: a bug inside flush
    async with _running(box) as events:
        assert isinstance(events[0].error, RuntimeError) and events[0].report is None
        await _approve(store, draft_for("d-after", targets[0], every))
        box.wake(now=True)
        await wait_until_async(lambda: any(e.report and e.report.submitted == ["d-after"] for e in events), WAIT_S)
