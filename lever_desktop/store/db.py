"""The cache database: one SQLite file, one connection, one thread.

Every read and write goes through ``Store.call`` / ``Store.call_sync``, which
run ``fn(conn, *args)`` inside one transaction on the store's own thread, so
SQLite never sees two writers from this process, the asyncio loop (and the Qt
GUI) never waits on disk, and callers only ever receive plain objects.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable, TypeVar

import sqlalchemy as sa
from sqlalchemy import event

from lever_desktop import paths
from lever_desktop.store import migrate
from lever_desktop.store.migrate import StoreError

_log = logging.getLogger(__name__)
T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000  # another process (CLI sync next to the GUI) may hold the write lock


def _private_file(path: Path) -> None:
    """Create ``path`` readable by the user only: the cache holds candidate PII."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    if os.name == "posix":
        path.chmod(0o600)


def _engine(path: Path) -> sa.Engine:
    engine = sa.create_engine(sa.URL.create("sqlite", database=str(path)), poolclass=sa.NullPool)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        # FULL: an approved draft acknowledged to the reviewer survives a power cut or kill -9.
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        # Deleted and overwritten rows are zeroed, not left in free pages: an anonymised
        # candidate's name must be gone from the file, not just from the tables (store/privacy.py).
        cur.execute("PRAGMA secure_delete=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        # IMMEDIATE takes the write lock up front: a deferred transaction that later
        # writes can fail with SQLITE_BUSY at once, whatever the busy timeout.
        conn.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def _plain(result: Any) -> Any:
    """Refuse live rows (they die with the transaction); a DML result becomes None."""
    if isinstance(result, sa.CursorResult) and not result.returns_rows:
        result.close()
        return None
    if isinstance(result, (sa.Row, sa.Result)) or (
        isinstance(result, list) and result and isinstance(result[0], sa.Row)
    ):
        raise TypeError("store functions must return plain objects (dataclasses, dicts), not rows")
    return result


class Store:
    """Open with ``Store.open()``; close with ``close()`` (or use it as a context manager)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lever-db")
        self._thread: threading.Thread | None = None
        self._engine: sa.Engine | None = None
        self._conn: sa.Connection | None = None
        self._closed = False
        self.backup_path: Path | None = None

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> "Store":
        """Open (creating or migrating) the cache; blocks until it is ready."""
        db_path = Path(path) if path is not None else paths.database_path()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        _private_file(db_path)
        store = cls(db_path)
        try:
            store._executor.submit(store._start).result()
        except sa.exc.DatabaseError as e:  # damaged, not SQLite, locked: say so, touch nothing
            store.close()
            raise StoreError(
                f"The local cache {db_path} cannot be opened ({getattr(e, 'orig', None) or type(e).__name__}). "
                "If another Lever Desktop is using it, close that one; if it is damaged, move the file "
                "aside (nothing in it is deleted) and a new sync starts afresh."
            ) from None
        except BaseException:
            store.close()
            raise
        return store

    def _start(self) -> None:
        self._thread = threading.current_thread()
        self._engine = _engine(self.path)
        self._conn = self._engine.connect()
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if os.name == "posix" and side.exists():
                side.chmod(0o600)
        self._migrate(self._conn)

    def _migrate(self, conn: sa.Connection) -> None:
        current = migrate.current_revision(conn)
        conn.rollback()
        head = migrate.head_revision()
        if current == head:
            return
        if current is not None:
            self.backup_path = migrate.backup(self.path, f"pre-{head}-from-{current}")
        # Table rebuilds (batch mode) must not cascade deletes: the documented SQLite
        # procedure switches foreign keys off, then checks them before committing.
        raw = conn.connection.driver_connection  # PRAGMA foreign_keys is a no-op inside a transaction
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                migrate.upgrade(conn)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise StoreError(f"migration to {head} left {len(broken)} dangling references")
        finally:
            raw.execute("PRAGMA foreign_keys=ON")
        _log.info("cache schema migrated from %s to %s", current, head)

    # -- running work on the database thread ---------------------------------

    def _run(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        if self._conn is None:
            raise StoreError("the cache is closed")
        with self._conn.begin():
            return _plain(fn(self._conn, *args))

    async def call(self, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(conn, *args)`` in one transaction on the database thread."""
        if self._closed:
            raise StoreError("the cache is closed")
        return await asyncio.wrap_future(self._executor.submit(self._run, fn, args))

    def call_sync(self, fn: Callable[..., T], *args: Any) -> T:
        """Blocking variant for code without an event loop (CLI, tests, start-up)."""
        if self._closed:
            raise StoreError("the cache is closed")
        if threading.current_thread() is self._thread:
            raise RuntimeError("call_sync from inside a store function would deadlock: use its conn")
        return self._executor.submit(self._run, fn, args).result()

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it, so text purged since
        (an anonymised candidate) is not left in the ``-wal`` file. A reader in another process
        may keep part of it until the next checkpoint."""
        await asyncio.wrap_future(self._executor.submit(self._checkpoint))

    def _checkpoint(self) -> None:
        if self._conn is None:
            raise StoreError("the cache is closed")
        # On the driver connection: a checkpoint cannot run inside the transaction SQLAlchemy would open.
        self._conn.connection.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def close(self) -> None:
        """Finish queued work, close the connection (checkpointing the WAL) and the thread."""
        if self._closed:
            return
        self._closed = True
        try:
            self._executor.submit(self._disconnect).result()
        finally:
            self._executor.shutdown(wait=True)

    def _disconnect(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}{', closed' if self._closed else ''})"
