"""The Activity log in the cache (store/activity.py): kept in order, searched word by word, pruned by
age and by count, on a real SQLite file."""

from __future__ import annotations

import pytest

from lever_desktop.store import Store, activity

NOW = 1_764_900_000_000
DAY = activity.DAY_MS


@pytest.fixture
def store():
    with Store.open() as s:
        yield s


def _texts(store, limit=1_000, query=""):
    return [line.text for line in store.call_sync(activity.recent, limit, query)]


def test_lines_come_back_oldest_first_and_the_newest_when_limited(store):
    for n in range(5):
        store.call_sync(activity.record, NOW + n, "sync", f"pass {n}")
    assert _texts(store) == [f"pass {n}" for n in range(5)]
    assert _texts(store, limit=2) == ["pass 3", "pass 4"]


def test_a_search_needs_every_word_in_any_case_and_looks_at_the_kind_too(store):
    for kind, text in (
        ("outbox", "submitted Phone screen for Frances Haddad to Lever"),
        ("outbox", "Lever rejected Onsite for Frances Haddad: it needs your attention"),
        ("relay", "connected"),
        ("sync", "Zoë Ärger's profile refreshed"),
    ):
        store.call_sync(activity.record, NOW, kind, text)
    assert _texts(store, query="haddad PHONE") == ["submitted Phone screen for Frances Haddad to Lever"]
    assert _texts(store, query="relay") == ["connected"]
    assert _texts(store, query="ärger") == ["Zoë Ärger's profile refreshed"]  # not only ASCII folds
    assert _texts(store, query="haddad", limit=1) == [
        "Lever rejected Onsite for Frances Haddad: it needs your attention"
    ]
    assert _texts(store, query="nobody") == []


def test_pruning_keeps_ninety_days_and_at_most_the_newest_lines(store):
    store.call_sync(activity.record, NOW - 91 * DAY, "sync", "too old")
    store.call_sync(activity.record, NOW - 89 * DAY, "sync", "old enough")
    for n in range(4):
        store.call_sync(activity.record, NOW + n, "sync", f"new {n}")
    assert store.call_sync(activity.prune, NOW) == 1
    assert _texts(store) == ["old enough", "new 0", "new 1", "new 2", "new 3"]
    assert store.call_sync(activity.prune, NOW, activity.KEEP_DAYS, 3) == 2
    assert _texts(store) == ["new 1", "new 2", "new 3"]


def test_recording_prunes_by_itself_every_few_hundred_lines(store, monkeypatch):
    monkeypatch.setattr(activity, "KEEP_LINES", 10)
    monkeypatch.setattr(activity, "PRUNE_EVERY", 25)
    for n in range(24):
        store.call_sync(activity.record, NOW, "sync", f"line {n}")
    assert len(_texts(store)) == 24  # not yet: pruning is not paid on every line
    store.call_sync(activity.record, NOW, "sync", "line 24")
    assert _texts(store) == [f"line {n}" for n in range(15, 25)]
