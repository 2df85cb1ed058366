"""Fixtures running the real ``lever-relay`` as a process on a free loopback port.

``relay`` is one relay on a fresh SQLite file; ``relay_factory(db_url=..., **flags)`` starts more
(for example two sharing a PostgreSQL database); ``pg_url`` is a fresh PostgreSQL database on the
server named by ``LEVER_TEST_PG_URL`` (tests using it skip when that is unset).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import selectors
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

START_TIMEOUT = 30.0


@dataclass
class RelayProcess:
    """A running ``lever-relay``; ``stop()`` terminates it (the fixtures do so at teardown)."""

    url: str
    db_url: str
    ingest_token: str = field(repr=False)
    reader_token: str = field(repr=False)
    log_path: Path
    proc: subprocess.Popen = field(repr=False)

    @property
    def feed_url(self) -> str:
        return self.url + "/v1/feed"

    def reader_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.reader_token}"}

    def ingest_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.ingest_token}"}

    def log_text(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


def _relay_command() -> list[str]:
    script = Path(sys.executable).with_name("lever-relay")
    return [str(script)] if script.exists() else [sys.executable, "-m", "lever_desktop.relay"]


def start_relay(
    log_dir: Path, db_url: str, *extra: str, ingest_token: str | None = None, reader_token: str | None = None
) -> RelayProcess:
    ingest_token = ingest_token or "ingest-" + secrets.token_urlsafe(24)
    reader_token = reader_token or "reader-" + secrets.token_urlsafe(24)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
    env.update(LEVER_RELAY_INGEST_TOKEN=ingest_token, LEVER_RELAY_READER_TOKEN=reader_token)
    log_path = log_dir / f"relay-{uuid.uuid4().hex[:8]}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [*_relay_command(), "--host", "127.0.0.1", "--port", "0", "--db", db_url, *extra],
            stdout=subprocess.PIPE,
            stderr=log,
            env=env,
        )
    try:
        url = _read_listen_url(proc, log_path)
        _wait_healthy(url, proc, log_path)
    except BaseException:
        proc.kill()
        proc.wait(timeout=10)
        proc.stdout.close()
        raise
    return RelayProcess(url, db_url, ingest_token, reader_token, log_path, proc)


def _read_listen_url(proc: subprocess.Popen, log_path: Path) -> str:
    """The relay prints ``lever-relay listening on http://host:port ...`` once bound."""
    assert proc.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        while time.monotonic() < deadline:
            if sel.select(timeout=0.2):
                line = proc.stdout.readline().decode()
                if line.startswith("lever-relay listening on "):
                    return line.split()[3]
                if not line:
                    break
    raise RuntimeError(f"lever-relay did not start:\n{log_path.read_text(errors='replace')}")


def _wait_healthy(url: str, proc: subprocess.Popen, log_path: Path) -> None:
    """The socket already listens, so this request waits in the backlog until the app is up."""
    try:
        with httpx.Client(timeout=START_TIMEOUT) as client:
            if client.get(url + "/healthz").status_code == 200:
                return
    except httpx.TransportError:
        pass
    raise RuntimeError(f"lever-relay at {url} never became healthy:\n{log_path.read_text(errors='replace')}")


@pytest.fixture
def relay_factory(tmp_path) -> Iterator:
    started: list[RelayProcess] = []

    def factory(db_url: str | None = None, *extra: str, **tokens: str) -> RelayProcess:
        db = db_url or f"sqlite:///{tmp_path / f'relay-{len(started)}.sqlite3'}"
        r = start_relay(tmp_path, db, *extra, **tokens)
        started.append(r)
        return r

    yield factory
    for r in started:
        r.stop()


@pytest.fixture
def relay(relay_factory) -> RelayProcess:
    return relay_factory()


@contextlib.contextmanager
def pg_database(base_url: str) -> Iterator[str]:
    """A fresh, empty database on the server of ``base_url``, dropped afterwards."""
    import sqlalchemy as sa

    name = "lever_relay_" + uuid.uuid4().hex[:12]
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield sa.engine.make_url(base_url).set(database=name).render_as_string(hide_password=False)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database on ``LEVER_TEST_PG_URL``'s server (skips when that is unset)."""
    base = os.environ.get("LEVER_TEST_PG_URL")
    if not base:
        pytest.skip("LEVER_TEST_PG_URL is not set (.ci/start-postgres starts a server)")
    with pg_database(base) as url:
        yield url


# -- helpers for poller tests -------------------------------------------------------------------


def signed_delivery(
    event: str, data: dict, signature_token: str, *, at: int | None = None, token: str | None = None
) -> dict:
    """A webhook body exactly as Lever signs it."""
    from lever_desktop.lever.signatures import sign

    at = int(time.time() * 1000) if at is None else at
    token = token or secrets.token_hex(24)
    return {
        "id": str(uuid.uuid4()),
        "event": event,
        "triggeredAt": at,
        "token": token,
        "signature": sign(token, at, signature_token),
        "data": data,
    }


def wait_for_reader(relay: RelayProcess, reader: threading.Thread, timeout: float = 10.0) -> None:
    """Wait until ``relay``'s /healthz counts a long-polling reader (started in ``reader``)."""
    deadline = time.monotonic() + timeout
    while httpx.get(relay.url + "/healthz").json()["waiting"] < 1:
        assert time.monotonic() < deadline, "the reader never reached the relay"
        reader.join(timeout=0.05)


def lever_shaped(**fields) -> dict:
    """A body the relay takes for a Lever delivery (it checks the shape; only the app checks signatures)."""
    return {
        "event": "candidateStageChange",
        "token": secrets.token_hex(8),
        "triggeredAt": 1,
        "signature": "not-checked-by-the-relay",
        **fields,
    }


class RecordingDispatcher:
    """A dispatcher that remembers what it was asked to do (and can be told to fail)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.drafts: list[dict] = []
        self.defer_next = 0  # how many next calls raise DispatchDeferred
        self.changed: asyncio.Event | None = None  # set after every call, for tests that wait on it

    async def _record(self, name: str, target: str) -> None:
        from lever_desktop.relay.dispatch import DispatchDeferred

        if self.defer_next:
            self.defer_next -= 1
            raise DispatchDeferred("Lever is down (test)")
        self.calls.append((name, target))
        if self.changed is not None:
            self.changed.set()

    async def refresh_opportunity(self, opportunity_id: str) -> None:
        await self._record("refresh_opportunity", opportunity_id)

    async def refresh_interviews(self, opportunity_id: str) -> None:
        await self._record("refresh_interviews", opportunity_id)

    async def refresh_contact(self, contact_id: str) -> None:
        await self._record("refresh_contact", contact_id)

    async def receive_draft(self, doc: dict):
        from lever_desktop.relay.dispatch import DraftOutcome

        if not isinstance(doc, dict) or "draftId" not in doc:
            return DraftOutcome("invalid", ["draftId is missing"])
        duplicate = any(d["draftId"] == doc["draftId"] for d in self.drafts)
        self.drafts.append(doc)
        return DraftOutcome("duplicate" if duplicate else "received")
