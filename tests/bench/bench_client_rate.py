"""Benchmark: LeverClient walking 10,000 opportunities through the sandbox's rate limit.

Lever's bucket is 10 requests/s with bursts to 20; the goal (foundation issue) is an
effective request rate >= 0.90 of the server's steady rate with <= 1 % of requests
answered 429. The walk uses ``limit=10`` (1,000 requests, ~100 s) so the steady
state dominates the initial burst. Baseline, measured in the same run: the same walk
with the limit off, to show the sandbox itself is not the bottleneck.

    .venv/bin/python -m pytest tests/bench/bench_client_rate.py -s
    .venv/bin/python tests/bench/bench_client_rate.py [--opportunities N] [--page-size K]
"""

from __future__ import annotations

import argparse
import asyncio
import time

import httpx

from lever_desktop.lever.client import LeverClient
from lever_desktop.sandbox.server import SandboxServer

RATE, BURST = 10.0, 20


async def _walk(
    server: SandboxServer, page_size: int, rate: float = RATE, burst: int = BURST
) -> tuple[int, int, float]:
    async with LeverClient(server.api_key, base_url=server.base_url, rate=rate, burst=burst) as lever:
        started = time.perf_counter()
        count = 0
        async for _ in lever.paginate("/opportunities", {"limit": page_size, "confidentiality": "all"}):
            count += 1
        return count, lever.stats.requests, time.perf_counter() - started


def _served(server: SandboxServer) -> tuple[int, int]:
    with httpx.Client() as c:
        stats = c.get(server.admin_url + "/stats").json()
    return stats["total"], stats["rateLimited"]


def run(opportunities: int = 10_000, page_size: int = 10) -> dict[str, float]:
    with SandboxServer(opportunities=opportunities, rate=1e6, burst=10**6) as free:
        _, base_requests, base_elapsed = asyncio.run(_walk(free, page_size, rate=1e6, burst=10**6))
    with SandboxServer(opportunities=opportunities, rate=RATE, burst=BURST) as limited:
        count, requests, elapsed = asyncio.run(_walk(limited, page_size))
        served, rejected = _served(limited)
    # The best any client can do: the burst at once, then the steady rate.
    ideal = served / max(1e-9, (served - BURST) / RATE)
    figures = {
        "opportunities": count,
        "requests": requests,
        "seconds": elapsed,
        "effective_rate": requests / elapsed,
        "ratio_to_steady_rate": requests / elapsed / RATE,
        "ratio_to_ideal": (requests / elapsed) / ideal,
        "share_429": rejected / served,
        "baseline_unlimited_rate": base_requests / base_elapsed,
    }
    print(f"\nwalked {count} opportunities in {requests} requests, {elapsed:.1f} s")
    print(
        f"effective rate {figures['effective_rate']:.2f} req/s; server steady rate {RATE:g}/s "
        f"-> ratio {figures['ratio_to_steady_rate']:.3f} (to the ideal burst+steady: {figures['ratio_to_ideal']:.3f})"
    )
    print(f"429s: {rejected} of {served} served ({100 * figures['share_429']:.2f} %)")
    print(
        f"baseline (limits off on both sides, same walk): {figures['baseline_unlimited_rate']:.0f} req/s "
        f"-> the sandbox is not the bottleneck"
    )
    return figures


def test_client_keeps_to_the_limit_efficiently():
    figures = run()
    assert figures["ratio_to_steady_rate"] >= 0.90
    assert figures["share_429"] <= 0.01


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opportunities", type=int, default=10_000)
    parser.add_argument("--page-size", type=int, default=10)
    a = parser.parse_args()
    run(a.opportunities, a.page_size)
