"""The candidate list at start-up: usable at once while the filter index streams in behind it.

A real cache file and the store's real thread; every wait is on an effect.
"""

from __future__ import annotations

import threading

import pytest

from lever_desktop.store import cache, candidate_index
from lever_desktop.store import candidates as store_candidates
from lever_desktop.store.candidate_index import CandidateIndex
from lever_desktop.store.candidates import CandidateFilter, candidate_ids
from lever_desktop.store.db import Store
from lever_desktop.ui.candidates_controller import CandidatesController
from lever_desktop.ui.table_models import BLOCK

N = 1_200
CHUNK = 50  # 24 chunks: the list's own queries get many chances to run between them
NAMES = ["Ada Lovelace", "Grace Hopper", "Radia Perlman", "Adam Smith", "Linus Torvalds"]


class _Session:
    engine = None  # offline: no profile refresh from Lever

    def __init__(self, store: Store) -> None:
        self.store = store


@pytest.fixture
def store():
    with Store.open() as s:
        s.call_sync(cache.upsert_stages, [{"id": "screen", "text": "Screen"}, {"id": "offer", "text": "Offer"}], 1)
        s.call_sync(cache.upsert_users, [{"id": "u1", "name": "Zoe Owner", "email": "z@x.org"}], 1)
        s.call_sync(
            cache.upsert_opportunities,
            [
                {
                    "id": f"o{n:05d}",
                    "name": f"{NAMES[n % len(NAMES)]} {n}",
                    "emails": [f"c{n}@mail.org"],
                    "stage": "screen" if n % 3 else "offer",
                    "owner": "u1",
                    "updatedAt": 1_000_000 + (n * 7919) % N,
                    "archived": {"reason": "r", "archivedAt": 5} if n % 11 == 0 else None,
                    "applications": [{"posting": f"p{n % 4}"}],
                }
                for n in range(N)
            ],
            1,
        )
        yield s


@pytest.fixture
def candidates(store, runner, qtbot, monkeypatch):
    monkeypatch.setattr(candidate_index, "CHUNK", CHUNK)
    ctl = CandidatesController(_Session(store), runner)
    qtbot.addWidget(ctl.page)
    ctl.page.resize(1000, 600)
    ctl.page.show()
    return ctl


def test_the_index_read_in_chunks_is_the_index_read_at_once(store, monkeypatch):
    monkeypatch.setattr(candidate_index, "CHUNK", 7)  # chunks that end mid-way through everything
    chunked = store.call_sync(CandidateIndex.load)
    monkeypatch.setattr(candidate_index, "CHUNK", N * 2)
    whole = store.call_sync(CandidateIndex.load)
    assert len(chunked) == len(whole) == N
    for f in (
        CandidateFilter(),
        CandidateFilter(text="ada"),
        CandidateFilter(posting_id="p1", archived="any"),
        CandidateFilter(stage_id="offer", archived="archived"),
    ):
        for sort in ("updated", "name", "stage"):
            assert chunked.filter(f, sort) == whole.filter(f, sort) == store.call_sync(candidate_ids, f, sort)


def test_the_list_and_a_typed_filter_answer_before_the_index_has_streamed_in(candidates, store, qtbot):
    page, model = candidates.page, candidates.model
    assert page.count.text() == "Loading…"  # not "0 candidates" before anything was read
    candidates.refilter()  # as MainController.show does: the first screen from SQLite ...
    candidates.load_index()  # ... and the index streams in behind it
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=10_000)
    # The first screen of rows came with the list (no block read queued behind the start-up's other
    # reads), while the index is still being read: nothing waited behind a whole-table read.
    assert all(model.row_values(r) is not None for r in range(BLOCK))
    assert model.data(model.index(0, 0)) == model.row_values(0).name != "…"
    assert candidates.index is None
    everyone = store.call_sync(candidate_ids, CandidateFilter())
    # The rest follows the first screen (or the index, if it has streamed in first).
    qtbot.waitUntil(lambda: not candidates.counting() and not candidates.filtering(), timeout=10_000)
    assert model.rowCount() == len(everyone) and page.count.text() == f"{len(everyone):,} candidates"

    page.search.setText("ada")  # typed while the index streams: SQLite answers, with the true count
    ada = store.call_sync(candidate_ids, CandidateFilter(text="ada"))
    qtbot.waitUntil(lambda: model.rowCount() == len(ada) and not candidates.filtering(), timeout=10_000)
    assert candidates.index is None
    assert [model.id_at(r) for r in range(model.rowCount())] == ada
    assert page.count.text() == f"{len(ada):,} candidates"

    # Once everything streamed in, the index gives the same rows as before it was there.
    qtbot.waitUntil(lambda: candidates.index is not None and not candidates.filtering(), timeout=10_000)
    assert len(candidates.index) == N
    assert [model.id_at(r) for r in range(model.rowCount())] == ada
    page.search.setText("ada l")
    qtbot.waitUntil(lambda: not candidates.filtering(), timeout=10_000)
    assert [model.id_at(r) for r in range(model.rowCount())] == store.call_sync(
        candidate_ids, CandidateFilter(text="ada l")
    )
    page.search.setText("smith 1198")  # one candidate: issue #14.18 saw "1 candidates"
    qtbot.waitUntil(lambda: model.rowCount() == 1 and not candidates.filtering(), timeout=10_000)
    assert page.count.text() == "1 candidate"


def test_the_first_screen_shows_before_the_whole_list_is_read_and_the_rest_keeps_the_selection(
    candidates, store, qtbot, monkeypatch
):
    """At start-up the first screen is read along the index on updated_at (milliseconds); the whole
    list, which sorts every row, follows. Here the whole list is held back until the first screen is
    checked (issue #16.4)."""
    everyone = store.call_sync(candidate_ids, CandidateFilter())
    release = threading.Event()
    whole_list = store_candidates.candidate_ids

    def held_back(conn, *args):
        release.wait(10)
        return whole_list(conn, *args)

    monkeypatch.setattr(store_candidates, "candidate_ids", held_back)
    page, model = candidates.page, candidates.model
    try:
        candidates.refilter()
        qtbot.waitUntil(lambda: model.rowCount() > 0 and not candidates.filtering(), timeout=10_000)
        assert [model.id_at(r) for r in range(model.rowCount())] == everyone[:BLOCK]
        assert all(model.row_values(r) is not None for r in range(BLOCK))
        assert page.count.text() == "Counting…" and candidates.counting()  # not "200 candidates"
        page.table.selectRow(5)
    finally:
        release.set()
    qtbot.waitUntil(lambda: not candidates.counting(), timeout=10_000)
    assert [model.id_at(r) for r in range(model.rowCount())] == everyone
    assert page.count.text() == f"{len(everyone):,} candidates"
    assert page.table.currentIndex().row() == 5  # the rest came after it: the chosen row stays chosen


def test_a_sync_during_the_stream_restarts_it_and_no_stale_index_is_ever_shown(candidates, store, qtbot, monkeypatch):
    chunks_read = []
    read_next = candidate_index.IndexReader.read_next
    monkeypatch.setattr(
        candidate_index.IndexReader,
        "read_next",
        lambda reader, conn: chunks_read.append(reader.after_rowid) or read_next(reader, conn),
    )
    shown = []  # every index the list was refiltered with
    refilter = candidates.refilter
    monkeypatch.setattr(candidates, "refilter", lambda: (shown.append(candidates.index), refilter()))
    candidates.load_index()
    qtbot.waitUntil(lambda: len(chunks_read) >= 3, timeout=10_000)  # the first rows are read already ...
    store.call_sync(
        cache.upsert_opportunities,
        [  # ... when a sync renames the first candidate
            {
                "id": "o00000",
                "name": "Zed Renamed",
                "emails": ["c0@mail.org"],
                "stage": "screen",
                "owner": "u1",
                "updatedAt": 9_999_999,
                "applications": [],
            }
        ],
        2,
    )
    candidates.load_index()  # as cache_changed does after a sync
    qtbot.waitUntil(lambda: candidates.index is not None and not candidates.runner.busy(), timeout=10_000)
    assert shown and all(index is candidates.index for index in shown)  # the overtaken stream was dropped
    assert candidates.index.filter(CandidateFilter(text="zed renamed")) == ["o00000"]
    assert candidates.model.id_at(0) == "o00000"  # newest first


def test_a_sync_between_the_first_screen_and_the_rest_keeps_the_chosen_candidate_chosen(
    candidates, store, qtbot, monkeypatch
):
    """The first sync runs while the list's first screen is shown and its rest is read: when it
    dates a candidate newest, the whole list no longer goes on from the first screen and replaces
    it. The candidate the recruiter clicked meanwhile stays chosen (it moved down a row)."""
    clicked = threading.Event()
    whole_list = store_candidates.candidate_ids
    moved = {  # the sync's write: a candidate moved in the pipeline just now, newest of all
        "id": "o00001",
        "name": "Grace Hopper 1",
        "emails": ["c1@mail.org"],
        "stage": "offer",
        "owner": "u1",
        "updatedAt": 9_999_999,
        "applications": [],
    }

    def synced_first(conn, *args):  # the store's one thread: the sync's write lands before the rest is read
        clicked.wait(10)
        cache.upsert_opportunities(conn, [moved], 2)
        return whole_list(conn, *args)

    monkeypatch.setattr(store_candidates, "candidate_ids", synced_first)
    page, model = candidates.page, candidates.model
    try:
        candidates.refilter()
        qtbot.waitUntil(lambda: model.rowCount() > 0 and not candidates.filtering(), timeout=10_000)
        assert candidates.counting() and "o00001" not in [model.id_at(r) for r in range(model.rowCount())]
        page.table.selectRow(5)
        chosen = model.id_at(5)
    finally:
        clicked.set()
    qtbot.waitUntil(lambda: not candidates.counting(), timeout=10_000)
    everyone = store.call_sync(whole_list, CandidateFilter())
    assert [model.id_at(r) for r in range(model.rowCount())] == everyone and everyone[0] == "o00001"
    assert page.count.text() == f"{len(everyone):,} candidates"
    assert model.id_at(page.table.currentIndex().row()) == chosen
    assert [model.id_at(i.row()) for i in page.table.selectionModel().selectedRows()] == [chosen]
