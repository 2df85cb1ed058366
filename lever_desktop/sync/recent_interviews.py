"""Keeps the interviews and feedback that "Feedback due" lists current, within a request budget.

Lever has no account-wide interviews endpoint: interviews and feedback are read per
opportunity (``/panels``, ``/interviews``, ``/feedback``), and neither moves an opportunity's
``updatedAt``. Reading them for every cached opportunity would cost three requests each (30,000
for 10,000 candidates, 50 minutes at Lever's 10 requests/s). So one pass reads:

1. **Recent, stale details** — three requests per opportunity that is active (not archived),
   had activity (``lastInteractionAt``, else ``updatedAt``) within the last ``lookback_days``
   (Settings, 30 by default) and whose panels, interviews and feedback were not read in the last
   ``details_max_age`` (24 h). The first pass is the bootstrap; later passes read only what
   newly entered the window, or what no webhook or reviewer refreshed for a day.
2. **Feedback of open slots** — one request (``/feedback``) per opportunity that still has an
   interview waiting for a form, at most every ``feedback_max_age`` (1 h, tracked for the
   session), because Lever sends no webhook for feedback: a form written in Lever clears its row
   within the hour.

Between passes ``interviewCreated/Updated/Deleted`` webhooks re-read an opportunity's panels and
interviews at once (``SyncEngine.refresh_interviews``), and opening a candidate or a draft
re-reads everything of that one opportunity. The window runs a pass after each sync pass;
``tests/bench/bench_feedback_due.py`` measures it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from lever_desktop.lever import errors
from lever_desktop.review import due

_log = logging.getLogger(__name__)

DAY_MS = 86_400_000
DETAILS_MAX_AGE_MS = DAY_MS
FEEDBACK_MAX_AGE_MS = 3_600_000
PARALLEL = 4  # requests in flight: enough for the rate limiter, not the network, to set the pace


@dataclass
class RecentReport:
    """What one pass read (``requests`` as the client counted them)."""

    details_read: int = 0  # opportunities whose panels, interviews and feedback were read
    feedback_read: int = 0  # opportunities whose feedback alone was re-read
    requests: int = 0
    seconds: float = 0.0
    failed: list[str] = field(default_factory=list)


def stale_opportunities(conn: sa.Connection, now: int, lookback_days: int, max_age_ms: int) -> list[str]:
    """Active opportunities with recent activity whose details are older than ``max_age_ms``, most
    recent activity first (a pass cut short has read the likeliest ones)."""
    return [
        r[0]
        for r in conn.execute(
            sa.text("""
        SELECT o.id FROM opportunities o
        WHERE o.archived_at IS NULL
          AND coalesce(o.last_interaction_at, o.updated_at, o.created_at) >= :since
          AND (o.details_synced_at IS NULL OR o.details_synced_at < :stale)
          AND NOT coalesce(json_extract(o.raw, '$.isAnonymized'), 0)
        ORDER BY coalesce(o.last_interaction_at, o.updated_at, o.created_at) DESC
    """),
            {"since": now - lookback_days * DAY_MS, "stale": now - max_age_ms},
        )
    ]


class RecentInterviews:
    """One per session: runs passes, remembering when each waiting opportunity's feedback was read."""

    def __init__(
        self,
        engine: Any,
        *,
        lookback_days: int = due.DEFAULT_LOOKBACK_DAYS,
        details_max_age_ms: int = DETAILS_MAX_AGE_MS,
        feedback_max_age_ms: int = FEEDBACK_MAX_AGE_MS,
        parallel: int = PARALLEL,
    ) -> None:
        self.engine = engine
        self.lookback_days = lookback_days
        self.details_max_age_ms = details_max_age_ms
        self.feedback_max_age_ms = feedback_max_age_ms
        self.parallel = parallel
        self._feedback_read: dict[str, int] = {}  # opportunity id -> when its feedback was last read
        self._running: asyncio.Task[RecentReport] | None = None

    @property
    def running(self) -> asyncio.Task[RecentReport] | None:
        """The pass under way (or the last one), which callers of ``run`` join."""
        return self._running

    async def run(self) -> RecentReport:
        """One pass; a second caller joins the pass already running. Cancelling a caller stops the
        pass (quitting must not leave it reading with a closed client); what it stored stays."""
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._pass(), name="recent interviews")
        return await self._running

    async def _pass(self) -> RecentReport:
        eng, report = self.engine, RecentReport()
        requests0, t0 = eng.client.stats.requests, time.monotonic()
        now = eng.now_ms()
        stale = await eng.store.call(stale_opportunities, now, self.lookback_days, self.details_max_age_ms)
        await self._each(stale, eng.refresh_details, report)
        report.details_read = len(stale) - len(report.failed)
        read_at = eng.now_ms()
        for oid in stale:
            self._feedback_read[oid] = read_at
        waiting = await eng.store.call(due.opportunities_waiting, now, self.lookback_days)
        self._feedback_read = {k: v for k, v in self._feedback_read.items() if k in set(waiting)}
        recheck = [o for o in waiting if now - self._feedback_read.get(o, 0) >= self.feedback_max_age_ms]
        failed = len(report.failed)
        await self._each(recheck, eng.refresh_feedback, report)
        report.feedback_read = len(recheck) - (len(report.failed) - failed)
        for oid in recheck:
            if oid not in report.failed:
                self._feedback_read[oid] = read_at
        report.requests = eng.client.stats.requests - requests0
        report.seconds = time.monotonic() - t0
        return report

    async def _each(self, ids: list[str], read: Any, report: RecentReport) -> None:
        """``read(id)`` for each id, ``parallel`` at a time. Lever unreachable ends the pass (the
        next one picks up where the details' timestamps say); another failure skips that one."""
        queue = list(reversed(ids))

        async def worker() -> None:
            while queue:
                oid = queue.pop()
                try:
                    await read(oid)
                except errors.LeverUnavailable:
                    queue.clear()
                    raise
                except errors.LeverError as e:
                    _log.info("recent interviews: %s skipped: %s", oid, e)
                    report.failed.append(oid)

        await asyncio.gather(*(worker() for _ in range(max(1, min(self.parallel, len(ids))))))
