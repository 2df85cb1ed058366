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
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy import exc as sa_exc

from lever_desktop import paths
from lever_desktop.store import integrity, migrate
from lever_desktop.store.driver import sqlite_connection
from lever_desktop.store.migrate import StoreError

_log = logging.getLogger(__name__)
T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000  # another process (CLI sync next to the GUI) may hold the write lock


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
        self.integrity = integrity.Check(complete=False)
        self._backup: threading.Thread | None = None

    @classmethod
    def open(cls, path: str | os.PathLike[str] | None = None) -> Store:
        """Open (creating, checking, migrating) the cache; blocks until it is ready.

        Raises ``StoreError`` in one line; a damaged file raises ``CacheDamaged``, naming
        the backup to restore, and is never replaced by a new, empty cache.
        """
        db_path = Path(path) if path is not None else paths.database_path()
        db_path.parent.mkdir(parents=True, exist_ok=True)
        created = not db_path.exists()
        if created:
            cls._create(db_path)
        elif db_path.stat().st_size == 0:  # created whole (below), so empty means lost
            _log.error("cache %s is empty (0 bytes)", db_path)
            raise integrity.damaged(db_path, "it is empty, 0 bytes")
        elif os.name == "posix":
            db_path.chmod(0o600)
        store = cls(db_path)
        try:
            store._executor.submit(store._start, True).result()
        except BaseException as e:
            store.close()
            if isinstance(e, sa_exc.DatabaseError | sqlite3.DatabaseError):
                raise _open_error(db_path, e) from None
            raise
        if store.integrity.complete and not created:  # only a cache known whole replaces the last backup
            # Its own thread and connection (WAL lets it read while we write): a large cache
            # takes seconds to copy, and the window should not wait for that.
            store._backup = threading.Thread(
                target=integrity.backup_if_due, args=(db_path,), name="lever-db-backup", daemon=True
            )
            store._backup.start()
        return store

    @classmethod
    def _create(cls, db_path: Path) -> None:
        """Build a new cache aside and link it into place whole: a crash leaves no empty file."""
        fresh_path = db_path.with_name(f"{db_path.name}.new-{os.getpid()}")
        for suffix in ("", "-wal", "-shm"):
            fresh_path.with_name(fresh_path.name + suffix).unlink(missing_ok=True)
        migrate.private_file(fresh_path)
        fresh = cls(fresh_path)
        try:
            fresh._executor.submit(fresh._start, False).result()
        finally:
            fresh.close()  # checkpoints: the whole schema is in the main file
        try:
            os.link(fresh_path, db_path)  # never over a cache another process just made
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not db_path.exists():
                os.replace(fresh_path, db_path)
        finally:
            fresh_path.unlink(missing_ok=True)

    def _start(self, check: bool) -> None:
        self._thread = threading.current_thread()
        self._engine = _engine(self.path)
        self._conn = self._engine.connect()
        for suffix in ("-wal", "-shm"):
            side = self.path.with_name(self.path.name + suffix)
            if os.name == "posix" and side.exists():
                side.chmod(0o600)
        if check:
            self.integrity = integrity.quick_check(sqlite_connection(self._conn))
            if self.integrity.problems:
                _log.error("cache %s failed its integrity check: %s", self.path, "; ".join(self.integrity.problems))
                raise integrity.damaged(self.path, "its integrity check failed")
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
        raw = sqlite_connection(conn)  # PRAGMA foreign_keys is a no-op inside a transaction
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
        try:
            with self._conn.begin():
                return _plain(fn(self._conn, *args))
        except sa_exc.DatabaseError as e:
            if not integrity.is_damage(e):
                raise
            # Damage the time-boxed check at open did not reach: one line, not the SQL.
            _log.error("cache %s: %s", self.path, e)
            raise integrity.damaged(self.path, str(e.orig)) from None

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

    async def scrub_backups(self, now: int, retention_days: int) -> list[str]:
        """After a purge (an anonymised candidate, retention), the same purge in the backups next
        to the cache, which were copied before it (``privacy.scrub_backups``)."""
        # Here, not at the top: privacy reads review's drafts, which import the store.
        from lever_desktop.store import privacy

        if self._backup is not None:  # the at-open copy may still be being written
            await asyncio.to_thread(self._backup.join)
        return await self.call(privacy.scrub_backups, integrity.backups(self.path), now, retention_days, _engine)

    async def checkpoint(self) -> None:
        """Copy the write-ahead log into the database file and empty it, so text purged since
        (an anonymised candidate) is not left in the ``-wal`` file. A reader in another process
        may keep part of it until the next checkpoint."""
        await asyncio.wrap_future(self._executor.submit(self._checkpoint))

    def _checkpoint(self) -> None:
        if self._conn is None:
            raise StoreError("the cache is closed")
        # On the driver connection: a checkpoint cannot run inside the transaction SQLAlchemy would open.
        sqlite_connection(self._conn).execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def close(self) -> None:
        """Finish queued work, close the connection (checkpointing the WAL) and the thread."""
        if self._closed:
            return
        self._closed = True
        try:
            self._executor.submit(self._disconnect).result()
        finally:
            self._executor.shutdown(wait=True)
            self.wait_for_backup()  # a half-written backup would be left as a .tmp file

    def wait_for_backup(self) -> None:
        """Until the at-open backup (if one was due) is written and renamed into place."""
        if self._backup is not None:
            self._backup.join()

    def _disconnect(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r}{', closed' if self._closed else ''})"


def _open_error(path: Path, e: BaseException) -> StoreError:
    """What went wrong opening ``path``, in one line; the detail goes to the log."""
    _log.error("cache %s cannot be opened: %s", path, e)
    reason = getattr(e, "orig", None) or e
    if integrity.is_damage(e):
        return integrity.damaged(path, str(reason))
    if integrity.is_busy(e):
        return StoreError(f"The local cache {path} is in use by another Lever Desktop; close that one and try again.")
    return StoreError(f"The local cache {path} cannot be opened ({reason}); it was left as it is.")
