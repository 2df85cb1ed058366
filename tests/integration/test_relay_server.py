"""The reference relay over real loopback HTTP: auth, limits, verbatim storage, long polls."""

from __future__ import annotations

import json
import threading
import time

import httpx
import pytest
from helpers.relay_fixtures import lever_shaped, wait_for_reader

JSON = {"Content-Type": "application/json"}


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_relay(request, relay_factory):
    """The same behaviour on both databases."""
    if request.param == "sqlite":
        return relay_factory()
    return relay_factory(request.getfixturevalue("pg_url"))


def _feed(r, after=0, **params) -> dict:
    resp = httpx.get(r.feed_url, params={"after": after, **params}, headers=r.reader_headers(), timeout=30)
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_webhooks_are_stored_verbatim_and_fed_in_order(any_relay):
    r = any_relay
    # Odd spacing, key order and non-ASCII must come back byte for byte: the app checks signatures
    # and de-duplicates on what Lever actually sent.
    bodies = [
        '{"z": 1,   "a": "é\\u00e9", "n": [1, 2.50], "event": "e", "token": "t1", "signature": "s", "triggeredAt": 1}',
        '{"event":"candidateHired","token":"t2","signature":"s2","triggeredAt":1431454330072,"data":{}}',
    ]
    for b in bodies:
        resp = httpx.post(r.url + "/lever/webhooks", content=b.encode(), headers=JSON)
        assert resp.status_code == 200
    draft = '{"schema": "lever-desktop/draft@1", "draftId": "d1"}'
    assert httpx.post(r.url + "/drafts", content=draft, headers={**JSON, **r.ingest_headers()}).status_code == 200

    raw = httpx.get(r.feed_url, params={"after": 0}, headers=r.reader_headers()).text
    for b in bodies + [draft]:
        assert b in raw
    feed = json.loads(raw)
    assert [i["kind"] for i in feed["items"]] == ["lever-webhook", "lever-webhook", "draft"]
    seqs = [i["seq"] for i in feed["items"]]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    assert feed["next"] == seqs[-1]
    assert _feed(r, after=seqs[0], limit=1)["items"][0]["seq"] == seqs[1]
    assert _feed(r, after=seqs[-1]) == {"items": [], "next": seqs[-1]}


def test_tokens_are_required_per_role_and_never_logged(relay):
    r = relay
    draft = {"schema": "lever-desktop/draft@1", "draftId": "d1"}
    cases = [
        ("get", r.feed_url, {}),
        ("get", r.feed_url, {"Authorization": "Bearer wrong-token"}),
        ("get", r.feed_url, {"Authorization": f"Basic {r.reader_token}"}),
        ("get", r.feed_url, r.ingest_headers()),  # an ingest token does not read
        ("post", r.url + "/drafts", {}),
        ("post", r.url + "/drafts", r.reader_headers()),  # a reader token does not write
    ]
    for method, url, headers in cases:
        kwargs = {"json": draft} if method == "post" else {}
        resp = httpx.request(method, url, headers=headers, **kwargs)
        assert resp.status_code == 401, (method, url, headers)
        assert resp.json()["error"] == "unauthorized"
        assert resp.headers["www-authenticate"].startswith("Bearer")
    assert _feed(r)["items"] == []  # nothing was stored by the refused drafts
    log = r.log_text()
    assert log.count("401 unauthorized") == len(cases)
    assert r.reader_token not in log and r.ingest_token not in log


@pytest.mark.parametrize(
    ("content", "headers", "status", "code"),
    [
        (b"{not json", JSON, 400, "invalid-json"),
        (b"[1, 2]", JSON, 400, "invalid-json"),
        (b'{"a": NaN}', JSON, 400, "invalid-json"),
        (b'{"a": "\xff"}', JSON, 400, "invalid-json"),
        (b'{"a": 1}', {"Content-Type": "text/plain"}, 415, "unsupported-media-type"),
        (b'{"a": 1}', {}, 415, "unsupported-media-type"),
        (b'{"a": "' + b"x" * (1024 * 1024) + b'"}', JSON, 413, "too-large"),
    ],
)
def test_bad_bodies_are_refused_with_a_clear_error_and_logged(relay, content, headers, status, code):
    resp = httpx.post(relay.url + "/lever/webhooks", content=content, headers=headers)
    assert resp.status_code == status
    assert resp.json()["error"] == code and resp.json()["message"]
    assert _feed(relay)["items"] == []
    assert f"{status} {code}" in relay.log_text()


def test_oversize_chunked_body_without_length_is_refused(relay):
    def chunks():
        yield b'{"a": "'
        for _ in range(40):
            yield b"y" * 32768
        yield b'"}'

    resp = httpx.post(relay.url + "/lever/webhooks", content=chunks(), headers=JSON)
    assert resp.status_code == 413
    # Exactly at the limit is still accepted.
    at_limit = b'{"a": "' + b"z" * (1024 * 1024 - 10) + b'"}'
    assert len(at_limit) == 1024 * 1024 - 1
    assert httpx.post(relay.url + "/lever/webhooks", content=at_limit, headers=JSON).status_code == 200


def test_bad_feed_parameters_are_refused(relay):
    for params in ({"after": "x"}, {"after": -1}, {"limit": 0}, {"limit": 5000}, {"wait": 999}):
        resp = httpx.get(relay.feed_url, params=params, headers=relay.reader_headers())
        assert resp.status_code == 400, params
        assert resp.json()["error"] == "bad-parameter"


def test_feed_parameters_take_ascii_digits_only(relay):
    # int() takes all of these ("١٢" is 12 in Arabic-Indic digits); the relay must not.
    for name in ("after", "limit", "wait"):
        for value in ("\u0661\u0662", "+5", " 5", "5 ", "1_0", "\uff15", "1" * 20):
            resp = httpx.get(relay.feed_url, params={name: value}, headers=relay.reader_headers())
            assert resp.status_code == 400, (name, value, resp.text)
            assert resp.json()["error"] == "bad-parameter" and "0-9" in resp.json()["message"]
    assert _feed(relay, after="0", limit="7", wait="0") == {"items": [], "next": 0}


def test_long_poll_holds_then_wakes_at_once_on_insert(any_relay):
    r = any_relay
    started = time.monotonic()
    assert _feed(r, wait=1)["items"] == []
    assert time.monotonic() - started >= 0.9  # held for the wait when nothing arrives

    result: dict = {}
    listening = threading.Event()

    def reader():
        listening.set()
        result["feed"] = _feed(r, wait=20)
        result["at"] = time.monotonic()

    t = threading.Thread(target=reader)
    t.start()
    listening.wait()
    posted_at = time.monotonic()
    assert httpx.post(r.url + "/lever/webhooks", json=lever_shaped(id="x"), headers=JSON).status_code == 200
    t.join(timeout=25)
    assert [i["body"]["id"] for i in result["feed"]["items"]] == ["x"]
    assert result["at"] - posted_at < 2.0


def test_healthz_and_prompt_shutdown_with_a_waiting_reader(relay):
    health = httpx.get(relay.url + "/healthz").json()
    assert health == {"status": "ok", "database": "sqlite", "lastSeq": 0, "waiting": 0}
    errors: list[BaseException] = []

    def reader():
        try:
            httpx.get(relay.feed_url, params={"wait": 60}, headers=relay.reader_headers(), timeout=90)
        except httpx.HTTPError as e:  # either an empty answer or a closed connection is fine
            errors.append(e)

    t = threading.Thread(target=reader)
    t.start()
    wait_for_reader(relay, t)
    started = time.monotonic()
    relay.stop()
    t.join(timeout=30)
    # uvicorn re-raises the SIGTERM it handled once it has shut down cleanly.
    assert relay.proc.returncode in (0, -15)
    assert "Application shutdown complete" in relay.log_text()
    assert time.monotonic() - started < 8


def test_anonymous_bodies_that_cannot_be_lever_deliveries_are_kept_as_bounded_records(relay):
    sizes = []
    db = relay.db_url.removeprefix("sqlite:///")
    import os

    before = os.path.getsize(db)
    big = {"event": "candidateStageChange", "data": {"pad": "x" * (1024 * 1024 - 100)}}  # no signature
    for _ in range(20):
        assert httpx.post(relay.url + "/lever/webhooks", json=big).status_code == 200
    padded = lever_shaped(data={"pad": "y" * 20_000})  # shaped like one, but no Lever delivery is 20 KB
    assert httpx.post(relay.url + "/lever/webhooks", json=padded).status_code == 200
    assert httpx.post(relay.url + "/lever/webhooks", json={"hello": "x"}).status_code == 200
    items = _feed(relay, limit=100)["items"]
    assert [i["kind"] for i in items] == ["rejected"] * 22
    for i in items:
        sizes.append(i["body"]["size"])
        assert set(i["body"]) == {"kind", "reason", "size", "sha256", "head"}
        assert len(i["body"]["head"].encode()) <= 1024
    assert [i["body"]["reason"] for i in items] == ["oversize"] * 21 + ["not-a-lever-delivery"]
    assert min(sizes[:21]) > 20_000
    assert os.path.getsize(db) - before < 200 * 1024  # 20 MB posted


def test_lone_surrogates_are_refused_at_the_door(relay):
    for path, headers in (("/lever/webhooks", {}), ("/drafts", relay.ingest_headers())):
        resp = httpx.post(relay.url + path, content=b'{"event": "x", "a": "\\ud800"}', headers={**JSON, **headers})
        assert resp.status_code == 400 and resp.json()["error"] == "invalid-json", resp.text
    ok = httpx.post(relay.url + "/lever/webhooks", content=b'{"a": "\\ud83d\\ude00"}', headers=JSON)  # a pair
    assert ok.status_code == 200
    assert [i["kind"] for i in _feed(relay)["items"]] == ["rejected"]


def test_a_feed_page_holds_a_bounded_number_of_bytes(relay):
    draft = {"schema": "lever-desktop/draft@1", "draftId": "d", "pad": "z" * 900_000}
    for _ in range(12):
        assert httpx.post(relay.url + "/drafts", json=draft, headers=relay.ingest_headers()).status_code == 200
    page = httpx.get(relay.feed_url, params={"after": 0, "limit": 1000}, headers=relay.reader_headers())
    assert page.status_code == 200
    assert 1 <= len(page.json()["items"]) <= 5 and len(page.content) < 5 * 1024 * 1024
    seen, cursor = 0, 0
    while True:  # following the cursor still yields everything, a few megabytes at a time
        items = _feed(relay, after=cursor, limit=1000)["items"]
        if not items:
            break
        seen, cursor = seen + len(items), items[-1]["seq"]
    assert seen == 12


def test_the_database_file_is_private(relay_factory, tmp_path):
    import os
    import stat

    relay = relay_factory(f"sqlite:///{tmp_path / 'private.sqlite3'}")
    assert httpx.post(relay.url + "/lever/webhooks", json=lever_shaped()).status_code == 200
    for name in ("private.sqlite3", "private.sqlite3-wal", "private.sqlite3-shm"):
        mode = stat.S_IMODE(os.stat(tmp_path / name).st_mode)
        assert mode == 0o600, (name, oct(mode))
    old = tmp_path / "old.sqlite3"  # left world-readable by an older relay
    old.touch(mode=0o644)
    os.chmod(old, 0o644)
    relay_factory(f"sqlite:///{old}")
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o600


async def test_a_body_nested_near_the_parsers_limit_is_refused_so_the_desktops_feed_never_sticks(relay):
    """969 levels passed the relay's parse; inside a feed page, 3 levels further down, every desktop's
    parse of that page failed, and ``relay poll`` stopped there on every poll for 30 days."""
    from helpers.relay_fixtures import RecordingDispatcher, signed_delivery

    from lever_desktop.relay.client import FeedPoller
    from lever_desktop.store import Store

    deep = '{"a":' * 960 + "1" + "}" * 960
    for path, headers in (("/lever/webhooks", {}), ("/drafts", relay.ingest_headers())):
        body = '{"event":"candidateStageChange","token":"t","signature":"s","triggeredAt":1,"data":' + deep + "}"
        resp = httpx.post(relay.url + path, content=body.encode(), headers={**JSON, **headers})
        assert resp.status_code == 400 and resp.json()["error"] == "too-deep", resp.text
    signature_token = "sig-stage-" + "s" * 30
    after = signed_delivery("candidateStageChange", {"opportunityId": "opp-7"}, signature_token)
    assert httpx.post(relay.url + "/lever/webhooks", json=after).status_code == 200
    store, dispatcher = Store.open(), RecordingDispatcher()
    poller = FeedPoller(relay.url, relay.reader_token, store, dispatcher, {"candidateStageChange": signature_token})
    try:
        stats = await poller.drain()
    finally:
        await poller.aclose()
        store.close()
    assert (stats.accepted, dispatcher.calls) == (1, [("refresh_opportunity", "opp-7")])
