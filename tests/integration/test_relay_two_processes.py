"""Two relay processes sharing one database: concurrent ingest, a reader never skips or repeats."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from helpers.relay_fixtures import lever_shaped, wait_for_reader

PRODUCERS = 4
PER_PRODUCER = 60


def _ingest(url: str, producer: int, errors: list) -> None:
    with httpx.Client(timeout=30) as client:
        for i in range(PER_PRODUCER):
            resp = client.post(url + "/lever/webhooks", json=lever_shaped(id=f"p{producer}-{i:03d}", n=i))
            if resp.status_code != 200:
                errors.append(resp.text)


def _read_all(relays, expected: int) -> list[dict]:
    """Follow the feed by cursor while ingest runs, alternating between the relays."""
    items: list[dict] = []
    cursor = 0
    deadline = time.monotonic() + 60
    with httpx.Client(timeout=30) as client:
        turn = 0
        while len(items) < expected and time.monotonic() < deadline:
            r = relays[turn % len(relays)]
            turn += 1
            resp = client.get(r.feed_url, params={"after": cursor, "limit": 7, "wait": 1}, headers=r.reader_headers())
            assert resp.status_code == 200, resp.text
            page = resp.json()
            items.extend(page["items"])
            cursor = page["next"]
    return items


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_two_relays_one_database_lose_and_reorder_nothing(database, relay_factory, tmp_path, request):
    db_url = request.getfixturevalue("pg_url") if database == "postgres" else f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    first = relay_factory(db_url, "--poll-interval", "0.05")
    second = relay_factory(
        db_url, "--poll-interval", "0.05", ingest_token=first.ingest_token, reader_token=first.reader_token
    )
    relays = [first, second]
    total = PRODUCERS * PER_PRODUCER
    errors: list = []
    producers = [threading.Thread(target=_ingest, args=(relays[p % 2].url, p, errors)) for p in range(PRODUCERS)]
    result: list = []
    reader = threading.Thread(target=lambda: result.extend(_read_all(relays, total)))
    reader.start()
    for t in producers:
        t.start()
    for t in producers:
        t.join(timeout=60)
    reader.join(timeout=90)
    assert errors == []

    seqs = [i["seq"] for i in result]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), "feed repeated or reordered items"
    ids = [i["body"]["id"] for i in result]
    assert sorted(ids) == sorted(f"p{p}-{i:03d}" for p in range(PRODUCERS) for i in range(PER_PRODUCER))
    # Each producer posted sequentially, so its items must appear in its own order.
    for p in range(PRODUCERS):
        mine = [i["body"]["n"] for i in result if i["body"]["id"].startswith(f"p{p}-")]
        assert mine == list(range(PER_PRODUCER))


@pytest.mark.parametrize("database", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_reader_on_one_relay_is_woken_by_an_insert_on_the_other(database, relay_factory, tmp_path, request):
    db_url = request.getfixturevalue("pg_url") if database == "postgres" else f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    a = relay_factory(db_url, "--poll-interval", "0.1")
    b = relay_factory(db_url, ingest_token=a.ingest_token, reader_token=a.reader_token)
    result: dict = {}

    def reader():
        result["feed"] = httpx.get(a.feed_url, params={"wait": 20}, headers=a.reader_headers(), timeout=30).json()
        result["at"] = time.monotonic()

    t = threading.Thread(target=reader)
    t.start()
    wait_for_reader(a, t)
    posted = time.monotonic()
    assert httpx.post(b.url + "/lever/webhooks", json=lever_shaped(id="from-b")).status_code == 200
    t.join(timeout=30)
    assert [i["body"]["id"] for i in result["feed"]["items"]] == ["from-b"]
    assert result["at"] - posted < 2.0
