"""A first look at the cache: read-only, over plain sqlite3, before SQLAlchemy and the session load.

The window's candidate list paints its first screen from here (#16.4). Importing SQLAlchemy, pydantic
and httpx and opening the store take most of a second; sqlite3 reads the first screen in milliseconds.
The store's list queries (``store/candidates.py``) run on either connection.

Nothing is written: the connection is read-only (no cache is created, no write-ahead log is ever
checkpointed into a cache the store may yet refuse as damaged). Like any reader of a WAL database,
SQLite makes the cache's ``-wal`` (empty) and ``-shm`` (an index of the log) when they are missing,
with the cache's own permissions; the store removes both when it closes. What cannot be read here (no cache
yet, another schema, damage, a disk too slow for the first paint) ends the first look quietly:
the store, opened next, is the one that says what is wrong.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

_log = logging.getLogger(__name__)
T = TypeVar("T")
NOW_BUDGET_S = 0.15  # the longest a read on the window's thread may take: past it, no first look
PROGRESS_EVERY = 2_000  # SQLite virtual-machine steps between two looks at the clock
# Two reads at once, each on its own connection: a typed filter does not wait behind the whole list's
# ids (a few hundred milliseconds for 100,000) that the first screen asked for just before.
READERS = 2


class FirstLookFailed(Exception):
    """The cache could not be read here; the list waits for the store instead."""


class CacheReader:
    """Read-only connections: ``call_now`` on the caller's thread (the first screen, inside the window's
    first paint), then ``call`` on the reader's threads, one read transaction a call."""

    def __init__(self, db: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._db = db  # the caller's, for call_now
        self._connections = [db]
        self._local = threading.local()
        self._lock = threading.Lock()
        self._executor = ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="lever-db-first-look")
        self._closed = False
        self._closing: threading.Thread | None = None

    @classmethod
    def open(cls, path: Path) -> CacheReader | None:
        """None when there is nothing to read at ``path`` (a first run) or it cannot be opened."""
        try:
            if not path.is_file():
                return None
            return cls(_connect(path), path)
        except (OSError, sqlite3.Error) as e:  # OSError: a folder it may not enter (is_file raises EACCES)
            _log.info("no first look at the cache %s: %s", path, e)
            return None

    def call_now(self, fn: Callable[..., T], *args: Any, budget: float = NOW_BUDGET_S) -> T:
        """``fn(connection, *args)`` on this thread, stopped after ``budget`` seconds (FirstLookFailed)."""
        deadline = time.monotonic() + budget
        self._db.set_progress_handler(lambda: time.monotonic() > deadline, PROGRESS_EVERY)
        try:
            return self._run(lambda: self._db, fn, args)
        finally:
            self._db.set_progress_handler(None, 0)

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(connection, *args)`` on the reader's thread, in one read transaction (one snapshot)."""
        import asyncio  # here: the first screen is read before asyncio is imported

        if self._closed:  # the list moved on to the store, or was put away: nobody waits for this read
            raise asyncio.CancelledError("the first look at the cache is over")
        return await asyncio.wrap_future(self._executor.submit(self._run, self._thread_connection, fn, args))

    def _thread_connection(self) -> sqlite3.Connection:
        """This reader thread's own connection, opened on its first read."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = _connect(self.path)
            with self._lock:
                self._connections.append(db)
        return db

    def _run(self, connection: Callable[[], sqlite3.Connection], fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        try:
            db = connection()
            with db:  # one snapshot for the statements of one call
                db.execute("BEGIN")
                return fn(db, *args)
        except sqlite3.Error as e:
            _log.info("first look at the cache %s stopped: %s", self.path, e)
            raise FirstLookFailed(str(e)) from None

    def close(self) -> None:
        """After the reads already asked for, which end first; then the connections close."""
        if self._closed:
            return
        self._closed = True
        self._closing = threading.Thread(target=self._close_when_done, name="lever-db-first-look-close", daemon=True)
        self._closing.start()

    def wait_closed(self) -> None:
        """Until the connections are closed (after ``close``)."""
        if self._closing is not None:
            self._closing.join()

    def _close_when_done(self) -> None:
        self._executor.shutdown(wait=True)
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()


def _connect(path: Path) -> sqlite3.Connection:
    # Read-only (``mode=ro``): no cache is created, and closing never checkpoints the write-ahead log
    # into the cache (see the module's docstring for SQLite's side files). check_same_thread=False: the
    # caller's connection may be closed by another thread.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False, timeout=0.1)
