"""Schema migrations (Alembic, run programmatically) and the backup taken before them.

The scripts live in ``migrations/versions/`` (the docstring of
``versions/0001_cache.py`` says how to add one). They are package data,
so an installed or frozen build finds them next to this module.

Alembic is imported only when a migration is due: at most starts the cache is already at
head, and importing Alembic (with Mako and its dialect modules) cost a quarter of a second
of every start before the window's first rows. Whether one is due is read without it
(``head_revision``, ``current_revision``).
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import threading
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa

if TYPE_CHECKING:
    from alembic.config import Config

_log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


class StoreError(Exception):
    """The cache cannot be opened; the message says why and what to do."""


def alembic_config(connection: sa.Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


# ``revision = "0002"`` and ``down_revision = "0001"`` (or None) at the start of a line, as every script has
# (Alembic's newer template annotates them: ``down_revision: Union[str, None] = "0001"``).
_REVISION_LINE = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(None|\"[^\"]+\"|'[^']+')\s*$", re.MULTILINE)


def head_revision() -> str:
    """The newest schema, read from the scripts' own ``revision`` lines (no Alembic import);
    anything unusual (a merge, two heads, a script it cannot read) is left to Alembic."""
    return _scripted_head() or _alembic_head()


def _scripted_head() -> str | None:
    revisions: set[str] = set()
    parents: set[str] = set()
    for script in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((name, value) for name, value in _REVISION_LINE.findall(script.read_text(encoding="utf-8")))
        if "revision" not in found or "down_revision" not in found or found["revision"] == "None":
            return None
        revisions.add(found["revision"].strip("\"'"))
        if found["down_revision"] != "None":
            parents.add(found["down_revision"].strip("\"'"))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 and parents <= revisions else None


def _alembic_head() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        # Two migrations claiming the same parent: the newer one must revise the other.
        raise StoreError(f"the cache migrations have {len(heads)} heads {heads}; expected one")
    return heads[0]


def current_revision(connection: sa.Connection) -> str | None:
    """The schema the database is at (None: a new file), read without importing Alembic."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    versions = [r[0] for r in connection.exec_driver_sql("SELECT version_num FROM alembic_version")]
    if len(versions) == 1:
        return versions[0]
    if not versions:
        return None
    from alembic.runtime.migration import MigrationContext  # more than one: Alembic says what is wrong

    return MigrationContext.configure(connection).get_current_revision()


def upgrade(connection: sa.Connection) -> None:
    """Bring the database behind ``connection`` to the newest schema (one transaction)."""
    from alembic import command
    from alembic.script import ScriptDirectory

    current = current_revision(connection)
    known = {s.revision for s in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if current is not None and current not in known:
        raise StoreError(
            f"The local cache was written by a newer Lever Desktop (schema {current}). "
            "Update Lever Desktop, or move the data directory aside to start afresh."
        )
    command.upgrade(alembic_config(connection), "head")


def private_file(path: Path) -> None:
    """Create ``path`` readable by the user only: the cache and its copies hold candidate PII."""
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)
    if os.name == "posix":
        path.chmod(0o600)


def backup(path: Path, label: str, why: str = "before migrating") -> Path:
    """Copy the live database to ``<cache>.<label>.bak`` (see ``copy``)."""
    target = copy(path, path.with_name(f"{path.name}.{label}.bak"))
    _log.info("backed up the cache to %s %s", target, why)
    return target


def copy(source: Path, target: Path) -> Path:
    """Copy a database with SQLite's backup API (consistent even mid-WAL); ``target`` appears whole."""
    _remove_orphaned_copies(target)
    # Its own name: the GUI and a CLI command may both be refreshing the same backup.
    tmp = target.with_name(f"{target.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        private_file(tmp)  # private from its first byte, whatever the umask
        src = sqlite3.connect(source)
        try:
            dst = sqlite3.connect(tmp)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
        os.replace(tmp, target)
    except BaseException:  # a full disk: no half copy left behind
        _unlink_copy(tmp)
        raise
    return target


def _remove_orphaned_copies(target: Path) -> None:
    """Delete half copies of ``target`` left by processes that no longer exist (kill -9, a power cut
    mid-copy): each is as large as the cache and holds its PII, and nothing else would ever remove it.
    A copy whose process is alive may still be in progress and is left alone."""
    if os.name != "posix":  # os.kill(pid, 0) would terminate the process on Windows
        return
    for tmp in target.parent.glob(f"{target.name}.*-*.tmp*"):  # with SQLite's -journal next to it
        pid = tmp.name[len(target.name) + 1 :].split("-", 1)[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:  # gone: the copy can never finish
            tmp.unlink(missing_ok=True)
            _log.info("removed %s, a copy left unfinished by process %s", tmp.name, pid)
        except OSError:  # alive (perhaps another user's): not ours to judge
            continue


def _unlink_copy(tmp: Path) -> None:
    for suffix in ("", "-journal", "-wal", "-shm"):
        tmp.with_name(tmp.name + suffix).unlink(missing_ok=True)
