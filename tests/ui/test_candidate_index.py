"""The candidate list's in-memory filter index against a real cache file."""

from __future__ import annotations

import pytest

from lever_desktop.store import cache
from lever_desktop.store.db import Store
from lever_desktop.ui import queries
from lever_desktop.ui.candidate_index import CandidateIndex
from lever_desktop.ui.queries import CandidateFilter


@pytest.fixture
def store():
    with Store.open() as s:
        s.call_sync(cache.upsert_stages, [{"id": "screen", "text": "Screen"}, {"id": "offer", "text": "Offer"}], 1)
        s.call_sync(cache.upsert_users, [{"id": "u1", "name": "Zoe Owner", "email": "z@x.org"},
                                         {"id": "u2", "name": "Al Owner", "email": "a@x.org"}], 1)
        people = [("Ada Lovelace", "screen", "u1", None, "p1", 30), ("Grace Hopper", "offer", "u2", None, "p2", 20),
                  ("Adam Smith", "offer", "u1", {"reason": "r", "archivedAt": 5}, "p1", 10),
                  ("Radia Perlman", "screen", "u2", None, "p1", 40)]
        s.call_sync(cache.upsert_opportunities, [
            {"id": f"o{n}", "name": name, "emails": [f"{name.split()[0].lower()}@mail.org"], "stage": stage,
             "owner": owner, "archived": archived, "applications": [{"posting": posting}], "updatedAt": updated}
            for n, (name, stage, owner, archived, posting, updated) in enumerate(people)], 1)
        yield s


def test_index_filters_like_the_sql_query(store):
    index = store.call_sync(CandidateIndex.load)
    cases = [CandidateFilter(), CandidateFilter(text="AD"), CandidateFilter(text="ad", archived="any"),
             CandidateFilter(text="ad", archived="archived"), CandidateFilter(stage_id="screen"),
             CandidateFilter(owner_id="u2"), CandidateFilter(posting_id="p1", archived="any"),
             CandidateFilter(text="mail.org"), CandidateFilter(text="nobody")]
    for f in cases:
        for sort in ("updated", "name", "stage", "owner"):
            for descending in (True, False):
                expected = store.call_sync(queries.candidate_ids, f, sort, descending)
                assert index.filter(f, sort, descending) == expected, (f, sort, descending)


def test_typing_on_narrows_and_erasing_widens_again(store):
    index = store.call_sync(CandidateIndex.load)
    assert index.filter(CandidateFilter(text="a")) == ["o3", "o0", "o1"]  # newest first, archived hidden
    assert index.filter(CandidateFilter(text="ada")) == ["o0"]
    assert index.filter(CandidateFilter(text="ad")) == ["o3", "o0"]  # "radia" contains "ad" too
    assert index.filter(CandidateFilter(text="")) == ["o3", "o0", "o1"]
