"""Time for the sync engine, injectable so schedules and backoff are testable.

``now()`` is wall-clock epoch seconds (watermarks and cadences are persisted,
so they must survive a restart); ``sleep`` is where the scheduler waits.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ManualClock:
    """A clock that only moves when told to; sleepers wake when their time has come."""

    def __init__(self, start: float = 1_750_000_000.0) -> None:
        self._now = start
        self._changed = asyncio.Condition()
        self.sleepers = 0  # how many tasks wait on this clock right now

    def now(self) -> float:
        return self._now

    async def sleep(self, seconds: float) -> None:
        wake_at = self._now + max(0.0, seconds)
        async with self._changed:
            self.sleepers += 1
            try:
                await self._changed.wait_for(lambda: self._now >= wake_at)
            finally:
                self.sleepers -= 1

    async def advance(self, seconds: float) -> None:
        async with self._changed:
            self._now += seconds
            self._changed.notify_all()


def ms(seconds: float) -> int:
    return int(seconds * 1000)
