"""The scheduler on a manual clock: cadences of the seed design, offline backoff and recovery."""

from __future__ import annotations

import asyncio
import contextlib
import time

import pytest
from helpers.waiting import wait_until_async
from sync_support import client_for

from lever_desktop.sync.clock import ManualClock
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.events import SyncState
from lever_desktop.sync.scheduler import MAX_OFFLINE_BACKOFF, Retrying, Scheduler

MINUTE, HOUR = 60, 3600


class Harness:
    def __init__(self, engine: SyncEngine, clock: ManualClock) -> None:
        self.engine, self.clock = engine, clock
        self.scheduler = Scheduler(engine)
        self.retries: list[Retrying] = []
        self.scheduler.subscribe(self.retries.append)
        self.passes: list = []
        self.states: list[SyncState] = []
        engine.subscribe(self._on_event)

    def _on_event(self, e) -> None:
        if e.kind in ("finished", "failed"):
            self.passes.append(e.report)
        elif e.kind == "state":
            self.states.append(e.state)

    async def idle(self) -> None:
        """Wait until the scheduler sleeps on the clock (nothing left to do right now)."""
        await wait_until_async(lambda: self.clock.sleepers == 1 and not self.engine.running)

    @contextlib.asynccontextmanager
    async def running(self):
        """The scheduler running, after its first pass (a bootstrap), waiting on the clock."""
        task = asyncio.create_task(self.scheduler.run())
        try:
            await wait_until_async(lambda: len(self.passes) == 1)
            await self.idle()
            yield self
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def advance(self, seconds: float) -> None:
        n = len(self.passes)
        await self.clock.advance(seconds)
        await wait_until_async(lambda: len(self.passes) > n)
        await self.idle()


async def test_each_resource_runs_at_its_cadence(sandbox, store):
    clock = ManualClock(start=time.time())
    async with client_for(sandbox) as client:
        async with Harness(SyncEngine(client, store, clock=clock), clock).running() as h:
            assert h.passes[0].ok and len(h.passes[0].resources) == 7  # first start: a bootstrap
            await h.advance(15 * MINUTE)
            assert h.passes[-1].resources == ["opportunities"] and h.passes[-1].requests == 1
            await h.advance(45 * MINUTE)  # an hour: postings and templates (1 h TTL) too
            assert h.passes[-1].resources == ["postings", "feedback_templates", "opportunities"]
            await h.advance(23 * HOUR)  # a day: stages, users, reasons and the nightly tombstone check
            assert sorted(h.passes[-1].resources) == sorted(r.name for r in h.engine.resources)
            assert all(p.ok for p in h.passes) and len(h.passes) == 4


@pytest.mark.logs_warnings("a sync failing offline is logged")
async def test_network_loss_goes_offline_and_recovers_by_itself(sandbox, store):
    clock = ManualClock(start=time.time())
    async with client_for(sandbox) as client:
        async with Harness(SyncEngine(client, store, clock=clock), clock).running() as h:
            sandbox.stop()  # Lever unreachable
            await h.advance(15 * MINUTE)
            assert h.engine.state == SyncState.OFFLINE and h.passes[-1].offline
            await h.advance(10)  # first backoff (5 s ± jitter): still offline, waits longer
            assert h.engine.state == SyncState.OFFLINE and h.passes[-1].offline
            sandbox.start()  # same port, same data: the network is back
            await h.advance(15)
            assert h.engine.state == SyncState.ONLINE and h.passes[-1].ok
            assert h.states[-3:] == [SyncState.OFFLINE, SyncState.SYNCING, SyncState.ONLINE]


@pytest.mark.logs_warnings("a sync failing offline is logged")
async def test_offline_retries_are_told_to_listeners_and_stay_about_a_minute_apart(sandbox, store):
    """The window shows the scheduler's own retries (no second retry loop): each back-off is an
    event, doubling from 5 s, and never much above a minute while Lever is unreachable."""
    clock = ManualClock(start=time.time())
    async with client_for(sandbox) as client:
        async with Harness(SyncEngine(client, store, clock=clock), clock).running() as h:
            assert h.retries == []  # online: nothing to retry
            sandbox.stop()
            await h.advance(15 * MINUTE)
            for _ in range(6):  # 5, 10, 20, 40, then the cap
                await h.advance(h.retries[-1].seconds)
            assert len(h.retries) == 7 and all(r.offline for r in h.retries)
            seconds = [r.seconds for r in h.retries]
            assert 4 <= seconds[0] <= 6 and seconds[3] > 30
            assert all(MAX_OFFLINE_BACKOFF * 0.8 <= s <= MAX_OFFLINE_BACKOFF * 1.2 for s in seconds[4:])
            assert h.engine.state == SyncState.OFFLINE


@pytest.mark.logs_warnings("a sync failing offline is logged")
async def test_sync_now_walks_everything_and_retries_its_failure_on_the_back_off(sandbox, store):
    """Ctrl+R with nothing due walks every resource; when that walk finds Lever unreachable, the
    scheduler retries it on its back-off until Lever answers (the window has no retry loop)."""
    clock = ManualClock(start=time.time())
    async with client_for(sandbox) as client:
        async with Harness(SyncEngine(client, store, clock=clock), clock).running() as h:
            everything = sorted(r.name for r in h.engine.resources)
            h.scheduler.sync_now()  # nothing is due: the clock has not moved since the bootstrap
            await wait_until_async(lambda: len(h.passes) == 2)
            await h.idle()
            assert h.passes[-1].ok and sorted(h.passes[-1].resources) == everything
            sandbox.stop()
            h.scheduler.sync_now()
            await wait_until_async(lambda: len(h.retries) == 1)
            await h.idle()
            assert h.passes[-1].offline and sorted(h.passes[-1].resources) == everything
            assert h.engine.state == SyncState.OFFLINE
            sandbox.start()
            await h.advance(h.retries[-1].seconds)  # no wake-up: the back-off alone brings it back
            assert h.passes[-1].ok and sorted(h.passes[-1].resources) == everything
            assert h.engine.state == SyncState.ONLINE and len(h.retries) == 1


@pytest.mark.logs_warnings("a sync failing offline is logged")
async def test_wake_retries_at_once_instead_of_waiting_out_the_backoff(sandbox, store):
    """Ctrl+R or the network coming back: the scheduler re-checks now, not after its back-off."""
    clock = ManualClock(start=time.time())
    async with client_for(sandbox) as client:
        async with Harness(SyncEngine(client, store, clock=clock), clock).running() as h:
            sandbox.stop()
            await h.advance(15 * MINUTE)
            assert h.engine.state == SyncState.OFFLINE
            sandbox.start()
            n = len(h.passes)
            h.scheduler.wake()  # the clock does not move: only the wake-up can start this pass
            await wait_until_async(lambda: len(h.passes) > n)
            assert h.passes[-1].ok and h.passes[-1].resources == ["opportunities"]
            assert h.engine.state == SyncState.ONLINE
