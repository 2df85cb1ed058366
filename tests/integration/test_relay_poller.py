"""The feed poller against a real relay process and a real cache: security and no loss."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from helpers.relay_fixtures import RecordingDispatcher, signed_delivery
from helpers.waiting import wait_until_async

from lever_desktop.relay import ledger
from lever_desktop.relay.client import CONNECTED, UNAUTHORIZED, UNREACHABLE, FeedPoller
from lever_desktop.relay.dispatch import DispatchDeferred
from lever_desktop.relay.feed import RelayError
from lever_desktop.store import Store, queries

SIG = {
    "candidateStageChange": "sig-stage-" + "a" * 30,
    "candidateDeleted": "sig-deleted-" + "b" * 30,
    "interviewCreated": "sig-interview-" + "c" * 30,
}


@pytest.fixture
def store():
    s = Store.open()
    yield s
    s.close()


@pytest.fixture
async def make_poller(store):
    pollers: list[FeedPoller] = []

    def make(relay, dispatcher=None, token=None, url=None, **kw) -> FeedPoller:
        p = FeedPoller(
            url or relay.url, token or relay.reader_token, store, dispatcher or RecordingDispatcher(), SIG, **kw
        )
        pollers.append(p)
        return p

    yield make
    for p in pollers:
        await p.aclose()


def post(relay, body) -> None:
    resp = httpx.post(relay.url + "/lever/webhooks", json=body)
    assert resp.status_code == 200


def stage_change(opp: str, **kw) -> dict:
    return signed_delivery(
        "candidateStageChange", {"opportunityId": opp, "toStageId": "s2"}, SIG["candidateStageChange"], **kw
    )


def deliveries_table(store) -> list[tuple]:
    def q(conn):
        import sqlalchemy as sa

        from lever_desktop.store.schema import webhook_deliveries as w

        return [tuple(r) for r in conn.execute(sa.select(w.c.event, w.c.verdict, w.c.reason).order_by(w.c.id))]

    return store.call_sync(q)


async def test_genuine_deliveries_are_dispatched_and_the_cursor_saved(relay, store, make_poller):
    post(relay, stage_change("opp-1"))
    post(relay, signed_delivery("candidateDeleted", {"opportunityId": "opp-2"}, SIG["candidateDeleted"]))
    post(relay, signed_delivery("interviewCreated", {"opportunityId": "opp-3"}, SIG["interviewCreated"]))
    poller = make_poller(relay)
    assert await poller.poll_once() == 3
    assert poller.dispatcher.calls == [
        ("refresh_opportunity", "opp-1"),
        ("refresh_opportunity", "opp-2"),
        ("refresh_interviews", "opp-3"),
    ]
    assert poller.stats.accepted == 3 and poller.state == CONNECTED
    assert await store.call(queries.get_state, ledger.cursor_key(relay.url)) == 3
    assert [r[1] for r in deliveries_table(store)] == ["accepted"] * 3


async def test_the_relays_webhook_address_pasted_as_the_relay_url_still_reads_the_feed(relay, store, make_poller):
    """Lever's webhook settings show ``https://relay…/lever/webhooks``; pasted as the relay URL it
    means the relay, not a feed under ``/lever/webhooks/v1/feed`` that 404s at every poll."""
    post(relay, stage_change("opp-1"))
    poller = make_poller(relay, url=relay.url + "/lever/webhooks/")
    assert await poller.poll_once() == 1
    assert poller.state == CONNECTED and poller.url == relay.url
    assert await store.call(queries.get_state, ledger.cursor_key(relay.url)) == 1


@pytest.mark.logs_warnings("rejected items and an unreachable relay are logged")
async def test_forged_unsigned_and_malformed_are_kept_counted_and_never_acted_on(relay, store, make_poller):
    genuine = stage_change("opp-real")
    forged = {**stage_change("opp-evil"), "signature": "0" * 64}
    stolen = {**genuine, "data": {"opportunityId": "opp-evil"}}  # data is not signed: only a hint
    post(relay, {**stage_change("opp-evil"), "token": genuine["token"], "signature": "f" * 64})  # shadow try
    post(relay, forged)
    post(relay, {k: v for k, v in stage_change("opp-evil").items() if k != "signature"})
    post(relay, {"event": "candidateStageChange", "data": {"opportunityId": "opp-evil"}, "signature": "x"})
    post(relay, genuine)
    post(relay, stolen)  # to re-read: never a duplicate that could shadow the genuine one
    post(relay, genuine)  # a Lever retry is a duplicate
    poller = make_poller(relay)
    await poller.poll_once()
    assert poller.dispatcher.calls == [("refresh_opportunity", "opp-real"), ("refresh_opportunity", "opp-evil")]
    # The relay itself sets aside what cannot be a Lever delivery (no signature, no token).
    assert poller.stats.rejected == {"bad-signature": 2, "relay:not-a-lever-delivery": 2}
    assert poller.stats.duplicates == 1 and poller.stats.accepted == 2
    rows = deliveries_table(store)
    assert sorted(r[2] for r in rows if r[1] == "rejected") == [
        "bad-signature",
        "bad-signature",
        "relay:not-a-lever-delivery",
        "relay:not-a-lever-delivery",
    ]


async def test_replays_are_ignored_across_restarts(relay, store, make_poller):
    delivery = stage_change("opp-1")
    post(relay, delivery)
    first = make_poller(relay)
    await first.poll_once()
    await first.aclose()
    post(relay, delivery)  # Lever retried (or someone replayed it)
    post(relay, stage_change("opp-2"))
    second = make_poller(relay)  # a new app run: cursor and seen tokens come from the cache
    assert await second.poll_once() == 2
    assert second.dispatcher.calls == [("refresh_opportunity", "opp-2")]
    assert second.stats.duplicates == 1


async def test_cursor_stays_until_the_batch_is_processed(relay, store, make_poller):
    for opp in ("opp-1", "opp-2"):
        post(relay, stage_change(opp))
    dispatcher = RecordingDispatcher()
    dispatcher.defer_next = 1  # Lever is down for the first refresh
    poller = make_poller(relay, dispatcher)
    with pytest.raises(DispatchDeferred):
        await poller.poll_once()
    assert await store.call(ledger.load_cursor, ledger.cursor_key(relay.url)) == 0
    assert deliveries_table(store) == []
    await poller.poll_once()  # retried: nothing lost
    assert dispatcher.calls == [("refresh_opportunity", "opp-1"), ("refresh_opportunity", "opp-2")]
    assert await store.call(ledger.load_cursor, ledger.cursor_key(relay.url)) == 2


async def test_repeated_changes_of_one_opportunity_need_one_refresh(relay, make_poller):
    for _ in range(5):
        post(relay, stage_change("opp-1"))
    poller = make_poller(relay)
    await poller.poll_once()
    assert poller.dispatcher.calls == [("refresh_opportunity", "opp-1")]
    assert poller.stats.accepted == 5


@pytest.mark.logs_warnings("rejected items and an unreachable relay are logged")
async def test_drafts_go_to_intake_and_invalid_ones_are_kept(relay, store, make_poller):
    for doc in ({"schema": "lever-desktop/draft@1", "draftId": "d1"}, {"schema": "x"}):
        resp = httpx.post(relay.url + "/drafts", json=doc, headers=relay.ingest_headers())
        assert resp.status_code == 200
    poller = make_poller(relay)
    await poller.poll_once()
    assert [d["draftId"] for d in poller.dispatcher.drafts] == ["d1"]
    assert poller.stats.drafts == {"received": 1, "invalid": 1}
    assert deliveries_table(store) == [("draft", "rejected", "invalid-draft")]


@pytest.mark.logs_warnings("rejected items and an unreachable relay are logged")
async def test_wrong_token_and_a_dead_relay_are_reported(relay, make_poller):
    states: list[str] = []
    bad = make_poller(relay, token="not-the-reader-token")
    bad.subscribe(lambda state, message: states.append(state))
    with pytest.raises(RelayError):
        await bad.poll_once()
    assert bad.state == UNAUTHORIZED and "token" in bad.message
    assert relay.reader_token not in bad.message and "not-the-reader-token" not in repr(bad)
    relay.stop()
    poller = make_poller(relay)
    with pytest.raises(RelayError):
        await poller.poll_once()
    assert poller.state == UNREACHABLE and poller.message.startswith("relay unreachable")
    assert states == [UNAUTHORIZED]


@pytest.mark.logs_warnings("rejected items and an unreachable relay are logged")
async def test_poller_rides_out_a_relay_restart_without_loss(relay_factory, tmp_path, store, make_poller):
    db = f"sqlite:///{tmp_path / 'restart.sqlite3'}"
    first = relay_factory(db)
    port = first.url.rsplit(":", 1)[1]
    post(first, stage_change("opp-1"))
    changed = asyncio.Event()
    dispatcher = RecordingDispatcher()
    dispatcher.changed = changed
    poller = make_poller(first, dispatcher, wait=5, backoff=(0.05, 0.2))
    states: list[str] = []
    poller.subscribe(lambda state, _: (states.append(state), changed.set()))
    task = asyncio.create_task(poller.run())
    try:
        await wait_until_async(lambda: dispatcher.calls == [("refresh_opportunity", "opp-1")], 15, changed=changed)
        first.stop()
        await wait_until_async(lambda: poller.state == UNREACHABLE, 15, changed=changed)
        second = relay_factory(db, "--port", port, ingest_token=first.ingest_token, reader_token=first.reader_token)
        post(second, stage_change("opp-2"))
        await wait_until_async(lambda: ("refresh_opportunity", "opp-2") in dispatcher.calls, 15, changed=changed)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
    assert poller.dispatcher.calls == [("refresh_opportunity", "opp-1"), ("refresh_opportunity", "opp-2")]
    assert states[:3] == [CONNECTED, UNREACHABLE, CONNECTED]


async def test_a_restarted_poller_says_connected_at_once_not_after_a_whole_long_poll(relay, make_poller):
    """Issue #14.18: the status said "starting" for 25 s on a restart. The first request of a run
    waited the full long poll (the relay holds it while nothing is new) before any state was set."""
    poller = make_poller(relay, wait=25)
    changed = asyncio.Event()
    poller.subscribe(lambda _state, _message: changed.set())
    task = asyncio.create_task(poller.run())
    try:
        await wait_until_async(lambda: poller.state == CONNECTED, 8.0, changed=changed)
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


async def test_the_first_read_to_the_end_of_the_feed_is_told_once_even_when_empty(relay, make_poller):
    """The window says "no drafts" only once the relay was read to its end (#14.18: a first launch
    said "No drafts to review" while the sandbox's drafts were still on their way)."""
    poller = make_poller(relay)
    told: list = []
    poller.on_processed(told.append)
    assert not poller.caught_up
    assert await poller.poll_once() == 0
    assert poller.caught_up and len(told) == 1 and told[0].items == 0
    assert await poller.poll_once() == 0
    assert len(told) == 1  # an empty long poll later tells nobody
