"""Is the cache whole? Checked at every open, with backups to get it back.

A damaged cache must never pass for a new one: its outbox may hold drafts a
reviewer approved that Lever has not seen yet. So a file that exists is never
started over (a new cache is built aside and linked into place whole, so an
empty file at the cache's path is always damage), a time-boxed
``PRAGMA quick_check`` runs at open, and every refusal says in one line which
backup to restore and the exact command. The detail goes to the log.
"""

from __future__ import annotations

import logging
import os
import shlex
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from lever_desktop.store import migrate
from lever_desktop.store.migrate import StoreError

_log = logging.getLogger(__name__)

QUICK_CHECK_SECONDS = 2.0  # a large cache on a slow disk opens anyway, "not checked fully"
AT_OPEN_LABEL = "at-open"
AT_OPEN_EVERY_SECONDS = 12 * 3600  # so a recent backup exists before anything goes wrong
_PROGRESS_STEPS = 1000  # SQLite VM instructions between looks at the clock

# Primary result codes (an extended code carries them in its low byte).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CORRUPT, _SQLITE_NOTADB = 5, 6, 11, 26
DAMAGE_CODES = {_SQLITE_CORRUPT, _SQLITE_NOTADB}


class CacheDamaged(StoreError):
    """The cache file exists but is not a whole SQLite database; ``backup`` is the newest one."""

    def __init__(self, message: str, path: Path, backup: Path | None) -> None:
        super().__init__(message)
        self.path = path
        self.backup = backup


@dataclass(frozen=True)
class Check:
    complete: bool  # False: the time box ran out first ("not checked fully")
    problems: tuple[str, ...] = ()

    @property
    def summary(self) -> str:
        if self.problems:
            return "damaged"
        return "ok" if self.complete else "not checked fully"


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code behind ``exc`` (a sqlite3 or SQLAlchemy error)."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(exc: BaseException) -> bool:
    return sqlite_code(exc) in DAMAGE_CODES


def is_busy(exc: BaseException) -> bool:
    return sqlite_code(exc) in (_SQLITE_BUSY, _SQLITE_LOCKED)


def quick_check(raw: sqlite3.Connection, seconds: float | None = None) -> Check:
    """``PRAGMA quick_check``, interrupted after ``seconds`` rather than holding up the open."""
    budget = QUICK_CHECK_SECONDS if seconds is None else seconds
    deadline = time.monotonic() + budget
    raw.set_progress_handler(lambda: time.monotonic() > deadline, _PROGRESS_STEPS)
    try:
        rows = raw.execute("PRAGMA quick_check(20)").fetchall()
    except sqlite3.OperationalError as e:
        if "interrupt" not in str(e):
            raise
        _log.warning("cache integrity: quick_check stopped after %.1f s, not checked fully", budget)
        return Check(complete=False)
    finally:
        raw.set_progress_handler(None, 0)
    problems = tuple(str(r[0]) for r in rows if r[0] != "ok")
    return Check(complete=True, problems=problems)


def full_check(path: Path) -> Check:
    """``PRAGMA integrity_check`` on a read-only connection, however long it takes."""
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        return Check(complete=True, problems=(str(e),))
    try:
        rows = conn.execute("PRAGMA integrity_check(20)").fetchall()
        conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.Error as e:  # not a database, or not a Lever Desktop cache
        return Check(complete=True, problems=(str(e),))
    finally:
        conn.close()
    return Check(complete=True, problems=tuple(str(r[0]) for r in rows if r[0] != "ok"))


# -- backups --------------------------------------------------------------------------


def backups(path: Path) -> list[Path]:
    """Backups of the cache at ``path`` (at-open and before each migration), newest first."""
    found = [p for p in path.parent.glob(f"{path.name}.*.bak") if p.is_file() and p.stat().st_size > 0]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)


def cache_of(backup: Path) -> Path:
    """The cache a backup belongs to: ``<cache>.<label>.bak`` sits next to ``<cache>``."""
    stem = backup.name.removesuffix(".bak")
    name, dot, _label = stem.rpartition(".")
    if not backup.name.endswith(".bak") or not dot or not name:
        raise StoreError(f"{backup.name} is not a Lever Desktop cache backup (they end in .bak).")
    return backup.with_name(name)


def backup_if_due(path: Path, now: float | None = None) -> Path | None:
    """Refresh the at-open backup when it is older than ``AT_OPEN_EVERY_SECONDS``."""
    target = path.with_name(f"{path.name}.{AT_OPEN_LABEL}.bak")
    now = time.time() if now is None else now
    if target.exists() and now - target.stat().st_mtime < AT_OPEN_EVERY_SECONDS:
        return None
    try:
        return migrate.backup(path, AT_OPEN_LABEL, "at open")
    except (OSError, sqlite3.Error) as e:  # a full disk must not stop the app from opening
        _log.warning("cache: the at-open backup could not be written (%s)", e)
        return None


def restore_command(backup: Path) -> str:
    arg = shlex.quote(str(backup)) if os.name == "posix" else f'"{backup}"'
    return f"lever-desktop cache restore {arg}"


def damaged(path: Path, reason: str) -> CacheDamaged:
    """The one line a person reads when the cache at ``path`` is damaged."""
    newest = next(iter(backups(path)), None)
    head = f"The local cache {path} is damaged ({reason}); it was left as it is."
    if newest is None:
        advice = (
            " There is no backup of it: move it aside to start a new cache (approved drafts not yet "
            "sent to Lever are only in that file)."
        )
    else:
        when = datetime.fromtimestamp(newest.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        advice = f" Restore the backup from {when} with: {restore_command(newest)}"
    return CacheDamaged(head + advice, path, newest)


def in_use(cache: Path) -> bool:
    """Whether another process has the cache open. Every SQLite connection to a WAL database holds a
    shared lock on its ``-shm`` file's "DMS" byte (offset 128) while open, and the OS drops it when the
    process ends, even by kill -9. Only asks: never call it with the cache open in this process (closing
    any descriptor of a file drops all of this process's POSIX locks on it)."""
    if os.name != "posix":  # pragma: no cover - Windows: not checked
        return False
    import fcntl

    try:
        fd = os.open(cache.with_name(cache.name + "-shm"), os.O_RDWR)
    except FileNotFoundError:  # nobody has it open in WAL mode
        return False
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 128)
    except OSError:
        return True
    finally:
        os.close(fd)  # releases the probe's lock
    return False


def restore(backup: Path, now: datetime | None = None) -> tuple[Path, Path | None]:
    """Put ``backup`` in place of its cache; the cache (and its WAL) is kept aside, never deleted.

    Returns (the cache, where the old file went). Refuses a backup that is itself damaged.
    Lever Desktop must not be running on that cache meanwhile.
    """
    backup = backup.expanduser().resolve()
    if not backup.is_file():
        raise StoreError(f"There is no backup at {backup}.")
    cache = cache_of(backup)
    if in_use(cache):  # it would go on writing into the file moved aside: those changes would be lost
        raise StoreError(f"The cache {cache} is open in Lever Desktop (the app or a command); close it, then restore.")
    check = full_check(backup)
    if check.problems:
        raise StoreError(f"The backup {backup} is damaged too ({check.problems[0]}); pick another one.")
    staged = migrate.copy(backup, cache.with_name(cache.name + ".restoring"))  # a failed copy moves nothing
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    aside = cache.with_name(f"{cache.name}.damaged-{stamp}") if cache.exists() else None
    for suffix in ("", "-wal", "-shm"):  # the WAL belongs to the old file: it moves with it
        side = cache.with_name(cache.name + suffix)
        if side.exists():
            aside = aside or cache.with_name(f"{cache.name}.damaged-{stamp}")
            os.replace(side, aside.with_name(aside.name + suffix))
    os.replace(staged, cache)
    _log.info("cache restored from %s; the previous file is kept as %s", backup, aside)
    return cache, aside
