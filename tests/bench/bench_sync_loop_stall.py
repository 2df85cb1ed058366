"""Event-loop responsiveness during a 100,000-opportunity bootstrap.

    .venv/bin/python tests/bench/bench_sync_loop_stall.py          (or pytest ... -s)

A heartbeat task sleeps 5 ms in a loop on the same event loop as the sync engine and
records how late each wake-up is; the longest stall is what a GUI on that loop would
feel. The sandbox runs in its own process with its limit off (so the loop is as busy as
it can be); the cache is a real file with the store's durability settings. The same
heartbeat on an idle loop (same process, sandbox up, no sync) is measured first, in the same
run: on a shared, oversubscribed machine that is the noise floor the figures sit on.
Goal (issue 4): longest stall <= 50 ms.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sandbox_process import sandbox_process

from lever_desktop.lever.client import LeverClient
from lever_desktop.store import Store
from lever_desktop.sync.engine import SyncEngine

N = 100_000
BEAT = 0.005
GOAL_MS = 50.0


async def _heartbeat(lateness: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(BEAT)
        lateness.append(time.perf_counter() - t0 - BEAT)


async def _idle(seconds: float) -> list[float]:
    lateness: list[float] = []
    stop = asyncio.Event()
    beat = asyncio.create_task(_heartbeat(lateness, stop))
    await asyncio.sleep(seconds)
    stop.set()
    await beat
    return lateness


async def _bootstrap_with_heartbeat(lever, db: Path) -> tuple[list[float], float, int]:
    lateness: list[float] = []
    stop = asyncio.Event()

    store = Store.open(db)
    try:
        async with LeverClient(lever.api_key, base_url=lever.base_url, rate=100_000, burst=100_000) as client:
            beat = asyncio.create_task(_heartbeat(lateness, stop))
            report = await SyncEngine(client, store).sync_now()
            stop.set()
            await beat
    finally:
        store.close()
    assert report.ok, report.error
    return lateness, report.seconds, report.counts["opportunities"]


def _figures(lateness: list[float]) -> tuple[float, float, float]:
    ms = sorted(x * 1000 for x in lateness)
    return statistics.median(ms), ms[int(len(ms) * 0.99)], ms[-1]


def run() -> float:
    with sandbox_process(N) as lever, tempfile.TemporaryDirectory() as d:
        idle = _figures(asyncio.run(_idle(10.0)))
        lateness, seconds, stored = asyncio.run(_bootstrap_with_heartbeat(lever, Path(d) / "c.sqlite3"))
    median, p99, worst = _figures(lateness)
    print(f"idle loop (noise floor of this machine): late by median {idle[0]:.1f} ms, p99 {idle[1]:.1f} ms, "
          f"max {idle[2]:.1f} ms")
    print(f"bootstrap of {stored} opportunities in {seconds:.1f} s; {len(lateness)} heartbeats of {BEAT * 1000:.0f} ms: "
          f"late by median {median:.1f} ms, p99 {p99:.1f} ms, "
          f"max {worst:.1f} ms (goal <= {GOAL_MS:.0f} ms: {'met' if worst <= GOAL_MS else 'NOT met'})")  # fmt: skip
    return worst


def test_event_loop_never_stalls():
    assert run() <= GOAL_MS


if __name__ == "__main__":
    sys.exit(0 if run() <= GOAL_MS else 1)
