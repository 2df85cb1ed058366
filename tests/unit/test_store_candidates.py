"""The candidate list (store/candidates.py) and its in-memory filter index against a real cache file."""

from __future__ import annotations

from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lever_desktop.store import cache, candidates
from lever_desktop.store.candidate_index import CandidateIndex
from lever_desktop.store.candidates import CandidateFilter, candidate_ids
from lever_desktop.store.db import Store
from lever_desktop.store.driver import sqlite_connection


@pytest.fixture
def store():
    with Store.open() as s:
        s.call_sync(cache.upsert_stages, [{"id": "screen", "text": "Screen"}, {"id": "offer", "text": "Offer"}], 1)
        s.call_sync(
            cache.upsert_users,
            [
                {"id": "u1", "name": "Zoe Owner", "email": "z@x.org"},
                {"id": "u2", "name": "Al Owner", "email": "a@x.org"},
            ],
            1,
        )
        people = [
            ("Ada Lovelace", "screen", "u1", None, "p1", 30),
            ("Grace Hopper", "offer", "u2", None, "p2", 20),
            ("Adam Smith", "offer", "u1", {"reason": "r", "archivedAt": 5}, "p1", 10),
            ("Radia Perlman", "screen", "u2", None, "p1", 40),
        ]
        s.call_sync(
            cache.upsert_opportunities,
            [
                {
                    "id": f"o{n}",
                    "name": name,
                    "emails": [f"{name.split()[0].lower()}@mail.org"],
                    "stage": stage,
                    "owner": owner,
                    "archived": archived,
                    "applications": [{"posting": posting}],
                    "updatedAt": updated,
                }
                for n, (name, stage, owner, archived, posting, updated) in enumerate(people)
            ],
            1,
        )
        yield s


def test_index_filters_like_the_sql_query(store):
    index = store.call_sync(CandidateIndex.load)
    cases = [
        CandidateFilter(),
        CandidateFilter(text="AD"),
        CandidateFilter(text="ad", archived="any"),
        CandidateFilter(text="ad", archived="archived"),
        CandidateFilter(stage_id="screen"),
        CandidateFilter(owner_id="u2"),
        CandidateFilter(posting_id="p1", archived="any"),
        CandidateFilter(text="mail.org"),
        CandidateFilter(text="nobody"),
    ]
    for f in cases:
        for sort in ("updated", "name", "stage", "owner"):
            for descending in (True, False):
                expected = store.call_sync(candidate_ids, f, sort, descending)
                assert index.filter(f, sort, descending) == expected, (f, sort, descending)


def test_typing_on_narrows_and_erasing_widens_again(store):
    index = store.call_sync(CandidateIndex.load)
    assert index.filter(CandidateFilter(text="a")) == ["o3", "o0", "o1"]  # newest first, archived hidden
    assert index.filter(CandidateFilter(text="ada")) == ["o0"]
    assert index.filter(CandidateFilter(text="ad")) == ["o3", "o0"]  # "radia" contains "ad" too
    assert index.filter(CandidateFilter(text="")) == ["o3", "o0", "o1"]


def test_rows_choices_and_profile_are_plain_records_of_the_cache(store):
    store.call_sync(cache.upsert_postings, [{"id": "p1", "text": "Engineer", "state": "published"}], 1)
    rows = store.call_sync(candidates.candidate_rows, ["o0", "o2", "o-none"])
    assert set(rows) == {"o0", "o2"}  # an id the cache lost is simply absent
    assert rows["o0"] == candidates.CandidateRow("Ada Lovelace", None, "Screen", "Engineer", "Zoe Owner", 30, None)
    assert rows["o2"].archived_at == 5
    choices = store.call_sync(candidates.filter_choices)
    assert choices["stage"] == [("screen", "Screen"), ("offer", "Offer")]  # in pipeline order
    assert choices["owner"] == [("u2", "Al Owner"), ("u1", "Zoe Owner")]
    assert choices["posting"] == [("p1", "Engineer")]
    [posting] = store.call_sync(candidates.postings)
    assert (posting.title, posting.candidates, posting.id) == ("Engineer", 3, "p1")
    profile = store.call_sync(candidates.candidate_profile, "o0")
    assert (profile["name"], profile["stage"], profile["owner"], profile["postings"]) == (
        "Ada Lovelace",
        "Screen",
        "Zoe Owner",
        ["Engineer"],
    )
    assert profile["feedback"] is None  # others' feedback is not even read unless Settings → Privacy allows
    assert store.call_sync(candidates.candidate_profile, "o0", True)["feedback"] == []
    assert store.call_sync(candidates.candidate_profile, "o-none") is None


# -- the first screen at start-up, read along the index on updated_at (#16.4) -------------------------


@pytest.fixture
def crowd():
    """600 candidates: many share an update time (ties go by id), some have none or 0 (they sort last)."""
    with Store.open() as s:
        s.call_sync(cache.upsert_stages, [{"id": "screen", "text": "Screen"}], 1)
        s.call_sync(
            cache.upsert_opportunities,
            [
                {
                    "id": f"c{n:04d}",
                    "name": ("Ada " if n % 3 else "Grace ") + str(n),
                    "emails": [],
                    "stage": "screen" if n % 2 else None,
                    "archived": {"reason": "r", "archivedAt": 5} if n % 5 == 0 else None,
                    "applications": [],
                    "updatedAt": None if n % 17 == 0 else 0 if n % 19 == 0 else 1_000 + n % 40,
                }
                for n in range(600)
            ],
            1,
        )
        yield s


@pytest.mark.parametrize("first", [1, 50, 200, 1000])
@pytest.mark.parametrize(
    "f",
    [
        CandidateFilter(),
        CandidateFilter(archived="any"),
        CandidateFilter(archived="archived"),
        CandidateFilter(text="grace"),
        CandidateFilter(text="grace 1", stage_id="screen"),
        CandidateFilter(text="nobody"),
    ],
    ids=repr,
)
def test_the_first_screen_is_the_head_of_the_whole_list(crowd, f, first):
    whole = crowd.call_sync(candidate_ids, f)
    page = crowd.call_sync(candidates.candidate_page, f, "updated", True, first)
    _is_the_head_of(page, whole, first)


def _is_the_head_of(page, whole: list[str], first: int) -> None:
    assert page is not None
    ids, rows, complete = page
    assert ids == whole[:first]
    assert complete == (len(whole) <= first)  # complete: the page is the whole list, undated ones last
    assert set(rows) == set(ids)


NAMES = ["Ada Lovelace", "Grace Hopper", "Adam Smith"]
# updated_at as caches hold it: NULL and 0 (both sort as 0), before 1970, dated, shared by many (ties by id).
UPDATED = st.one_of(st.none(), st.just(0), st.integers(-3, -1), st.integers(1, 4), st.just(10**17))
CANDIDATE = st.tuples(st.text("aAbB0-é", min_size=1, max_size=3), UPDATED, st.booleans(), st.sampled_from(NAMES))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    crowd_=st.lists(CANDIDATE, max_size=30, unique_by=lambda c: c[0]),
    first=st.integers(1, 8),
    sample=st.integers(1, 12),
    f=st.sampled_from([CandidateFilter(), CandidateFilter(archived="any"), CandidateFilter(text="ada")]),
)
def test_the_first_screen_of_any_mix_of_dated_and_undated_is_the_head_of_the_whole_list(
    store, crowd_, first, sample, f
):
    """Whichever way the undated are read (along the ids when most of the newest ``sample`` are undated,
    else along the index on updated_at), the first screen is candidate_ids' head, in its order, and says
    whether more follow."""

    def write(conn) -> None:
        sqlite_connection(conn).execute("DELETE FROM opportunities")
        cache.upsert_opportunities(conn, [_candidate(*c) for c in crowd_], 1)

    store.call_sync(write)
    whole = store.call_sync(candidate_ids, f)
    with mock.patch.object(candidates, "UNDATED_SAMPLE", sample):
        _is_the_head_of(store.call_sync(candidates.candidate_page, f, "updated", True, first), whole, first)


def _candidate(opportunity_id: str, updated: int | None, archived: bool, name: str) -> dict:
    return {
        "id": opportunity_id,
        "name": name,
        "emails": [],
        "archived": {"reason": "r", "archivedAt": 5} if archived else None,
        "applications": [],
        "updatedAt": updated,
    }


def test_another_order_has_no_first_screen_shortcut(crowd):
    assert crowd.call_sync(candidates.candidate_page, CandidateFilter(), "name", True, 50) is None
    assert crowd.call_sync(candidates.candidate_page, CandidateFilter(), "updated", False, 50) is None


def _plans(conn, f: CandidateFilter = CandidateFilter()) -> list[list[str]]:
    """The query plan of each statement of the first screen (of 50), in the order they ran."""
    db = sqlite_connection(conn)  # what candidate_page runs on, the store's conn or the reader's
    statements: list[str] = []
    db.set_trace_callback(statements.append)  # with the parameters bound in
    try:
        candidates.candidate_page(conn, f, "updated", True, 50)
    finally:
        db.set_trace_callback(None)
    return [[row[3] for row in db.execute("EXPLAIN QUERY PLAN " + sql)] for sql in statements]


def test_the_first_screen_reads_along_the_updated_index_without_sorting_the_table(crowd):
    plan = crowd.call_sync(_plans)[0]
    assert any("USING INDEX ix_opportunities_updated_at" in step for step in plan), plan
    assert "USE TEMP B-TREE FOR ORDER BY" not in plan, plan  # a whole-table sort (ties by id may sort alone)


def test_a_first_screen_of_undated_candidates_reads_along_the_ids_without_sorting_them(crowd):
    """Every candidate undated (a cache that never had ``updatedAt``): the first screen no longer reads and
    sorts every one of them on the window's thread, it reads its 50 in order along the ids' index."""

    def undate(conn) -> None:
        sqlite_connection(conn).execute("UPDATE opportunities SET updated_at = NULL")

    crowd.call_sync(undate)
    dated, sample, undated, _rows = crowd.call_sync(_plans)
    assert "USING INDEX ix_opportunities_updated_at" in " ".join(dated)  # none: nothing read
    assert not any("TEMP B-TREE" in step for step in sample), sample  # the newest ids, not all sorted
    assert any("USING INDEX sqlite_autoindex_opportunities" in step for step in undated), undated
    assert not any("TEMP B-TREE" in step for step in undated), undated
    assert crowd.call_sync(candidates.candidate_page, CandidateFilter(), "updated", True, 50)[2] is False


def test_the_few_undated_of_a_dated_cache_are_read_without_looking_at_every_candidate(crowd):
    """One in nine undated, a filter with fewer dated matches than a screen: the undated matches are read
    along the index on updated_at (only them), not along the ids (every candidate, for a few)."""
    f = CandidateFilter(text="grace 1")
    undated = crowd.call_sync(_plans, f)[2]  # after the dated and the sample of the newest ids
    assert any("USING INDEX ix_opportunities_updated_at" in step for step in undated), undated
    whole = crowd.call_sync(candidate_ids, f)
    _is_the_head_of(crowd.call_sync(candidates.candidate_page, f, "updated", True, 50), whole, 50)


@pytest.mark.parametrize("n", [0, 1, 49, 50, 51, 2_500])
def test_a_first_screen_of_undated_candidates_says_whether_more_follow(store, n):
    """None, fewer than a screen, exactly a screen, one more, and more than the newest ids sampled
    (``UNDATED_SAMPLE``) of a cache of undated candidates, one in three archived."""

    def write(conn) -> None:
        sqlite_connection(conn).execute("DELETE FROM opportunities")
        cache.upsert_opportunities(conn, [_candidate(f"u{i:05d}", None, i % 3 == 0, "Ada") for i in range(n)], 1)

    store.call_sync(write)
    for f in (CandidateFilter(archived="any"), CandidateFilter()):
        whole = store.call_sync(candidate_ids, f)
        _is_the_head_of(store.call_sync(candidates.candidate_page, f, "updated", True, 50), whole, 50)
