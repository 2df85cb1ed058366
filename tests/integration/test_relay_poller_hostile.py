"""A relay that misbehaves (reorders, repeats, rewinds, oversizes, babbles) makes the app lose nothing
and act on nothing forged. The hostile relay is a small ASGI app: the real one would not misbehave."""

from __future__ import annotations

import json

import httpx
import pytest
from helpers.relay_fixtures import RecordingDispatcher, signed_delivery
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from lever_desktop.lever.urls import check_relay_url
from lever_desktop.relay import ledger
from lever_desktop.relay.client import FeedPoller
from lever_desktop.relay.feed import RelayError
from lever_desktop.store import Store

SIG = {"candidateStageChange": "sig-stage-" + "s" * 30}


def stage(opp: str, **kw) -> dict:
    return signed_delivery("candidateStageChange", {"opportunityId": opp}, SIG["candidateStageChange"], **kw)


def item(seq: int, body, kind: str = "lever-webhook") -> dict:
    return {"seq": seq, "kind": kind, "receivedAt": 0, "body": body}


class HostileRelay:
    """Serves the given pages in order (raw bytes or feed dicts), then empty pages."""

    def __init__(self, pages: list) -> None:
        self.pages = list(pages)
        self.asked_after: list[int] = []
        self.app = Starlette(routes=[Route("/v1/feed", self.feed)])

    async def feed(self, request: Request) -> Response:
        self.asked_after.append(int(request.query_params["after"]))
        page = self.pages.pop(0) if self.pages else {"items": [], "next": 0}
        raw = page if isinstance(page, bytes) else json.dumps(page).encode()
        return Response(raw, media_type="application/json")


@pytest.fixture
async def hostile():
    store = Store.open()
    made: list[FeedPoller] = []

    def make(pages: list) -> tuple[FeedPoller, HostileRelay]:
        relay = HostileRelay(pages)
        poller = FeedPoller(
            "http://127.0.0.1:9",
            "reader",
            store,
            RecordingDispatcher(),
            SIG,
            transport=httpx.ASGITransport(app=relay.app),
        )
        made.append(poller)
        return poller, relay

    yield make
    for p in made:
        await p.aclose()
    store.close()


async def test_reordered_and_repeated_items_are_processed_once_in_order(hostile):
    a, b, c = stage("opp-a"), stage("opp-b"), stage("opp-c")
    poller, relay = hostile(
        [
            {"items": [item(3, c), item(1, a), item(3, c), item(2, b)], "next": 3},
            {"items": [item(2, b), item(4, a)], "next": 4},  # repeats, under old and new numbers
            {"items": [item(1, a)], "next": 1},  # rewinds: the cursor never goes back
        ]
    )
    for _ in range(3):
        await poller.poll_once()
    assert poller.dispatcher.calls == [("refresh_opportunity", o) for o in ("opp-a", "opp-b", "opp-c")]
    assert poller.stats.accepted == 3 and poller.stats.duplicates == 3
    assert relay.asked_after == [0, 3, 4]
    assert poller.cursor == 4


@pytest.mark.logs_warnings("rejected items and an unreachable relay are logged")
async def test_forged_items_are_rejected_and_later_genuine_ones_still_accepted(hostile):
    genuine = stage("opp-real")
    shadow = {**stage("opp-evil"), "token": genuine["token"]}  # forged copy served before the genuine one
    poller, _ = hostile([{"items": [item(1, shadow), item(2, genuine)], "next": 2}])
    await poller.poll_once()
    assert poller.dispatcher.calls == [("refresh_opportunity", "opp-real")]
    assert poller.stats.rejected == {"bad-signature": 1}


@pytest.mark.logs_warnings("rejected items and an unreachable relay are logged")
async def test_oversize_and_unknown_items_are_rejected_without_stalling_the_feed(hostile):
    big = stage("opp-big")
    big["data"]["padding"] = "x" * (1024 * 1024)
    poller, _ = hostile(
        [
            {
                "items": [
                    item(1, big),
                    item(2, {"x": 1}, kind="mystery"),
                    item(3, {"draftId": "d", "pad": "y" * (1 << 20)}, kind="draft"),
                    item(4, stage("opp-ok")),
                ],
                "next": 4,
            }
        ]
    )
    await poller.poll_once()
    assert poller.dispatcher.calls == [("refresh_opportunity", "opp-ok")]
    assert poller.dispatcher.drafts == []
    assert poller.stats.rejected == {"oversize": 2, "unknown-kind": 1}
    assert poller.cursor == 4


@pytest.mark.parametrize(
    "page",
    [
        b"<html>gateway timeout</html>",
        b'{"items": "nope"}',
        b"[]",
        json.dumps({"items": [item(True, {})]}).encode(),
        json.dumps({"items": [{"kind": "draft", "body": {}}]}).encode(),
    ],
)
@pytest.mark.logs_warnings("rejected items and an unreachable relay are logged")
async def test_a_babbling_relay_moves_nothing(hostile, page):
    poller, _ = hostile([page])
    with pytest.raises(RelayError):
        await poller.poll_once()
    assert poller.state == "unreachable"
    assert await poller.store.call(ledger.load_cursor, ledger.cursor_key(poller.url)) == 0


@pytest.mark.parametrize("url", ["http://relay.example.com", "ftp://127.0.0.1", "https://user:pw@relay.example.com"])
def test_relay_urls_must_be_https_off_loopback(url):
    with pytest.raises(ValueError):
        check_relay_url(url)


def test_loopback_http_and_any_https_are_fine():
    assert check_relay_url("http://127.0.0.1:8790/") == "http://127.0.0.1:8790"
    assert check_relay_url("http://[::1]:8790") == "http://[::1]:8790"
    assert check_relay_url("https://relay.example.com") == "https://relay.example.com"


def _deliveries(store) -> list[tuple]:
    def q(conn):
        import sqlalchemy as sa

        from lever_desktop.store.schema import webhook_deliveries as w

        return [tuple(r) for r in conn.execute(sa.select(w.c.verdict, w.c.reason, w.c.body).order_by(w.c.id))]

    return store.call_sync(q)


class PoisonDraftDispatcher(RecordingDispatcher):
    async def receive_draft(self, doc: dict):
        if doc.get("draftId") == "poison":
            raise RuntimeError("intake bug on this one draft")
        return await super().receive_draft(doc)


@pytest.mark.logs_warnings("rejected items and an unreachable relay are logged")
async def test_poison_items_are_rejected_with_their_reason_and_the_feed_moves_past_them(hostile):
    # JSON allows a lone surrogate ("\ud800"); UTF-8, the signature check and SQLite do not. One such
    # item used to stop every poll at it (UnicodeEncodeError) until the relay purged it 30 days later.
    lone = '{"items": [{"seq": 1, "kind": "lever-webhook", "receivedAt": 0, "body": {"a": "\\ud800"}},'
    lone += ' {"seq": 2, "kind": "draft", "receivedAt": 0, "body": {"draftId": "d\\udfff"}}'
    page = json.dumps(
        {
            "items": [
                item(3, {"draftId": "poison"}, kind="draft"),
                item(4, {"kind": "lever-webhook", "reason": "oversize", "size": 1 << 20}, kind="rejected"),
                item(5, stage("opp-ok")),
                item(6, {"draftId": "d-ok"}, kind="draft"),
            ]
        }
    )
    raw = (lone + ", " + page[len('{"items": [') :]).encode()
    poller, _ = hostile([raw])
    poller.dispatcher = PoisonDraftDispatcher()

    stats = await poller.drain()

    assert poller.dispatcher.calls == [("refresh_opportunity", "opp-ok")]
    assert [d["draftId"] for d in poller.dispatcher.drafts] == ["d-ok"]
    assert stats.rejected == {"undecodable": 2, "unprocessable": 1, "relay:oversize": 1}
    assert poller.cursor == 6 and await poller.store.call(ledger.load_cursor, ledger.cursor_key(poller.url)) == 6
    rows = _deliveries(poller.store)
    assert sorted(r[1] for r in rows if r[0] == "rejected") == [
        "relay:oversize",
        "undecodable",
        "undecodable",
        "unprocessable",
    ]
    lone_record = json.loads(next(r[2] for r in rows if r[1] == "undecodable"))
    assert lone_record["head"] == '{"a":"\\ud800"}' and lone_record["size"] == 11


@pytest.mark.logs_warnings("rejected items and an unreachable relay are logged")
async def test_a_rejected_body_is_kept_as_a_bounded_record(hostile):
    big = stage("opp-big")
    big["data"]["padding"] = "é" * (1024 * 1024)
    poller, _ = hostile([{"items": [item(1, big), item(2, {"x": "y" * 500_000})]}])
    await poller.poll_once()
    assert poller.stats.rejected == {"oversize": 1, "unsigned": 1}
    rows = _deliveries(poller.store)
    assert [r[1] for r in rows] == ["oversize", "unsigned"]
    for _verdict, _reason, body in rows:
        record = json.loads(body)
        assert set(record) == {"size", "sha256", "head"} and record["size"] > 500_000
        assert len(record["head"].encode()) <= 1024 and len(body) < 1400
