"""Benchmark: 1, 3 and 10 processes walking 6,000 opportunities each, at once, on one key.

Issue #16 item 2. Desktops that share an API key share nothing else: each walker is
a process of its own (its own limiter), talking over loopback HTTP to the sandbox in
a process of its own with Lever's bucket (10/s, bursts of 20). Side by side in one
run: the baseline (``walker_process.BASELINE_REV``'s ``lever_desktop``, exported with
``git archive``) and this tree. Per row: aggregate goodput beyond the burst as a share
of the server's rate, 429s as a share of all requests the server saw, slowest walk /
fastest walk, walks that failed, and how many of the 429s came in the first 5 s.

Goals (issue #16): goodput >= 0.9; 429s <= 2 % with 3 processes and <= 5 % with 10; no
walk fails; slowest <= 1.5x fastest. Reached: no walk fails, and about half the baseline's
429s; the rest needs something shared (README). The extra rows show why, and the fix:

- ``ours, told N``: each walker is told how many processes share the key and takes an even
  share of the bucket, which is what the smallest shared mechanism (a count of the desktops
  syncing with a key) would give every limiter: it meets every goal;
- ``ours, relay``: that mechanism, built. Each walker heartbeats a real ``lever-relay`` process
  through the app's own ``relay.keyshare.KeyShare`` and takes the share the relay's count gives;
  it meets every goal too (README, "The Lever client");
- ``--probes 0.005,0.0025``: our limiter probing back up 2 and 4 times more slowly after a cut.
  Ten processes still meet 429s far above 5 % (their start-up alone costs ~2 %), while three lose
  goodput: without a count, slower probing trades one goal for another.

The machine's load is printed too.

    .venv/bin/python -m pytest tests/bench/bench_shared_key.py -s
    .venv/bin/python tests/bench/bench_shared_key.py [--page-size 50] [--counts 1,3,10] [--baseline REV|none]
        [--no-told] [--no-relay] [--probes 0.005,0.0025]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bench.sandbox_process import sandbox_process
from tests.bench.walker_process import BASELINE_REV, limiters, run_walkers
from tests.helpers.relay_fixtures import start_relay

RATE, BURST, OPPORTUNITIES = 10.0, 20, 6000
STARTUP = 5.0  # seconds counted as the start-up transient


def figures(results: list[dict], served: dict) -> dict[str, float]:
    done = [r for r in results if r["error"] is None]
    ok = sum(r["requests"] - r["rateLimited"] for r in results)
    makespan = max(r["seconds"] for r in results)
    seconds = [r["seconds"] for r in done] or [float("nan")]
    return {
        "goodput": (ok - BURST) / makespan / RATE,  # what the burst gives at once is not a rate
        "share_429": served["rateLimited"] / max(1, served["total"]),
        "fairness": max(seconds) / min(seconds),
        "failed": len(results) - len(done),
        "seconds": makespan,
        # The start-up transient: every walker learns of the others only from its own 429s.
        "startup_429": sum(max([n for t, n in r.get("timeline", []) if t <= STARTUP] or [0]) for r in results),
        "client_429": sum(r["rateLimited"] for r in results),
        "requests": served["total"],
    }


TOLD = "ours, told N"  # each walker knows how many share the key: what a shared count would give
RELAY = "ours, relay"  # each walker learns how many share the key from a real relay (relay/keyshare.py)


@contextlib.contextmanager
def relay_process() -> Iterator[tuple[str, str]]:
    """A real ``lever-relay`` on a fresh SQLite file: (url, reader token)."""
    with tempfile.TemporaryDirectory() as tmp:
        relay = start_relay(Path(tmp), f"sqlite:///{Path(tmp) / 'relay.sqlite3'}", "--no-access-log")
        try:
            yield relay.url, relay.reader_token
        finally:
            relay.stop()


def measure(
    counts=(1, 3, 10),
    page_size: int = 50,
    baseline: str | None = BASELINE_REV,
    told: bool = True,
    probes: tuple[float, ...] = (),
    relay: bool = True,
) -> dict:
    variants = limiters(baseline)
    table: dict[tuple[str, int], dict[str, float]] = {}
    load = [os.getloadavg()[0]]
    with sandbox_process(OPPORTUNITIES, rate=RATE, burst=BURST) as lever, relay_process() as team_relay:
        for count in counts:
            runs = [(label, code, False, None) for label, code in variants.items()]
            # The trade-off of probing without a coordinator: slower growth after a cut, fewer 429s.
            runs += [(f"ours, probe {p:g}/s", None, False, p) for p in probes]
            if told and count > 1:
                runs.append((TOLD, None, True, None))
            if relay:
                runs.append((RELAY, None, False, None))
            for label, code, knows, probe in runs:
                results = run_walkers(
                    lever.base_url,
                    lever.admin_url,
                    lever.api_key,
                    count,
                    page_size,
                    code=code,
                    told=knows,
                    probe=probe,
                    relay=team_relay if label == RELAY else None,
                )
                table[(label, count)] = figures(results, lever.stats())
                load.append(os.getloadavg()[0])
                for r in results:
                    if r["error"]:
                        print(f"  {label} x{count}: a walk failed: {r['error']}")
    print(
        f"\n{OPPORTUNITIES} opportunities per walker, pages of {page_size}; server bucket {RATE:g}/s, burst {BURST}; "
        f"load average (1 min) {min(load):.1f}-{max(load):.1f} on {os.cpu_count()} cores"
    )
    print(
        f"  {'limiter':22} {'procs':>5} {'requests':>8} {'seconds':>7} {'goodput':>7} {'429s':>7} "
        f"{'slow/fast':>9} {'failed':>6} {'429s in the first 5 s':>22}"
    )
    for (label, count), f in table.items():
        print(
            f"  {label:22} {count:5d} {f['requests']:8d} {f['seconds']:7.1f} {f['goodput']:7.3f} "
            f"{f['share_429']:7.2%} {f['fairness']:9.2f} {f['failed']:6d} "
            f"{f['startup_429']:6d} of {f['client_429']:d}"
        )
    return table


@pytest.mark.timeout(1200)  # ten processes, twice (old and new limiter): several minutes on 2 cores
def test_one_key_shared_by_1_3_and_10_processes():
    """No walk fails, and fewer 429s than the baseline in the same run. The issue's goals
    (<= 2 % / <= 5 % 429s, slowest <= 1.5x the fastest) are printed, not asserted, for processes
    that share nothing: they do not reach them (see README, "The Lever client"). Told how many
    share the key, or counted by the relay, the same limiter reaches them all."""
    table = measure()
    baseline = f"baseline {BASELINE_REV}"
    for count in (1, 3, 10):
        ours = table[("ours", count)]
        assert ours["failed"] == 0
        assert ours["share_429"] <= table[(baseline, count)]["share_429"]
    assert table[("ours", 1)]["goodput"] >= 0.9
    assert table[("ours", 10)]["goodput"] >= 0.8
    for count, most_429 in ((3, 0.02), (10, 0.05)):
        for label in (TOLD, RELAY):
            shared = table[(label, count)]
            assert shared["failed"] == 0 and shared["share_429"] <= most_429
            assert shared["goodput"] >= 0.9 and shared["fairness"] <= 1.5
    assert table[(RELAY, 1)]["goodput"] >= 0.9  # alone, the heartbeats cost nothing that shows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--counts", default="1,3,10")
    parser.add_argument("--baseline", default=BASELINE_REV, help="a git revision, or 'none'")
    parser.add_argument("--no-told", action="store_true", help=f"leave out the '{TOLD}' rows")
    parser.add_argument("--no-relay", action="store_true", help=f"leave out the '{RELAY}' rows")
    parser.add_argument("--probes", default="", help="also run ours with these ratelimit.PROBE values (0.005,0.0025)")
    a = parser.parse_args()
    counts = tuple(int(c) for c in a.counts.split(","))
    probes = tuple(float(p) for p in a.probes.split(",") if p)
    baseline = None if a.baseline == "none" else a.baseline
    measure(counts, a.page_size, baseline, told=not a.no_told, probes=probes, relay=not a.no_relay)
