"""The relay under slow and greedy anonymous clients, with a low open-file limit.

Run: .venv/bin/python -m pytest tests/bench/bench_relay_limits.py -s
 or: .venv/bin/python tests/bench/bench_relay_limits.py

A real ``lever-relay`` process on loopback, started under ``prlimit --nofile=256`` (when
available) like the machine where 300 slow connections took it down. Then, at once:
- 400 slow connections, each sending a request head a byte at a time and never finishing it;
- 60 anonymous 1 MB posts to ``/lever/webhooks`` (4 at a time);
- ``GET /healthz`` on a fresh connection every 100 ms.
Afterwards, 4 readers ask for ``limit=1000`` at once over 60 drafts of 900 KB.
Prints /healthz latency (p50, p95, max; a fresh connection every 100 ms), how much the database
grew, the relay's peak RSS (VmHWM) and its log size. Targets: /healthz under 100 ms, the database
growing < 1 MB, RSS < 150 MB.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/ for relay_fixtures

from helpers import relay_fixtures

SLOW = 400
POSTS = 60
NOFILE = 256


def _rss_peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _db_bytes(path: Path) -> int:
    """The database's size with its WAL folded in (the WAL file itself is reused, not grown)."""
    import sqlite3

    with contextlib.closing(sqlite3.connect(path, timeout=30)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path.stat().st_size


def _probe(url: str) -> float:
    """Seconds for ``GET /healthz`` on a fresh connection, as a load balancer asks it.

    A raw socket: creating an httpx client per probe (an SSL context each) costs more CPU than
    the relay's answer, and on a loaded 2-core machine the client would be what is measured.
    """
    u = httpx.URL(url)
    t0 = time.perf_counter()
    with socket.create_connection((u.host, u.port), timeout=5) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: relay\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(4096):
            answer += chunk
    if not answer.startswith(b"HTTP/1.1 200"):
        raise OSError(f"healthz answered {answer[:40]!r}")
    return time.perf_counter() - t0


def _healthz_ms(url: str, n: int = 10) -> float:
    return statistics.median(_probe(url) for _ in range(n)) * 1000


async def _slow_client(host: str, port: int, stop: asyncio.Event, cut: list[int]) -> None:
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        cut.append(1)
        return
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n")
        while not stop.is_set():
            writer.write(b"X")  # one header byte a second: never a whole head
            await writer.drain()
            try:
                async with asyncio.timeout(1.0):
                    if await reader.read(1) == b"":
                        cut.append(1)
                        return
            except TimeoutError:
                pass
    except OSError:
        cut.append(1)
    finally:
        writer.close()


async def _attack(url: str) -> dict:
    u = httpx.URL(url)
    stop, cut = asyncio.Event(), []
    slow = [asyncio.create_task(_slow_client(u.host, u.port, stop, cut)) for _ in range(SLOW)]
    big = b'{"event": "candidateStageChange", "data": {"pad": "' + b"x" * (1024 * 1024 - 100) + b'"}}'
    posted: list[int] = []

    async def poster(client: httpx.AsyncClient, n: int) -> None:
        for _ in range(n):
            r = await client.post(url + "/lever/webhooks", content=big, headers={"Content-Type": "application/json"})
            posted.append(r.status_code)

    latencies: list[float] = []
    failures: list[str] = []
    checking = threading.Event()

    def health() -> None:  # its own thread: the attack's event loop must not delay the measurement
        while not checking.is_set():
            try:
                latencies.append(_probe(url))
            except OSError as e:
                failures.append(repr(e))
            checking.wait(0.1)

    await asyncio.sleep(1.0)  # the slow connections are open
    checker = threading.Thread(target=health)
    checker.start()
    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(poster(client, POSTS // 4) for _ in range(4)))
    await asyncio.sleep(3.0)  # keep measuring while the slow ones hang on
    stop.set()
    checking.set()
    await asyncio.gather(*slow)
    checker.join()
    return {
        "healthz_p50_ms": statistics.median(latencies) * 1000,
        "healthz_max_ms": max(latencies) * 1000,
        "healthz_p95_ms": statistics.quantiles(latencies, n=20)[-1] * 1000,
        "healthz_failures": len(failures),
        "failure_kinds": sorted(set(failures)),
        "healthz_checks": len(latencies) + len(failures),
        "posts_ok": posted.count(200),
        "slow_cut": len(cut),
    }


async def _greedy_readers(relay) -> float:
    draft = b'{"schema": "lever-desktop/draft@1", "draftId": "d", "pad": "' + b"z" * 900_000 + b'"}'
    headers = {**relay.ingest_headers(), "Content-Type": "application/json"}
    async with httpx.AsyncClient(timeout=120) as c:
        for _ in range(60):
            assert (await c.post(relay.url + "/drafts", content=draft, headers=headers)).status_code == 200
        t0 = time.perf_counter()
        pages = await asyncio.gather(
            *(
                c.get(relay.feed_url, params={"after": 0, "limit": 1000}, headers=relay.reader_headers())
                for _ in range(4)
            )
        )
        assert all(p.status_code == 200 for p in pages)
        return time.perf_counter() - t0


def run(tmp: Path) -> dict:
    original = relay_fixtures._relay_command
    if shutil.which("prlimit"):
        relay_fixtures._relay_command = lambda: ["prlimit", f"--nofile={NOFILE}:{NOFILE}", *original()]
    db = tmp / "relay.sqlite3"
    relay = relay_fixtures.start_relay(tmp, f"sqlite:///{db}", "--no-access-log")
    try:
        size0 = _db_bytes(db)
        quiet_ms = _healthz_ms(relay.url)
        figures = asyncio.run(_attack(relay.url))
        figures["db_growth_kb"] = (_db_bytes(db) - size0) / 1024
        figures["healthz_quiet_ms"] = quiet_ms
        figures["rss_peak_mb_attack"] = _rss_peak_mb(relay.proc.pid)
        figures["feed_seconds"] = asyncio.run(_greedy_readers(relay))
        figures["rss_peak_mb"] = _rss_peak_mb(relay.proc.pid)
        figures["log_kb"] = relay.log_path.stat().st_size / 1024
        if os.environ.get("BENCH_SHOW_LOG"):
            print(relay.log_text()[-3000:])
        figures["nofile"] = NOFILE if shutil.which("prlimit") else "unchanged"
    finally:
        relay.stop()
        relay_fixtures._relay_command = original
    return figures


def report(f: dict) -> None:
    print(f"\nrelay limits ({SLOW} slow connections + {POSTS} x 1 MB anonymous posts, open files {f['nofile']}):")
    print(
        f"  /healthz: p50 {f['healthz_p50_ms']:.1f} ms, p95 {f['healthz_p95_ms']:.1f} ms, "
        f"max {f['healthz_max_ms']:.1f} ms "
        f"({f['healthz_failures']} failed of {f['healthz_checks']} {f['failure_kinds']}); "
        f"p50 {f['healthz_quiet_ms']:.1f} ms before the attack"
    )
    print(f"  posts answered 200: {f['posts_ok']}/{POSTS}; slow connections cut: {f['slow_cut']}/{SLOW}")
    print(f"  database grew {f['db_growth_kb']:.0f} KB; relay log {f['log_kb']:.0f} KB")
    print(
        f"  relay peak RSS: {f['rss_peak_mb_attack']:.0f} MB under attack, {f['rss_peak_mb']:.0f} MB after "
        f"4 readers x limit=1000 over 60 x 900 KB drafts ({f['feed_seconds']:.1f} s)"
    )


def test_bench_relay_limits(tmp_path) -> None:
    f = run(tmp_path)
    report(f)
    # p95, not max: on a shared 2-core machine any process sees the odd 100 ms scheduling stall.
    assert f["healthz_p95_ms"] < 100 and f["healthz_failures"] == 0
    assert f["db_growth_kb"] < 1024
    assert f["rss_peak_mb"] < 150


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as d:
        os.environ.pop("LEVER_RELAY_DB", None)
        report(run(Path(d)))
