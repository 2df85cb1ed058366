"""Desktops on one key share its rate limit through the relay's count (a real relay process, a real sandbox)."""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from helpers.waiting import wait_until_async

from lever_desktop import config
from lever_desktop.lever.ratelimit import share_of
from lever_desktop.relay.keyshare import MAX_SHARING, fingerprint
from lever_desktop.relay.server import RelayConfig
from lever_desktop.session import opened
from lever_desktop.sync.events import SyncEvent


def _account(sandbox, relay_url: str | None, token: str | None = None) -> config.Account:
    return config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url, relay_url=relay_url, relay_token=token)


def _colleague_beats(relay, api_key: str, desktop: str, syncing: bool = True) -> int:
    """Another desktop on the same key, heartbeating the relay as the app does."""
    body = {"desktop": desktop, "key": fingerprint(api_key), "syncing": syncing}
    resp = httpx.post(relay.url + "/v1/share", json=body, headers=relay.reader_headers(), timeout=10)
    assert resp.status_code == 200, resp.text
    return resp.json()["sharing"]


async def _sync_watching_the_limiter(session) -> tuple[list[tuple[float, float]], object]:
    """Sync once; the limiter's configuration at every page the walk stored."""
    seen: list[tuple[float, float]] = []
    limiter = session.client.limiter

    def on_event(event: SyncEvent) -> None:
        if event.kind == "progress":
            seen.append(limiter.configured)

    unsubscribe = session.engine.subscribe(on_event)
    try:
        report = await session.engine.sync_now()
    finally:
        unsubscribe()
    return seen, report


async def test_a_colleague_syncing_on_the_key_halves_the_walk_s_rate_until_it_ends(sandbox_factory, relay):
    sandbox = sandbox_factory(api_key="k-" + secrets.token_hex(16), opportunities=10)
    colleague = str(uuid.uuid4())
    assert _colleague_beats(relay, sandbox.api_key, colleague) == 1
    async with opened(_account(sandbox, relay.url, relay.reader_token), settings=config.Settings()) as session:
        assert session.client.limiter.configured == share_of(1)
        seen, report = await _sync_watching_the_limiter(session)
        assert report.ok and seen
        assert set(seen) == {share_of(2)}  # from the walk's first page on
        assert session.client.limiter.configured == share_of(1)  # back to the whole key after it
        # Its goodbye reaches the relay: the colleague is alone again at once, not 10 s later.
        await wait_until_async(
            lambda: _colleague_beats(relay, sandbox.api_key, colleague) == 1, what="our desktop said goodbye"
        )


async def test_a_relay_that_is_down_leaves_the_sync_at_full_rate_and_says_so_once(sandbox, caplog):
    with socket.socket() as s:  # a loopback port nobody listens on
        s.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{s.getsockname()[1]}"
    caplog.set_level(logging.INFO, logger="lever_desktop.relay.keyshare")
    async with opened(_account(sandbox, down, "reader-token"), settings=config.Settings()) as session:
        assert session.key_share is not None
        for _ in range(2):
            seen, report = await _sync_watching_the_limiter(session)
            assert report.ok and set(seen) == {share_of(1)}
    said = [r for r in caplog.records if r.name == "lever_desktop.relay.keyshare"]
    assert [r.levelno for r in said] == [logging.INFO]
    assert "syncing at the key's full rate" in said[0].getMessage()
    assert "reader-token" not in caplog.text and sandbox.api_key not in caplog.text


async def test_a_relay_that_hangs_does_not_hold_the_walk(sandbox, caplog):
    """A relay that takes the connection and never answers: the walk goes ahead at full rate
    and is over before the heartbeat gives up (2 s); the giving up is said once, at INFO."""
    caplog.set_level(logging.INFO, logger="lever_desktop.relay.keyshare")
    with socket.socket() as hung:
        hung.bind(("127.0.0.1", 0))
        hung.listen(8)  # the kernel accepts connections; nobody ever reads them
        relay_url = f"http://127.0.0.1:{hung.getsockname()[1]}"
        async with opened(_account(sandbox, relay_url, "reader-token"), settings=config.Settings()) as session:
            seen, report = await _sync_watching_the_limiter(session)
            assert report.ok and set(seen) == {share_of(1)}
            assert not [r for r in caplog.records if r.name == "lever_desktop.relay.keyshare"]  # still waiting
            said = await wait_until_async(
                lambda: [r.getMessage() for r in caplog.records if r.name == "lever_desktop.relay.keyshare"],
                what="the heartbeat gave up",
            )
    assert len(said) == 1 and "ReadTimeout" in said[0]


async def test_a_relay_that_claims_a_crowd_beyond_its_own_cap_does_not_slow_the_sync(sandbox, caplog):
    """A compromised relay answering 5,000 desktops would have each sync crawl at 1/5,000 of the key: a count
    beyond the relay's own cap per key is no answer, and the walk keeps the key's full rate."""

    class Lying(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            body = json.dumps({"sharing": 201}).encode()  # one more than the reference relay's cap per key
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):  # quiet
            pass

    caplog.set_level(logging.INFO, logger="lever_desktop.relay.keyshare")
    server = ThreadingHTTPServer(("127.0.0.1", 0), Lying)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        relay_url = f"http://127.0.0.1:{server.server_address[1]}"
        async with opened(_account(sandbox, relay_url, "reader-token"), settings=config.Settings()) as session:
            seen, report = await _sync_watching_the_limiter(session)
            assert report.ok and set(seen) == {share_of(1)}
    finally:
        server.shutdown()
        server.server_close()
    assert "its answer is not a count" in caplog.text


def test_the_largest_count_a_desktop_believes_is_the_relays_own_cap_per_key():
    cap = next(f.default for f in dataclasses.fields(RelayConfig) if f.name == "max_desktops_per_key")
    assert cap == MAX_SHARING == 200


async def test_without_a_relay_a_sync_is_as_before(sandbox):
    async with opened(_account(sandbox, None), settings=config.Settings()) as session:
        assert session.key_share is None
        seen, report = await _sync_watching_the_limiter(session)
        assert report.ok and set(seen) == {share_of(1)}


async def test_the_relay_never_sees_the_key_only_its_fingerprint(sandbox_factory, relay):
    sandbox = sandbox_factory(api_key="k-" + secrets.token_hex(16), opportunities=10)
    async with opened(_account(sandbox, relay.url, relay.reader_token), settings=config.Settings()) as session:
        assert session.key_share is not None
        assert (await session.engine.sync_now()).ok
    database = Path(relay.db_url.removeprefix("sqlite:///"))
    stored = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert fingerprint(sandbox.api_key).encode() in stored  # the right place was searched
    for secret in (sandbox.api_key, sandbox.api_key.removeprefix("k-")):
        assert secret.encode() not in stored
        assert secret not in relay.log_text()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def two_relays(request, relay_factory, tmp_path):
    """Two relay processes behind one load balancer, on one database."""
    db = f"sqlite:///{tmp_path / 'team.sqlite3'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")
    first = relay_factory(db)
    return first, relay_factory(db, ingest_token=first.ingest_token, reader_token=first.reader_token)


def test_relay_processes_on_one_database_count_the_same_desktops(two_relays):
    first, second = two_relays
    key = "k-" + secrets.token_hex(16)
    one, two, three = (str(uuid.uuid4()) for _ in range(3))
    assert _colleague_beats(first, key, one) == 1
    assert _colleague_beats(second, key, two) == 2
    assert _colleague_beats(first, key, two) == 2  # the same desktop through the other process
    assert _colleague_beats(second, key, three) == 3
    assert _colleague_beats(second, key, one, syncing=False) == 2
    assert _colleague_beats(first, key, three) == 2
