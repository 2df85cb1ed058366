"""Requests a bootstrap and an unchanged incremental pass cost, and bootstrap time under Lever's limit.

    .venv/bin/python tests/bench/bench_sync_requests.py          (or pytest ... -s)

1. Request count of a bootstrap of N opportunities vs the floor (pages of 100 plus one walk
   per small resource; goal: equal), and of an incremental pass with no changes (goal: one
   request per resource).
2. Bootstrap of 10,000 opportunities against a sandbox with Lever's limit on (10/s, burst
   20) vs the rate-limit floor ((requests - burst) / 10 s; goal <= 1.15x). Also shown: the
   floor of the client's own pacing (the full burst, then 97.5% of the rate; see lever.ratelimit),
   which is what the engine itself can be held to.
"""

from __future__ import annotations

import asyncio
import math
import sys
import tempfile
from pathlib import Path

from sandbox_process import sandbox_process

from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.ratelimit import client_rate
from lever_desktop.store import Store
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.events import SyncReport

TIME_GOAL = 1.15


def floor_requests(report: SyncReport) -> int:
    pages = lambda n: max(1, math.ceil(n / 100))  # noqa: E731
    small = [r for r in report.counts if r not in ("opportunities", "tombstones")]
    return len(small) + pages(report.counts["opportunities"]) + pages(report.counts["tombstones"])


async def _passes(lever, db: Path, *, rate: float, burst: int, incremental: bool) -> list[SyncReport]:
    store = Store.open(db)
    try:
        async with LeverClient(lever.api_key, base_url=lever.base_url, rate=rate, burst=burst) as client:
            engine = SyncEngine(client, store)
            reports = [await engine.sync_now()]
            if incremental:
                reports.append(await engine.sync_now())
            return reports
    finally:
        store.close()


def request_counts(sizes=(1_000, 10_000)) -> bool:
    ok = True
    for n in sizes:
        with sandbox_process(n) as lever, tempfile.TemporaryDirectory() as d:
            lever.reset_stats()
            boot, again = asyncio.run(
                _passes(lever, Path(d) / "c.sqlite3", rate=100_000, burst=100_000, incremental=True)
            )
            floor = floor_requests(boot)
            served = lever.stats()["total"] - again.requests  # the server's own count of the bootstrap
        print(
            f"N={n:>6}: bootstrap {boot.requests} requests (floor {floor}, server saw {served}); "
            f"unchanged incremental {again.requests} requests for {len(again.resources)} resources"
        )
        ok &= boot.requests == floor and again.requests == len(again.resources)
    return ok


def limited_bootstrap(n: int = 10_000, rate: float = 10.0, burst: int = 20) -> float:
    with sandbox_process(n, rate=rate, burst=burst) as lever, tempfile.TemporaryDirectory() as d:
        (boot,) = asyncio.run(_passes(lever, Path(d) / "c.sqlite3", rate=rate, burst=burst, incremental=False))
    assert boot.ok, boot.error
    floor = (boot.requests - burst) / rate
    c_rate, c_burst = client_rate(rate, burst)
    pacing = (boot.requests - c_burst) / c_rate
    print(
        f"N={n}: bootstrap {boot.seconds:.2f} s for {boot.requests} requests, {boot.rate_limited} x 429; "
        f"rate-limit floor {floor:.2f} s -> {boot.seconds / floor:.3f}x (goal <= {TIME_GOAL}x); "
        f"client pacing floor {pacing:.2f} s -> {boot.seconds / pacing:.3f}x"
    )
    return boot.seconds / floor


def test_request_counts_at_the_floor():
    assert request_counts()


def test_bootstrap_time_under_the_rate_limit():
    ratio = limited_bootstrap()
    print(f"goal {'met' if ratio <= TIME_GOAL else 'NOT met'}")


if __name__ == "__main__":
    counts_ok = request_counts()
    ratio = limited_bootstrap()
    sys.exit(0 if counts_ok and ratio <= TIME_GOAL else 1)
