"""Benchmark: exactly-once submission of N=1000 approved drafts under faults and kill -9.

Phase 1 flushes N drafts in-process while 20% of feedback POSTs fail (503,
dropped before storing, dropped after storing) and 5% are stored only 6 s after
Lever received them (``store-after=6``); phase 2 flushes N more with
``lever-desktop submit`` subprocesses killed with SIGKILL at random moments
and restarted until done, under the same faults: a submitter killed while
Lever still holds its POST leaves a form that lands after the restart. The
settle window is 20 s (it must outlast the 6 s; the app's is 10 minutes). The
sandbox's rate limit is raised; the CLI keeps Lever's own client-side limit
(10/s), so phase 2 takes a few minutes.

Prints: feedback forms in the sandbox (goal 2N), duplicates (goal 0), lost (goal 0).

    .venv/bin/python -m pytest tests/bench/bench_outbox_reliability.py -s
    .venv/bin/python tests/bench/bench_outbox_reliability.py [N]      # N per phase; >= 100 for 200 drafts
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the shared review helpers

from helpers import review_reliability

from lever_desktop import paths
from lever_desktop.sandbox.server import SandboxServer

N = int(os.environ.get("BENCH_OUTBOX_N", "1000"))
STORE_AFTER_S, SETTLE_WINDOW_S = 6.0, 20.0


async def bench(n: int) -> review_reliability.Outcome:
    started = time.monotonic()
    with SandboxServer(opportunities=200, seed=3, rate=100_000.0, burst=100_000) as sandbox:
        outcome = await review_reliability.run(
            sandbox,
            n,
            max_kills=max(6, n // 25),
            seed=11,
            store_after_s=STORE_AFTER_S,
            settle_window_s=SETTLE_WINDOW_S,
            log=lambda s: print(f"[{time.monotonic() - started:7.1f}s] {s}"),
        )
    t = outcome.tally
    print(
        f"\nN = {n} per phase, {2 * n} approved drafts in all; {outcome.kills} SIGKILLs over {outcome.runs} runs;"
        f" store-after={STORE_AFTER_S:g} s, settle window {SETTLE_WINDOW_S:g} s"
    )
    print(f"POSTs stored late         = {outcome.late_stores} (store-after={STORE_AFTER_S:g} s)")
    print(f"feedback forms in sandbox = {t.forms} (goal {2 * n})")
    print(f"duplicated                = {t.duplicates} (goal 0)")
    print(f"lost                      = {t.lost} (goal 0)")
    print(f"draft states              = {outcome.states}")
    print(f"wall time                 = {time.monotonic() - started:.0f} s")
    return outcome


def _check(outcome: review_reliability.Outcome, n: int) -> None:
    assert (outcome.tally.forms, outcome.tally.duplicates, outcome.tally.lost) == (2 * n, 0, 0)


def test_outbox_exactly_once_at_scale(tmp_path):
    # tests/conftest.py already gave this test its own basedir.
    _check(asyncio.run(bench(N)), N)


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else N
    with tempfile.TemporaryDirectory() as base:
        paths.set_basedir(base)
        _check(asyncio.run(bench(n)), n)
