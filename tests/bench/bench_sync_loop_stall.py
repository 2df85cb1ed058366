"""Event-loop responsiveness during a 100,000-opportunity bootstrap.

    .venv/bin/python tests/bench/bench_sync_loop_stall.py [--raw]     (or pytest ... -s)

A heartbeat task sleeps 5 ms in a loop on the same event loop as the sync engine and
records how late each wake-up is; the longest stall is what a GUI on that loop would
feel. The sandbox runs in its own process with its limit off (so the loop is as busy as
it can be); the cache is a real file with the store's durability settings.

Noise floor, same run: a second process runs the same heartbeat, with no work at all, for
exactly as long. On a shared, oversubscribed machine (2 cores, many test runs) a process
that is not scheduled stalls however idle its loop is; that figure says how much of ours
the machine accounts for.

The process starts as the GUI does (``ui.shell._import_heavy_modules``: libraries that
import lazily on the first connection are loaded at start-up; ``ui.app.settle_memory``:
start-up heap frozen out of full garbage collections). ``--raw`` skips that.
Goal (issue 4): longest stall <= 50 ms.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sandbox_process import sandbox_process

from lever_desktop.lever.client import LeverClient
from lever_desktop.store import Store
from lever_desktop.sync.engine import SyncEngine

N = int(os.environ.get("BENCH_N", 100_000))  # BENCH_N=20000 for a quicker look
BEAT = 0.005
GOAL_MS = 50.0

# The control: the same heartbeat in its own process until its stdin closes.
CONTROL = f"""
import asyncio, json, sys, time, threading
done = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
async def main():
    late = []
    while not done.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep({BEAT})
        late.append(time.perf_counter() - t0 - {BEAT})
    print(json.dumps(late))
asyncio.run(main())
"""


async def _heartbeat(lateness: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        t0 = time.perf_counter()
        await asyncio.sleep(BEAT)
        lateness.append(time.perf_counter() - t0 - BEAT)


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


def _figures(lateness: list[float]) -> str:
    ms = sorted(x * 1000 for x in lateness)
    return f"late by median {statistics.median(ms):.1f} ms, p99 {ms[int(len(ms) * 0.99)]:.1f} ms, max {ms[-1]:.1f} ms"


def _start_like_the_gui() -> None:
    from lever_desktop.ui.app import settle_memory
    from lever_desktop.ui.shell import _import_heavy_modules

    _import_heavy_modules()
    settle_memory()


def run(like_gui: bool = True) -> float:
    if like_gui:
        _start_like_the_gui()
    with sandbox_process(N) as lever, tempfile.TemporaryDirectory() as d:
        control = subprocess.Popen(
            [sys.executable, "-c", CONTROL], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        try:
            lateness, seconds, stored = asyncio.run(_bootstrap_with_heartbeat(lever, Path(d) / "c.sqlite3"))
        finally:
            out, _ = control.communicate("", timeout=60)
    worst = max(lateness) * 1000
    print(f"[{'started like the GUI' if like_gui else 'raw'}] bootstrap of {stored} opportunities in {seconds:.1f} s")
    print(f"  sync process, {len(lateness)} heartbeats of {BEAT * 1000:.0f} ms: {_figures(lateness)}")
    print(f"  idle control process, same time:      {_figures(json.loads(out))}")
    print(f"  goal: longest stall <= {GOAL_MS:.0f} ms: {'met' if worst <= GOAL_MS else 'NOT met'}")
    return worst


def test_event_loop_never_stalls():
    assert run() <= GOAL_MS


if __name__ == "__main__":
    sys.exit(0 if run(like_gui="--raw" not in sys.argv) <= GOAL_MS else 1)
