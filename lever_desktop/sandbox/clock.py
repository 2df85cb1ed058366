"""The sandbox clock: interviews get completed and scheduled, people move, templates drift.

Every ``tick_seconds`` one interview is completed (and drafted) and a new one is
scheduled; every ``stage_change_every`` ticks someone advances a stage; every
``drift_every`` ticks a template changes. ``tick_seconds=None`` stops the clock:
tests then drive the same actions through the admin API, deterministically.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from lever_desktop.sandbox.activity import Activity
from lever_desktop.sandbox.webhooks import Dispatcher

_log = logging.getLogger("lever_desktop.sandbox")


@dataclass(frozen=True)
class SandboxClock:
    tick_seconds: float | None = None
    stage_change_every: int = 3
    drift_every: int = 10

    @classmethod
    def coerce(cls, value: SandboxClock | float | None) -> SandboxClock:
        if isinstance(value, SandboxClock):
            return value
        return cls(tick_seconds=float(value) if value is not None else None)


class Background:
    """The server loop's own work: delivering webhooks/drafts and running the clock."""

    def __init__(self, activity: Activity, dispatcher: Dispatcher, clock: SandboxClock) -> None:
        self.activity, self.dispatcher, self.clock = activity, dispatcher, clock
        self.ticks = 0
        self._task: asyncio.Task | None = None

    async def start(self) -> None:
        await self.dispatcher.start()
        if self.clock.tick_seconds:
            self._task = asyncio.create_task(self._run(self.clock.tick_seconds), name="sandbox-clock")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        await self.dispatcher.stop()

    def tick(self) -> None:
        self.ticks += 1
        act = self.activity
        act.complete_interview()
        act.schedule_interview()
        if self.clock.stage_change_every and self.ticks % self.clock.stage_change_every == 0:
            act.advance_someone()
        if self.clock.drift_every and self.ticks % self.clock.drift_every == 0:
            act.drift_template()

    async def _run(self, every: float) -> None:
        while True:
            await asyncio.sleep(every)  # the clock's own cadence, not a wait for an effect
            try:
                self.tick()
            except Exception:  # noqa: BLE001 - one bad tick must not stop the clock
                _log.exception("sandbox clock tick failed")
