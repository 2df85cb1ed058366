"""A damaged cache is never taken for a new one: it is refused in one line naming the backup.

Each kind of damage (empty, torn, a garbage page, not SQLite at all) is made to a real
cache holding an approved-but-unsent draft; opening it must leave the file as it was and
say which backup to restore, and restoring must bring the approved draft back.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import time
from pathlib import Path

import pytest
from helpers.cache_damage import DAMAGE, cache_with_a_backup, cache_with_an_approved_draft, damaged_cache

from lever_desktop.review import drafts
from lever_desktop.review.lifecycle import DraftState
from lever_desktop.store import Store, StoreError, integrity, migrate


@pytest.fixture
def cache():
    return cache_with_a_backup()


@pytest.mark.logs_warnings("a damaged or partly checked cache is logged")
@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_cache_is_refused_untouched_naming_the_backup(kind):
    cache, damaged, backup = damaged_cache(kind)
    with pytest.raises(integrity.CacheDamaged) as info:
        Store.open(cache)
    message = str(info.value)
    assert "\n" not in message and "damaged" in message and "SELECT" not in message.upper()
    assert message.endswith(f"lever-desktop cache restore {backup}")
    assert cache.read_bytes() == damaged  # never started over, never "repaired"
    assert integrity.backups(cache) == [backup]  # and the good backup was not overwritten by it


@pytest.mark.parametrize("kind", DAMAGE)
def test_restoring_the_backup_brings_the_approved_draft_back(kind):
    cache, damaged, backup = damaged_cache(kind)
    restored, aside = integrity.restore(backup)
    assert restored == cache and aside.read_bytes() == damaged  # kept, never deleted
    with Store.open(cache) as store:
        assert store.call_sync(drafts.get, "d-1").state == DraftState.APPROVED


@pytest.mark.logs_warnings("a damaged or partly checked cache is logged")
def test_without_a_backup_the_message_says_so(tmp_path):
    path = tmp_path / "c.sqlite3"
    cache_with_an_approved_draft(path)
    path.write_bytes(DAMAGE["not a database"](b""))
    with pytest.raises(integrity.CacheDamaged, match="no backup of it: move it aside") as info:
        Store.open(path)
    assert info.value.backup is None


def test_damage_the_time_boxed_check_did_not_reach_is_one_line_not_sql(cache, monkeypatch, caplog):
    cache.write_bytes(DAMAGE["garbage mid-file page"](cache.read_bytes()))
    monkeypatch.setattr(integrity, "QUICK_CHECK_SECONDS", 0.0)  # the box runs out at once
    with caplog.at_level(logging.WARNING), Store.open(cache) as store:
        assert store.integrity.summary == "not checked fully"
        with pytest.raises(integrity.CacheDamaged) as info:
            store.call_sync(lambda c: c.exec_driver_sql("SELECT count(*), max(value) FROM sync_state").all() and 0)
    assert "\n" not in str(info.value) and "SELECT" not in str(info.value) and "cache restore" in str(info.value)
    assert "not checked fully" in caplog.text


@pytest.mark.logs_warnings("a damaged or partly checked cache is logged")
def test_a_cache_not_checked_fully_opens_but_does_not_replace_the_backup(cache, monkeypatch):
    backup = integrity.backups(cache)[0]
    os.utime(backup, (time.time() - 2 * integrity.AT_OPEN_EVERY_SECONDS,) * 2)
    before = backup.stat().st_mtime
    monkeypatch.setattr(integrity, "QUICK_CHECK_SECONDS", 0.0)
    with Store.open(cache) as store:
        assert not store.integrity.complete and store.call_sync(drafts.get, "d-1") is not None
    assert backup.stat().st_mtime == before


def test_the_at_open_backup_is_refreshed_when_due_and_only_then(cache):
    backup = integrity.backups(cache)[0]
    os.utime(backup, (time.time() - 60,) * 2)
    recent = backup.stat().st_mtime
    Store.open(cache).close()
    assert backup.stat().st_mtime == recent
    os.utime(backup, (time.time() - integrity.AT_OPEN_EVERY_SECONDS - 1,) * 2)
    Store.open(cache).close()
    assert backup.stat().st_mtime > recent
    assert integrity.full_check(backup).problems == ()


def test_a_crash_while_creating_leaves_no_empty_file_to_mistake_for_a_cache(tmp_path, monkeypatch):
    path = tmp_path / "c.sqlite3"

    def killed(conn):
        raise KeyboardInterrupt  # the process dies halfway through building the schema

    monkeypatch.setattr(migrate, "upgrade", killed)
    with pytest.raises(KeyboardInterrupt):
        Store.open(path)
    assert not path.exists()
    monkeypatch.undo()
    with Store.open(path) as store:  # the next start builds it afresh
        assert store.call_sync(lambda c: c.exec_driver_sql("SELECT count(*) FROM drafts").scalar()) == 0


def test_a_damaged_backup_is_not_restored(cache):
    backup = integrity.backups(cache)[0]
    backup.write_bytes(DAMAGE["garbage mid-file page"](backup.read_bytes()))
    good = cache.read_bytes()
    with pytest.raises(StoreError, match="damaged too"):
        integrity.restore(backup)
    assert cache.read_bytes() == good


def test_restore_moves_the_replaced_file_and_its_wal_aside_together(cache):
    # A WAL left by a killed app belongs to the damaged file: next to the restored one it would be replayed.
    cache.with_name(cache.name + "-wal").write_bytes(b"wal of the damaged file")
    restored, aside = integrity.restore(integrity.backups(cache)[0])
    assert aside.with_name(aside.name + "-wal").read_bytes() == b"wal of the damaged file"
    assert not restored.with_name(restored.name + "-wal").exists()
    assert integrity.full_check(restored).problems == ()


def test_only_cache_backups_name_a_cache():
    assert integrity.cache_of(Path("/d/lever-desktop.sqlite3.at-open.bak")) == Path("/d/lever-desktop.sqlite3")
    with pytest.raises(StoreError, match="not a Lever Desktop cache backup"):
        integrity.cache_of(Path("/d/notes.txt"))


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_a_backup_is_private_from_its_first_byte(cache, monkeypatch):
    """The copy is written while the app runs; under a 022 umask it must never be readable by others."""
    modes = []
    real_connect = sqlite3.connect

    def spy(path, *a, **kw):
        if str(path).endswith(".tmp"):
            modes.append(stat.S_IMODE(os.stat(path).st_mode))
        return real_connect(path, *a, **kw)

    monkeypatch.setattr(migrate.sqlite3, "connect", spy)
    old = os.umask(0o022)
    try:
        migrate.backup(cache, "probe", "for the test")
    finally:
        os.umask(old)
    assert modes == [0o600]


def test_a_copy_left_half_written_by_a_killed_process_is_removed_by_the_next_backup(tmp_path):
    """kill -9 (or a power cut) during a backup left ``<backup>.<pid>-<thread>.tmp``: as large as the
    cache, holding its PII, and never removed, one more at every such crash."""
    import signal
    import subprocess
    import sys

    from helpers.waiting import wait_until

    big = tmp_path / "big.sqlite3"
    with sqlite3.connect(big) as conn:  # large enough that the copy takes a while to write
        conn.execute("CREATE TABLE pad (x BLOB)")
        conn.executemany("INSERT INTO pad VALUES (randomblob(4096))", ([] for _ in range(30_000)))
    target = tmp_path / "big.sqlite3.at-open.bak"
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pathlib; from lever_desktop.store import migrate; "
            "migrate.copy(pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]))",
            str(big),
            str(target),
        ]
    )
    try:
        [half] = wait_until(
            lambda: list(tmp_path.glob("*.tmp")), timeout=30, interval=0.001, what="the child's copy under way"
        )
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL and half.exists() and not target.exists()
    # SQLite may have had its rollback journal open next to the half copy too.
    half.with_name(half.name + "-journal").write_bytes(b"")
    alive = target.with_name(f"{target.name}.{os.getpid()}-1.tmp")  # a copy still being written here
    alive.write_bytes(b"in progress")

    migrate.copy(big, target)

    assert not half.exists() and alive.exists() and target.stat().st_size == big.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([big.name, target.name, alive.name])
