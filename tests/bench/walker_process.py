"""Walk Lever's opportunities from a process of its own, for the multi-process benchmarks.

Run by ``bench_shared_key.py`` and ``bench_storm_recovery.py``, several at a time
on one key, each with its own interpreter (so its own limiter, as separate
desktops have), and with ``PYTHONPATH`` pointing either at this tree or at an
export of the baseline commit's ``lever_desktop``: the code below uses only the
client API both share. It prints ``ready``, waits for a line on stdin (so that
all walkers start together however long their imports took), walks, and
prints one JSON line: records, requests, 429s, seconds, and the error if the
walk failed, and when its 429s came.

    python tests/bench/walker_process.py BASE_URL API_KEY PAGE_SIZE [FAULT_AT FAULT_SPEC ADMIN_URL]

With ``LEVER_BENCH_PROBE=P`` the limiter probes back up by P of its rate per second after a cut
(``ratelimit.PROBE``). With ``LEVER_BENCH_SHARE=N`` in its environment a walker is *told* that N processes share the
key and takes an even share of Lever's bucket (10/N per second, bursts of 20/N). With
``LEVER_BENCH_RELAY_URL`` and ``LEVER_BENCH_RELAY_TOKEN`` it learns N the way the app does: its
``relay.keyshare.KeyShare`` heartbeats that relay for as long as it walks.

With ``FAULT_AT``, the sandbox gets ``FAULT_SPEC`` (``--faults`` syntax) just before request
number ``FAULT_AT`` of the walk (a single walker: its requests are the only ones).

``run_walkers`` is the benchmarks' side: start them, release them together, collect.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

from lever_desktop.lever.client import LeverClient


async def walk(base_url: str, api_key: str, page_size: int, fault_at: int, fault: str, admin_url: str) -> dict:
    started = time.monotonic()
    timeline: list[tuple[float, int]] = []  # (seconds, 429s so far) whenever a page met more 429s
    share = int(os.environ.get("LEVER_BENCH_SHARE", "1"))
    async with LeverClient(api_key, base_url=base_url, rate=10.0 / share, burst=max(2, 20 // share)) as lever:
        async with contextlib.AsyncExitStack() as sharing:
            if relay_url := os.environ.get("LEVER_BENCH_RELAY_URL"):
                # The app's own key share, wired to the key's limiter as a session wires it.
                from lever_desktop.relay.keyshare import KeyShare  # imported before "ready" (main)

                token = os.environ["LEVER_BENCH_RELAY_TOKEN"]
                key_share = KeyShare(relay_url, token, api_key, lever.limiter, str(uuid.uuid4()))
                sharing.push_async_callback(key_share.aclose)
                await sharing.enter_async_context(key_share.syncing())
            records, error = await _walk_pages(lever, page_size, started, timeline, fault_at, fault, admin_url)
            seconds = time.monotonic() - started
        stats = lever.stats
        return {
            "records": records,
            "requests": stats.requests,
            "rateLimited": stats.rate_limited,
            "seconds": seconds,
            "error": error,
            "timeline": timeline,
        }


async def _walk_pages(
    lever: LeverClient,
    page_size: int,
    started: float,
    timeline: list[tuple[float, int]],
    fault_at: int,
    fault: str,
    admin_url: str,
) -> tuple[int, str | None]:
    """Every page of the opportunities: (records, the error that ended the walk early, if any)."""
    query: dict = {"limit": page_size, "confidentiality": "all"}
    records = pages = 0
    try:
        while True:
            pages += 1
            if pages == fault_at:
                async with httpx.AsyncClient() as admin:
                    await admin.post(admin_url + "/faults", json={"spec": fault})
            limited = lever.stats.rate_limited
            page = await lever.get_page("/opportunities", query)
            if lever.stats.rate_limited > limited:
                timeline.append((round(time.monotonic() - started, 3), lever.stats.rate_limited))
            records += len(page.records)
            if not page.has_next:
                return records, None
            query["offset"] = page.next
    except Exception as e:  # noqa: BLE001 - the figure that matters: the walk failed, and how
        return records, f"{type(e).__name__}: {e}"


ROOT = Path(__file__).resolve().parents[2]
BASELINE_REV = "e7d6535"  # main when issue #16 was measured: halving per 429, 5 attempts then fail


def baseline_tree(rev: str = BASELINE_REV) -> str:
    """A directory holding ``rev``'s ``lever_desktop`` (exported once), for PYTHONPATH."""
    sha = subprocess.run(
        ["git", "rev-parse", "--short=12", rev], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    out = Path(tempfile.gettempdir()) / f"lever-desktop-{sha}"
    if not (out / "lever_desktop" / "__init__.py").exists():
        out.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", sha, "lever_desktop"], cwd=ROOT, check=True, capture_output=True)
        subprocess.run(["tar", "-x", "-C", str(out)], input=archive.stdout, check=True)
    return str(out)


def limiters(baseline: str | None) -> dict[str, str | None]:
    """The limiters a benchmark compares: label -> the PYTHONPATH entry holding that code."""
    ours: dict[str, str | None] = {"ours": None}
    return {f"baseline {baseline}": baseline_tree(baseline), **ours} if baseline else ours


def run_walkers(
    base_url: str,
    admin_url: str,
    api_key: str,
    count: int,
    page_size: int,
    *,
    code: str | None = None,
    told: bool = False,
    probe: float | None = None,
    relay: tuple[str, str] | None = None,
    fault_at: int = 0,
    fault: str = "",
) -> list[dict]:
    """``count`` walkers on one key, released together into a full bucket; their results.

    ``told``: each walker knows ``count`` processes share the key (``LEVER_BENCH_SHARE``).
    ``relay``: (url, reader token) of a relay each walker heartbeats, learning the count from it.
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (code, str(ROOT)) if p)}
    env["LEVER_BENCH_SHARE"] = str(count if told else 1)
    if probe is not None:
        env["LEVER_BENCH_PROBE"] = str(probe)
    if relay is not None:
        env["LEVER_BENCH_RELAY_URL"], env["LEVER_BENCH_RELAY_TOKEN"] = relay
    extra = [str(fault_at), fault, admin_url] if fault_at else []
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, base_url, api_key, str(page_size), *extra],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(count)
    ]
    try:
        for p in procs:
            if p.stdout.readline().strip() != "ready":
                raise RuntimeError("a walker did not start")
        httpx.delete(admin_url + "/faults", timeout=10)
        httpx.post(admin_url + "/stats/reset", timeout=10)
        httpx.put(admin_url + "/rate-limit", json={"rate": 10.0, "burst": 20}, timeout=10)  # a full bucket
        for p in procs:
            p.stdin.write("go\n")
            p.stdin.flush()
        return [json.loads(p.stdout.readline()) for p in procs]
    finally:
        for p in procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
            for pipe in (p.stdin, p.stdout):  # an unclosed pipe is a ResourceWarning that fails the test
                if pipe is not None:
                    pipe.close()


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.ERROR)  # a 429 per line from ten walkers would drown the figures
    if probe := os.environ.get("LEVER_BENCH_PROBE"):  # the trade-off sweep of bench_shared_key --probes
        from lever_desktop.lever import ratelimit

        ratelimit.PROBE = float(probe)
    if os.environ.get("LEVER_BENCH_RELAY_URL"):  # not in the baseline's tree; its imports take a while
        import lever_desktop.relay.keyshare  # noqa: F401
    base_url, api_key, page_size = argv[0], argv[1], int(argv[2])
    fault_at, fault, admin_url = (int(argv[3]), argv[4], argv[5]) if len(argv) > 5 else (0, "", "")
    print("ready", flush=True)
    sys.stdin.readline()
    print(json.dumps(asyncio.run(walk(base_url, api_key, page_size, fault_at, fault, admin_url))), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
