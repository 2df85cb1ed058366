"""The first look at the cache (store/reader.py): read-only plain sqlite3 before the store opens (#16.4).

A real cache file written by the real store; the reader's own threads.
"""

from __future__ import annotations

import asyncio
import hashlib
import shutil
import threading

import pytest
from helpers.cache_damage import DAMAGE, damaged_cache

from lever_desktop import paths
from lever_desktop.store import cache, candidates
from lever_desktop.store.candidates import CandidateFilter
from lever_desktop.store.db import Store
from lever_desktop.store.reader import CacheReader, FirstLookFailed

NAMES = ["Ada Lovelace", "Grace Hopper", "Radia Perlman", "Adam Smith"]


def _candidates(n: int, *, updated: int = 1_000) -> list[dict]:
    return [
        {
            "id": f"o{i:04d}",
            "name": f"{NAMES[i % len(NAMES)]} {i}",
            "emails": [f"c{i}@mail.org"],
            "stage": "screen",
            "owner": "u1",
            "updatedAt": updated + i,
            "applications": [{"posting": "p1"}],
        }
        for i in range(n)
    ]


def _fill(store: Store, n: int = 300) -> None:
    store.call_sync(cache.upsert_stages, [{"id": "screen", "text": "Screen"}], 1)
    store.call_sync(cache.upsert_users, [{"id": "u1", "name": "Zoe Owner", "email": "z@x.org"}], 1)
    store.call_sync(cache.upsert_opportunities, _candidates(n), 1)


@pytest.fixture
def cache_file():
    path = paths.database_path()
    with Store.open(path) as store:
        _fill(store)
    return path


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_first_look_reads_what_the_store_reads(cache_file):
    reader = CacheReader.open(cache_file)
    assert reader is not None
    try:
        ada = CandidateFilter(text="ada")
        first_now = reader.call_now(candidates.candidate_page, CandidateFilter(), "updated", True, 50)
        ada_ids = asyncio.run(reader.call(candidates.candidate_ids, ada, "updated", True))
        choices = asyncio.run(reader.call(candidates.filter_choices))
    finally:
        reader.close()
    with Store.open(cache_file) as store:
        assert first_now == store.call_sync(candidates.candidate_page, CandidateFilter(), "updated", True, 50)
        assert ada_ids == store.call_sync(candidates.candidate_ids, ada, "updated", True)
        assert choices == store.call_sync(candidates.filter_choices)
    assert len(first_now[0]) == 50 and not first_now[2]  # the first screen; more follows
    assert len(ada_ids) == 150  # "Ada Lovelace" and "Adam Smith"


def test_nothing_to_read_is_no_first_look_and_no_file_is_made(tmp_path):
    missing = tmp_path / "nowhere" / "lever-desktop.sqlite3"
    assert CacheReader.open(missing) is None
    assert not missing.exists() and not missing.parent.exists()
    assert CacheReader.open(tmp_path) is None  # a folder where the cache should be


def test_a_cache_the_first_look_cannot_even_look_at_is_no_first_look(tmp_path):
    """Where the cache's folder may not be entered (EACCES), or its name cannot be (ENAMETOOLONG, which
    a test run as root can still make), asking whether it is there fails: the store says what is wrong."""
    assert CacheReader.open(tmp_path / ("x" * 300) / "lever-desktop.sqlite3") is None


def test_the_first_look_cannot_write(cache_file):
    reader = CacheReader.open(cache_file)
    assert reader is not None
    try:
        with pytest.raises(FirstLookFailed, match="readonly"):
            reader.call_now(lambda db: db.execute("DELETE FROM opportunities"))
        assert len(reader.call_now(candidates.candidate_ids, CandidateFilter(), "updated", True)) == 300
    finally:
        reader.close()


def test_a_cache_left_by_a_killed_app_is_read_with_its_log_and_left_as_it_was(tmp_path):
    """A kill -9 leaves the newest writes in the write-ahead log. The first look reads them, and closing it
    copies nothing into the cache file: the store, which may yet refuse the file, decides what happens."""
    path = paths.database_path()
    left = tmp_path / "left" / path.name
    left.parent.mkdir()
    with Store.open(path) as store:
        _fill(store, 10)
        store.call_sync(cache.upsert_opportunities, _candidates(5, updated=9_000), 2)  # only in the log yet
        for suffix in ("", "-wal", "-shm"):  # the files as a killed process leaves them
            shutil.copyfile(f"{path}{suffix}", f"{left}{suffix}")
    before, wal_before = _digest(left), _digest(left.with_name(left.name + "-wal"))
    reader = CacheReader.open(left)
    assert reader is not None
    ids, rows, _complete = reader.call_now(candidates.candidate_page, CandidateFilter(), "updated", True, 50)
    reader.close()
    reader.wait_closed()
    assert ids[:5] == ["o0004", "o0003", "o0002", "o0001", "o0000"] and rows["o0004"].updated == 9_004
    assert _digest(left) == before
    assert _digest(left.with_name(left.name + "-wal")) == wal_before


def test_a_first_look_slower_than_its_budget_gives_way(cache_file):
    reader = CacheReader.open(cache_file)
    assert reader is not None
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    try:
        with pytest.raises(FirstLookFailed, match="interrupted"):
            reader.call_now(lambda db: db.execute(endless).fetchone(), budget=0.05)
        # and the connection is still good for what comes next
        assert reader.call_now(candidates.candidate_page, CandidateFilter(), "updated", True, 5)[0][0] == "o0299"
    finally:
        reader.close()


def test_a_first_look_at_undated_candidates_stopped_by_its_budget_leaves_the_connection_good(tmp_path):
    """Stopped mid-way through reading the undated, the first look gives way, and the connection still reads
    the first screen after."""
    path = paths.database_path()
    with Store.open(path) as store:
        _fill(store, 3_000)
        store.call_sync(lambda conn: conn.exec_driver_sql("UPDATE opportunities SET updated_at = NULL"))
        whole = store.call_sync(candidates.candidate_ids, CandidateFilter())
    reader = CacheReader.open(path)
    assert reader is not None
    try:
        with pytest.raises(FirstLookFailed, match="interrupted"):
            reader.call_now(candidates.candidate_page, CandidateFilter(), "updated", True, 2_000, budget=0)
        ids, _rows, complete = reader.call_now(candidates.candidate_page, CandidateFilter(), "updated", True, 50)
        assert ids == whole[:50] and not complete
    finally:
        reader.close()


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_cache_gives_no_wrong_list_and_is_left_untouched(kind):
    """Each read of a damaged file either ends the first look (FirstLookFailed) or gives what the cache held
    before the damage (its pages were intact): never a crash nor a wrong list. The store, opened next, is
    the one that refuses the file."""
    path, damaged, backup = damaged_cache(kind)
    reads = [
        (candidates.candidate_page, CandidateFilter(), "updated", True, 50),
        (candidates.candidate_ids, CandidateFilter(), "updated", True),
        (candidates.filter_choices,),
    ]
    good = CacheReader.open(backup)
    assert good is not None
    try:
        expected = [good.call_now(*read) for read in reads]
    finally:
        good.close()
    reader = CacheReader.open(path)
    if reader is not None:
        try:
            for read, held in zip(reads, expected, strict=True):
                try:
                    assert reader.call_now(*read) == held
                except FirstLookFailed:
                    pass
        finally:
            reader.close()
            reader.wait_closed()
    assert path.read_bytes() == damaged  # untouched


def test_a_typed_filter_does_not_wait_behind_the_whole_list(cache_file):
    """Two reads at once: the whole list's ids (long) do not hold up a filter typed meanwhile."""
    reader = CacheReader.open(cache_file)
    assert reader is not None
    filter_ran = threading.Event()

    def whole_list(db):
        assert filter_ran.wait(timeout=10), "the filter waited for the whole list"
        return candidates.candidate_ids(db, CandidateFilter(), "updated", True)

    def typed_filter(db):
        ids = candidates.candidate_ids(db, CandidateFilter(text="grace"), "updated", True)
        filter_ran.set()
        return ids

    async def both():
        return await asyncio.gather(reader.call(whole_list), reader.call(typed_filter))

    try:
        everyone, graces = asyncio.run(both())
    finally:
        reader.close()
    assert len(everyone) == 300 and len(graces) == 75


def test_a_read_asked_of_a_closed_first_look_is_called_off(cache_file):
    """Nobody waits for it any more (the list moved on to the store, or was put away): cancelled, which the
    window's task runner reports to nobody, rather than failed."""
    reader = CacheReader.open(cache_file)
    assert reader is not None
    reader.close()

    async def read():
        task = asyncio.ensure_future(reader.call(candidates.filter_choices))
        await asyncio.wait({task})
        return task

    assert asyncio.run(read()).cancelled()
