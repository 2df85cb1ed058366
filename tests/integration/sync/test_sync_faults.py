"""Faults at every step of a bootstrap: the cache stays consistent and the next pass completes it."""

from __future__ import annotations

import asyncio

import pytest
from helpers.waiting import wait_until_async
from sync_support import bootstrap_floor, cached, client_for, consistent, live_ids, set_faults

from lever_desktop.lever import errors
from lever_desktop.store import cache
from lever_desktop.sync import walk
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.events import SyncState

# 250 opportunities: stages, users, reasons, postings, templates, 3 opportunity pages, tombstones.
# A 5xx after every page; the other kinds of fault at a few telling steps (kept short: each case
# starts its own sandbox).
CASES = [(step, "status=500") for step in range(9)] + [
    (0, "drop"),
    (4, "drop"),
    (6, "drop"),
    (3, "malformed"),
    (7, "malformed"),
]


@pytest.mark.logs_warnings("injected faults are logged")
@pytest.mark.parametrize(("step", "fault"), CASES)
async def test_a_fault_after_any_page_loses_nothing(sandbox_factory, store, step, fault):
    lever = sandbox_factory(opportunities=250)
    pages = 0

    def inject_after_page(event):
        nonlocal pages
        if event.kind == "progress":
            pages += 1
            if pages == step:
                set_faults(lever, fault)  # every request from here on fails this way

    if step == 0:
        set_faults(lever, fault)
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        engine.subscribe(inject_after_page)
        broken = await engine.sync_now()
        assert not broken.ok and isinstance(broken.error, errors.LeverError)
        expected_state = SyncState.OFFLINE if fault == "drop" else SyncState.ONLINE
        assert engine.state == expected_state and broken.offline == (fault == "drop")
        assert consistent(store.path)
        # Nothing half-done is recorded as done: no watermark past the failing walk.
        done = {k.split(":")[1] for k in store.call_sync(cache.states, "watermark:")}
        small = {r.name for r in walk.RESOURCES[: min(step, 5)]}
        assert done == small | ({"opportunities"} if step >= 8 else set())

        set_faults(lever, None)
        healed = await engine.sync_now()
    assert healed.ok, healed.error
    assert engine.state == SyncState.ONLINE
    assert {r[0] for r in cached(store.path, "SELECT id FROM opportunities")} == live_ids(lever)
    assert consistent(store.path)
    # Opportunity pages stored before the fault are not fetched again: the walk resumed after them.
    stored_before = min(max(0, step - 5) * 100, len(live_ids(lever)))
    resumed = healed.counts["opportunities"] if step < 8 else 0  # a finished walk asks only for changes
    assert step >= 8 or resumed == len(live_ids(lever)) - stored_before


async def test_an_invalid_offset_token_restarts_the_walk(sandbox_factory, store):
    lever = sandbox_factory(opportunities=250)
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        state = store.call_sync(cache.states)
        params = walk.walk_params(walk.BY_NAME["opportunities"], state, False, engine.overlap_ms)
        bogus = {"token": "%5B1%2C0%2C%22nope%22%5D", "params": params, "started_at": engine.now_ms(), "done": 100}
        store.call_sync(cache.set_state, "cursor:opportunities", bogus, 0)
        report = await engine.sync_now()
    assert report.ok and report.restarts == 1
    assert report.requests == bootstrap_floor(lever) + 1  # the refused page, then the walk from the start
    assert {r[0] for r in cached(store.path, "SELECT id FROM opportunities")} == live_ids(lever)


async def test_forbidden_confidential_records_fall_back_to_the_rest(sandbox_factory, store):
    lever = sandbox_factory(opportunities=250)
    set_faults(lever, "status=403,path=/opportunities,count=1")
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        report = await engine.sync_now()
        assert report.ok, report.error
        assert store.call_sync(cache.get_state, "confidentiality:opportunities") == "non-confidential"
        assert {r[0] for r in cached(store.path, "SELECT id FROM opportunities")} == live_ids(lever, confidential=False)
        set_faults(lever, "status=403,path=/opportunities,count=1")
        assert (await engine.sync_now(full=True)).ok  # a full pass asks again, and falls back again
        # The permission was granted since: the next full pass brings the confidential ones too.
        set_faults(lever, None)
        assert (await engine.sync_now(full=True)).ok
    assert store.call_sync(cache.get_state, "confidentiality:opportunities") is None
    assert {r[0] for r in cached(store.path, "SELECT id FROM opportunities")} == live_ids(lever)


def slow_sandbox(sandbox_factory):
    lever = sandbox_factory(opportunities=250)
    set_faults(lever, "latency=0.05,path=/opportunities")  # a pass long enough to meet it running
    return lever


async def test_a_manual_sync_joins_the_running_pass(sandbox_factory, store):
    lever = slow_sandbox(sandbox_factory)
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        first = asyncio.ensure_future(engine.sync_now())
        await wait_until_async(lambda: engine.running)
        second = await engine.sync_now()
        assert await first is second
    assert second.ok and second.requests == bootstrap_floor(lever)


async def test_cancel_keeps_stored_pages_and_the_next_pass_resumes(sandbox_factory, store):
    lever = slow_sandbox(sandbox_factory)
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        events = []
        engine.subscribe(events.append)
        stop = engine.subscribe(lambda e: e.kind == "progress" and e.resource == "opportunities" and engine.cancel())
        report = await engine.sync_now()
        stop()
        assert report.cancelled and engine.state == SyncState.ONLINE and events[-1].kind == "cancelled"
        assert consistent(store.path)
        kept = cached(store.path, "SELECT COUNT(*) FROM opportunities")[0][0]
        assert 0 < kept < len(live_ids(lever))
        resumed = await engine.sync_now()
    assert resumed.ok and resumed.counts["opportunities"] == len(live_ids(lever)) - kept
    assert {r[0] for r in cached(store.path, "SELECT id FROM opportunities")} == live_ids(lever)


async def test_a_caller_that_stops_waiting_does_not_cancel_the_pass(sandbox_factory, store):
    lever = slow_sandbox(sandbox_factory)
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        impatient = asyncio.ensure_future(engine.sync_now())
        await wait_until_async(lambda: engine.running)
        impatient.cancel()
        report = await engine.sync_now()  # joins the same pass, which went on
    assert report.ok and report.requests == bootstrap_floor(lever)
