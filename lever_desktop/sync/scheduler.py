"""Periodic cadences (opportunities 15 min, postings and templates hourly, the rest daily).

Due times come from ``last_success:<resource>`` in the cache, so a restart
does not re-walk what was synced a minute ago. While Lever is unreachable (or
failing) the scheduler backs off exponentially with jitter and recovers by
itself; ``wake()`` cuts a wait short. The engine only runs passes
(``run_pass``); when to run them is the scheduler's job alone.
"""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from lever_desktop.store import cache
from lever_desktop.sync.engine import SyncEngine

_log = logging.getLogger(__name__)

FIRST_BACKOFF = 5.0
MAX_BACKOFF = 300.0


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

    def wake(self) -> None:
        """Re-check what is due now (e.g. after the network came back), cutting a wait or back-off short."""
        self._wake.set()

    async def run(self) -> None:
        """Run forever: each resource at its cadence, backing off while Lever is unreachable."""
        engine, backoff = self.engine, FIRST_BACKOFF
        while True:
            last = await engine.store.call(cache.states, "last_success:")
            waits = due_in(engine, last, engine.clock.now())
            due = [name for name, w in waits.items() if w <= 0]
            if not due:
                await self._wait(min(waits.values()))
                continue
            report = await engine.run_pass(due)
            if report.ok or report.cancelled:
                backoff = FIRST_BACKOFF
                continue
            delay = backoff * random.uniform(0.8, 1.2)
            backoff = min(backoff * 2, MAX_BACKOFF)
            _log.info("sync %s; retrying in %.0f s", "offline" if report.offline else "failed", delay)
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
