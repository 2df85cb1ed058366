"""The cache file: durability settings, privacy, one DB thread, plain results."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading

import pytest
import sqlalchemy as sa

from lever_desktop import paths
from lever_desktop.store import Store, StoreError, schema


@pytest.fixture
def store():
    s = Store.open()
    yield s
    s.close()


def test_opens_at_the_data_dir_with_durable_settings(store):
    assert store.path == paths.database_path()
    pragmas = store.call_sync(
        lambda c: {
            p: c.exec_driver_sql(f"PRAGMA {p}").scalar()
            for p in ("journal_mode", "foreign_keys", "synchronous", "busy_timeout")
        }
    )
    # synchronous=2 is FULL: an approved draft survives a kill or power cut.
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2, "busy_timeout": 10000}


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_database_and_wal_files_are_private(store):
    store.call_sync(lambda c: c.execute(sa.insert(schema.sync_state).values(key="k", value=1, updated_at=0)))
    for suffix in ("", "-wal", "-shm"):
        f = store.path.with_name(store.path.name + suffix)
        if f.exists():
            assert f.stat().st_mode & 0o777 == 0o600, suffix


async def test_all_work_runs_on_one_thread_off_the_event_loop(store):
    loop_thread = threading.current_thread()
    seen = await asyncio.gather(*[store.call(lambda c, i: (i, threading.current_thread()), i) for i in range(5)])
    assert [i for i, _ in seen] == list(range(5))
    threads = {t for _, t in seen} | {store.call_sync(lambda c: threading.current_thread())}
    assert len(threads) == 1 and loop_thread not in threads


def test_a_failing_function_rolls_its_whole_transaction_back(store):
    def half_then_fail(conn):
        conn.execute(sa.insert(schema.sync_state).values(key="a", value=1, updated_at=0))
        raise ValueError("boom")

    with pytest.raises(ValueError):
        store.call_sync(half_then_fail)
    assert store.call_sync(lambda c: c.execute(sa.select(sa.func.count()).select_from(schema.sync_state)).scalar()) == 0


def test_live_rows_are_refused_and_their_transaction_rolled_back(store):
    def leaky(conn):
        conn.execute(sa.insert(schema.sync_state).values(key="a", value=1, updated_at=0))
        return conn.execute(sa.select(schema.sync_state)).all()

    with pytest.raises(TypeError, match="plain objects"):
        store.call_sync(leaky)
    assert store.call_sync(lambda c: c.execute(sa.select(schema.sync_state.c.key)).scalars().all()) == []


def test_calling_back_into_the_store_from_its_thread_fails_fast(store):
    with pytest.raises(RuntimeError, match="deadlock"):
        store.call_sync(lambda c: store.call_sync(lambda c2: 1))


def test_closed_store_says_so(tmp_path):
    s = Store.open(tmp_path / "c.sqlite3")
    s.close()
    s.close()  # idempotent
    with pytest.raises(StoreError, match="closed"):
        s.call_sync(lambda c: 1)


def test_committed_writes_are_visible_to_another_process_connection(store):
    store.call_sync(lambda c: c.execute(sa.insert(schema.sync_state).values(key="w", value={"a": 1}, updated_at=5)))
    other = sqlite3.connect(store.path)
    try:
        assert other.execute("select value from sync_state where key='w'").fetchone() == ('{"a": 1}',)
    finally:
        other.close()
