"""The relay's feed table: one row per delivery, numbered by the database; and the key-share table.

Sequence numbers come from the database (an identity column on PostgreSQL,
``AUTOINCREMENT`` on SQLite so a purged number is never handed out again), so
several relay processes behind one load balancer share one numbering.

Why inserts are serialized on PostgreSQL: an identity value is taken when the
row is inserted, not when it commits. Two processes can take N and N+1, and
N+1 can commit first; a reader polling in between would see N+1, move its
cursor past N, and never see N. Every insert therefore takes a transaction
advisory lock before it draws its number and holds it until commit, so numbers
are drawn in commit order and a reader that sees N+1 also sees everything
below it (PostgreSQL makes a commit visible before it releases the
transaction's locks). The cost is one short critical section per delivery,
which webhook and draft volumes never notice. The alternative — exposing only
items below the lowest in-flight number — needs shared in-flight bookkeeping
across processes and buys nothing at these volumes. SQLite needs no lock: it
has one writer at a time and numbers are drawn under its write lock.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Engine,
    Identity,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url

KINDS = ("lever-webhook", "draft", "rejected")  # rejected: a bounded record of a body set aside
# Any constant: it only has to differ from other advisory locks in the same database.
_INSERT_LOCK_KEY = 0x4C45_5652  # "LEVR"

metadata = MetaData()

relay_items = Table(
    "relay_items",
    metadata,
    # SQLite reuses a purged top number unless the INTEGER PRIMARY KEY has AUTOINCREMENT.
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), Identity(always=False), primary_key=True),
    Column("kind", String(32), nullable=False),
    Column("received_at", BigInteger, nullable=False),  # ms since the epoch
    Column("body", Text, nullable=False),  # exactly the JSON text that was posted
    Index("ix_relay_items_received_at", "received_at"),
    sqlite_autoincrement=True,
)


# Desktops syncing with one Lever key, by a fingerprint of the key (never the key): each row is one
# desktop's last heartbeat. Rows older than the heartbeats' time to live are deleted on every write.
key_shares = Table(
    "relay_key_shares",
    metadata,
    Column("fingerprint", String(64), primary_key=True),
    Column("desktop", String(36), primary_key=True),
    Column("seen_at", BigInteger, nullable=False),  # ms since the epoch
    Index("ix_relay_key_shares_seen_at", "seen_at"),
)


class SharesFull(Exception):
    """The table of heartbeats is at a cap; ``scope`` is ``key`` (this fingerprint) or ``relay``."""

    def __init__(self, scope: str, cap: int) -> None:
        super().__init__(f"{scope} cap of {cap}")
        self.scope, self.cap = scope, cap


@dataclass(frozen=True)
class FeedItem:
    seq: int
    kind: str
    received_at: int
    body: str  # verbatim JSON text

    def to_json(self) -> str:
        """The protocol's item object; the body is spliced in verbatim (it was validated on ingest)."""
        head = json.dumps({"seq": self.seq, "kind": self.kind, "receivedAt": self.received_at})
        return head[:-1] + ', "body": ' + self.body + "}"


def normalize_url(url: str) -> str:
    """Plain ``postgresql://`` means psycopg 3 (the driver we ship), not psycopg2."""
    u = make_url(url)
    if u.drivername in ("postgresql", "postgres"):
        u = u.set(drivername="postgresql+psycopg")
    return u.render_as_string(hide_password=False)


def redacted_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


class FeedStore:
    """Blocking storage calls; the web app runs them in worker threads."""

    def __init__(self, url: str) -> None:
        self.url = normalize_url(url)
        self.dialect = make_url(self.url).get_backend_name()
        if self.dialect == "sqlite":
            _private_sqlite_file(make_url(self.url).database)
            self.engine: Engine = create_engine(self.url, connect_args={"timeout": 30})
            event.listen(self.engine, "connect", _sqlite_pragmas)
        else:
            self.engine = create_engine(self.url, pool_size=5, max_overflow=10, pool_pre_ping=True)

    def create_schema(self) -> None:
        # Several processes may start at once against an empty database.
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INSERT_LOCK_KEY + 1})
            metadata.create_all(conn)

    def append(self, kind: str, body: str, received_at: int) -> int:
        """Store one item and return its sequence number (committed when this returns)."""
        with self.engine.begin() as conn:
            if self.dialect == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _INSERT_LOCK_KEY})
            result = conn.execute(insert(relay_items).values(kind=kind, body=body, received_at=received_at))
            key = result.inserted_primary_key
            assert key is not None  # an INSERT of one row always has one
            return int(key[0])

    def read(self, after: int, limit: int, max_bytes: int | None = None) -> list[FeedItem]:
        """Up to ``limit`` items after ``after``; with ``max_bytes``, only as many as fit in it
        (always at least one), so a page of megabyte drafts cannot take a reader's memory."""
        c = relay_items.c
        stmt = select(c.seq, c.kind, c.received_at, c.body).where(c.seq > after).order_by(c.seq).limit(limit)
        items: list[FeedItem] = []
        total = 0
        with self.engine.connect() as conn:
            # Streamed a few rows at a time: rows past the budget are never loaded.
            for row in conn.execution_options(yield_per=8).execute(stmt):
                total += len(row.body)
                if items and max_bytes is not None and total > max_bytes:
                    break
                items.append(FeedItem(*row))
        return items

    def last_seq(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.coalesce(func.max(relay_items.c.seq), 0))).scalar_one())

    def purge(self, received_before: int) -> int:
        """Delete items received before ``received_before`` (ms); returns how many went."""
        with self.engine.begin() as conn:
            result = conn.execute(delete(relay_items).where(relay_items.c.received_at < received_before))
            return int(result.rowcount or 0)

    def share(
        self, fingerprint: str, desktop: str, syncing: bool, now: int, ttl_ms: int, *, per_key: int, total: int
    ) -> int:
        """Record (``syncing``) or remove this desktop's heartbeat; the desktops syncing with the key now.

        Raises ``SharesFull`` when a desktop not yet counted would pass ``per_key`` rows for the key or
        ``total`` rows in all. The caps are checked before the insert, not under a lock: relay
        processes racing on PostgreSQL may pass them by a row or two, which bounds the table as well.
        """
        c = key_shares.c
        with self.engine.begin() as conn:
            # Its own statement first: what expired is gone before the caps and the count are read.
            conn.execute(delete(key_shares).where(c.seen_at < now - ttl_ms))
        with self.engine.begin() as conn:
            mine = (c.fingerprint == fingerprint) & (c.desktop == desktop)
            if not syncing:
                conn.execute(delete(key_shares).where(mine))
            else:
                if conn.execute(select(c.seen_at).where(mine)).first() is None:
                    count = select(func.count()).select_from(key_shares)
                    if conn.execute(count.where(c.fingerprint == fingerprint)).scalar_one() >= per_key:
                        raise SharesFull("key", per_key)
                    if conn.execute(count).scalar_one() >= total:
                        raise SharesFull("relay", total)
                upsert = (postgresql.insert if self.dialect == "postgresql" else sqlite.insert)(key_shares)
                row = upsert.values(fingerprint=fingerprint, desktop=desktop, seen_at=now)
                conn.execute(
                    row.on_conflict_do_update(index_elements=[c.fingerprint, c.desktop], set_={"seen_at": now})
                )
            fresh = (c.fingerprint == fingerprint) & (c.seen_at >= now - ttl_ms)
            sharing = select(func.count()).select_from(key_shares).where(fresh)
            return int(conn.execute(sharing).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


def _private_sqlite_file(path: str | None) -> None:
    """The feed holds drafts (candidates' names, interview notes): owner-only, 0600.

    The file is created 0600 before SQLite opens it; SQLite gives its -wal and -shm files the
    database file's permissions. Files left by an older relay are narrowed too.
    """
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
    for name in (path, path + "-wal", path + "-shm", path + "-journal"):
        with contextlib.suppress(FileNotFoundError):
            if os.name == "posix" and os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL: readers never block the writer; several relay processes may share the file.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()
