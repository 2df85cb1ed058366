"""Relay throughput and ingest-to-processed latency.

Run: .venv/bin/python -m pytest tests/bench/bench_relay.py -s
 or: .venv/bin/python tests/bench/bench_relay.py
(with ``eval "$(.ci/start-postgres)"`` first, the PostgreSQL ingest is measured too)

Prints, for a real ``lever-relay`` process on loopback:
- ingest of 10,000 signed Lever deliveries (32 concurrent clients): req/s, and its ratio to
  ``GET /healthz`` in the same run (the HTTP stack's own ceiling, no database);
- catch-up: how fast the app's poller (signature check, de-duplication, raw store, cursor in the
  real SQLite cache) works through the 10,000 items already waiting;
- live: the poller long-polling while 10,000 deliveries arrive at full speed: time from each
  delivery's POST to its batch being committed in the app (p50/p95) and in total.
The dispatcher only records what it is asked: this measures the relay path, not Lever refreshes.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for relay_fixtures

from helpers.relay_fixtures import RecordingDispatcher, pg_database, signed_delivery, start_relay

from lever_desktop import paths, secrets
from lever_desktop.relay.client import FeedPoller
from lever_desktop.store import Store

N = 10_000
CONCURRENCY = 32
SIG = {"candidateStageChange": "bench-signature-token-" + "q" * 24}


def bodies(n: int, tag: str) -> list[bytes]:
    return [
        json.dumps(
            signed_delivery("candidateStageChange", {"opportunityId": f"{tag}-{i}"}, SIG["candidateStageChange"])
        ).encode()
        for i in range(n)
    ]


async def _request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, head: bytes, body: bytes) -> int:
    writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
    status_line = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    await reader.readexactly(length)
    return int(status_line.split()[1])


async def hammer(url: str, n: int, content: list[bytes] | None, sent: dict[int, float] | None = None) -> float:
    """``n`` requests over CONCURRENCY keep-alive connections; returns requests per second.

    A minimal HTTP/1.1 client on asyncio streams: httpx's pool costs more CPU per request than
    the relay does, and on a shared 2-core machine the client would be what is measured.
    """
    u = httpx.URL(url)
    method = b"GET" if content is None else b"POST"
    head = b"%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n" % (method, u.raw_path, u.host.encode())
    next_i = iter(range(n))

    async def worker() -> None:
        reader, writer = await asyncio.open_connection(u.host, u.port)
        try:
            for i in next_i:
                if sent is not None:
                    sent[i] = time.perf_counter()
                status = await _request(reader, writer, head, b"" if content is None else content[i])
                assert status == 200, status
        finally:
            writer.close()
            await writer.wait_closed()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return n / (time.perf_counter() - start)


def make_poller(relay, store: Store, dispatcher) -> FeedPoller:
    return FeedPoller(relay.url, relay.reader_token, store, dispatcher, SIG, wait=20, limit=500)


async def catch_up(relay, store: Store) -> float:
    dispatcher = RecordingDispatcher()
    poller = make_poller(relay, store, dispatcher)
    try:
        start = time.perf_counter()
        stats = await poller.drain()
        elapsed = time.perf_counter() - start
    finally:
        await poller.aclose()
    assert stats.accepted == N and len(dispatcher.calls) == N, stats
    return N / elapsed


async def live(relay, store: Store) -> tuple[float, float, float, float]:
    """Returns (ingest req/s, p50 ms, p95 ms, total s) with the poller following the feed."""
    content = bodies(N, "live")
    sent: dict[int, float] = {}
    done: dict[int, float] = {}
    dispatcher = RecordingDispatcher()
    poller = make_poller(relay, store, dispatcher)
    all_done = asyncio.Event()
    seen = 0

    def processed(_batch) -> None:
        nonlocal seen
        now = time.perf_counter()
        for _, target in dispatcher.calls[seen:]:
            done[int(target.rsplit("-", 1)[1])] = now
        seen = len(dispatcher.calls)
        if len(done) == N:
            all_done.set()

    poller.on_processed(processed)
    task = asyncio.create_task(poller.run())
    rate: list[float] = []
    # The ingest clients get their own thread and loop, like Lever's senders would be elsewhere.
    sender = threading.Thread(
        target=lambda: rate.append(asyncio.run(hammer(relay.url + "/lever/webhooks", N, content, sent)))
    )
    sender.start()
    try:
        await asyncio.wait_for(all_done.wait(), 600)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await poller.aclose()
        await asyncio.to_thread(sender.join)
    lat = sorted((done[i] - sent[i]) * 1000 for i in range(N))
    total = max(done.values()) - min(sent.values())
    return rate[0], statistics.median(lat), lat[int(0.95 * N) - 1], total


def run(workdir: Path) -> None:
    paths.set_basedir(workdir / "basedir")
    secrets.use_memory_backend()
    pg = os.environ.get("LEVER_TEST_PG_URL")
    started = []
    try:
        relay = start_relay(workdir, f"sqlite:///{workdir / 'bench.sqlite3'}", "--no-access-log")
        started.append(relay)
        baseline = asyncio.run(hammer(relay.url + "/healthz", N // 5, None))
        ingest = asyncio.run(hammer(relay.url + "/lever/webhooks", N, bodies(N, "bulk")))
        print(
            f"\nrelay ingest (SQLite): {ingest:,.0f} req/s for {N:,} deliveries, {CONCURRENCY} clients; "
            f"GET /healthz baseline {baseline:,.0f} req/s -> ratio {ingest / baseline:.2f}"
        )
        with Store.open() as store:
            rate = asyncio.run(catch_up(relay, store))
        print(f"poller catch-up: {rate:,.0f} items/s ({N:,} waiting items, verified, de-duplicated, recorded)")
        if pg:
            with pg_database(pg) as url:
                pg_relay = start_relay(workdir, url, "--no-access-log")
                started.append(pg_relay)
                pg_rate = asyncio.run(hammer(pg_relay.url + "/lever/webhooks", N, bodies(N, "pg")))
                print(f"relay ingest (PostgreSQL): {pg_rate:,.0f} req/s -> ratio to SQLite {pg_rate / ingest:.2f}")
                pg_relay.stop()
        fresh = start_relay(workdir, f"sqlite:///{workdir / 'live.sqlite3'}", "--no-access-log")
        started.append(fresh)
        paths.set_basedir(workdir / "basedir-live")
        with Store.open() as store:
            live_rate, p50, p95, total = asyncio.run(live(fresh, store))
        print(
            f"live: ingest {live_rate:,.0f} req/s while polling; ingest -> processed p50 {p50:,.0f} ms, "
            f"p95 {p95:,.0f} ms; all {N:,} processed {total:.1f} s after the first POST"
        )
    finally:
        for r in started:
            r.stop()
        paths.set_basedir(None)


@pytest.mark.timeout(1800)
def test_bench_relay(tmp_path) -> None:
    run(tmp_path)


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        run(Path(d))
