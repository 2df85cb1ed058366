"""Periodic cadences (opportunities 15 min, postings and templates hourly, the rest daily).

Due times come from ``last_success:<resource>`` in the cache, so a restart
does not re-walk what was synced a minute ago. While Lever is unreachable (or
failing) the scheduler backs off exponentially with jitter and recovers by
itself; ``wake()`` cuts a wait short. The engine only runs passes
(``run_pass``); when to run them is the scheduler's job alone, and the window
does not retry beside it: it subscribes to the scheduler's ``Retrying`` events
(and to the engine's for each pass).
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lever_desktop.observers import Listeners
from lever_desktop.store import cache
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.events import SyncEvent, SyncState

_log = logging.getLogger(__name__)

FIRST_BACKOFF = 5.0
MAX_BACKOFF = 300.0
# While Lever is unreachable a retry costs one cheap request per due resource; retrying at
# least about this often lets the offline banner go away a minute after Lever is back.
MAX_OFFLINE_BACKOFF = 60.0


@dataclass(frozen=True)
class Retrying:
    """A pass failed; the next try is ``seconds`` away (``offline``: Lever could not be reached)."""

    seconds: float
    offline: bool


def due_in(engine: SyncEngine, last: dict[str, Any], now: float) -> dict[str, float]:
    """Seconds until each resource is due (<= 0: due now; never synced: due now)."""
    out = {}
    for res in engine.resources:
        at = last.get(f"last_success:{res.name}")
        out[res.name] = -1.0 if at is None else at / 1000 + res.cadence - now
    return out


class Scheduler:
    """Runs the engine's passes at their cadences, forever; one per session."""

    def __init__(self, engine: SyncEngine) -> None:
        self.engine = engine
        self._wake = asyncio.Event()
        self._everything = False  # sync_now() asked for a walk of every resource
        self._events: Listeners[Retrying] = Listeners()
        # Lever answered again (an outbox send, an account check): retry what is owed now, not
        # at the end of the back-off.
        engine.subscribe(self._answered_again)

    def _answered_again(self, event: SyncEvent) -> None:
        if event.kind == "state" and event.state == SyncState.ONLINE:
            self.wake()

    def subscribe(self, listener: Callable[[Retrying], None]) -> Callable[[], None]:
        """``listener(Retrying)`` each time a pass failed and the scheduler backs off; returns the unsubscribe."""
        return self._events.subscribe(listener)

    def wake(self) -> None:
        """Re-check what is due now (e.g. after the network came back), cutting a wait or back-off short."""
        self._wake.set()

    def sync_now(self) -> None:
        """Ctrl+R: walk every resource now, or join the pass already running; a failure is retried
        on the back-off like any other, so nobody else needs a retry loop."""
        if not self.engine.running:
            self._everything = True
        self.wake()

    async def run(self) -> None:
        """Run forever: each resource at its cadence, backing off while Lever is unreachable."""
        engine, backoff = self.engine, FIRST_BACKOFF
        owed: set[str] = set()  # resources of a failed pass: retried on the back-off, due or not
        while True:
            if self._everything:
                owed, self._everything = {r.name for r in engine.resources}, False
            last = await engine.store.call(cache.states, "last_success:")
            waits = due_in(engine, last, engine.clock.now())
            due = [name for name, w in waits.items() if w <= 0 or name in owed]
            if not due:
                await self._wait(min(waits.values()))
                continue
            report = await engine.run_pass(due)
            if report.ok or report.cancelled:
                owed, backoff = set(), FIRST_BACKOFF
                continue
            owed = set(due)
            delay = backoff * random.uniform(0.8, 1.2)
            backoff = min(backoff * 2, MAX_OFFLINE_BACKOFF if report.offline else MAX_BACKOFF)
            _log.info("sync %s; retrying in %.0f s", "offline" if report.offline else "failed", delay)
            self._events.emit(Retrying(delay, report.offline))
            await self._wait(delay)

    async def _wait(self, seconds: float) -> None:
        sleeper = asyncio.ensure_future(self.engine.clock.sleep(seconds))
        waker = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for t in (sleeper, waker):
                t.cancel()
            await asyncio.gather(sleeper, waker, return_exceptions=True)
            self._wake.clear()
