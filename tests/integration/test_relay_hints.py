"""A webhook is a hint to re-read Lever, never a fact: its ``data`` is not signed.

Sandbox (Lever) -> an upstream relay the attacker can read -> the app's relay, with the real sync
engine and cache: the attacker re-posts a genuine ``candidateDeleted`` re-targeted at another
opportunity, ahead of the genuine one.
"""

from __future__ import annotations

import httpx

from lever_desktop.lever.client import LeverClient
from lever_desktop.relay.client import FeedPoller
from lever_desktop.relay.commands import file_tokens
from lever_desktop.relay.dispatch import SyncDispatcher
from lever_desktop.store import Store, queries
from lever_desktop.store.candidates import CandidateFilter, candidate_ids
from lever_desktop.sync.engine import SyncEngine


def _deliveries(relay, event: str) -> list[dict]:
    resp = httpx.get(
        relay.feed_url, params={"after": 0, "limit": 1000, "wait": 10}, headers=relay.reader_headers(), timeout=30
    )
    assert resp.status_code == 200, resp.text
    return [i["body"] for i in resp.json()["items"] if i["body"].get("event") == event]


def _world(relay_factory, sandbox_factory, tmp_path):
    """Lever (the sandbox) posting to an upstream relay the attacker can read; the app follows its own
    relay with the real sync engine and cache."""
    upstream, relay = relay_factory(), relay_factory()
    tokens_file = tmp_path / "webhook-tokens.json"
    sandbox = sandbox_factory(
        relay_url=upstream.url,
        relay_ingest_token=upstream.ingest_token,
        webhook_tokens_file=tokens_file,
        opportunities=20,
    )
    store = Store.open()
    client = LeverClient(sandbox.api_key, base_url=sandbox.base_url)
    poller = FeedPoller(
        relay.url, relay.reader_token, store, SyncDispatcher(SyncEngine(client, store), store), file_tokens(tokens_file)
    )
    return upstream, relay, sandbox, store, client, poller


async def test_a_retargeted_candidate_deleted_removes_nothing_and_the_genuine_one_still_counts(
    relay_factory, sandbox_factory, tmp_path
):
    upstream, relay, sandbox, store, client, poller = _world(relay_factory, sandbox_factory, tmp_path)
    try:
        await SyncEngine(client, store).sync_now()
        deleted, bystander = (await store.call(candidate_ids, CandidateFilter()))[:2]
        async with httpx.AsyncClient() as admin:
            assert (await admin.delete(f"{sandbox.admin_url}/opportunities/{deleted}")).status_code == 204
        genuine = _deliveries(upstream, "candidateDeleted")[0]
        retargeted = {**genuine, "data": {**genuine["data"], "opportunityId": bystander, "candidateId": bystander}}
        for body in (retargeted, genuine, genuine):  # the forgery first; then Lever, and Lever's retry
            assert httpx.post(relay.url + "/lever/webhooks", json=body).status_code == 200

        stats = await poller.drain()

        assert await store.call(queries.get_opportunity, bystander) is not None  # Lever still has it
        assert await store.call(queries.get_opportunity, deleted) is None  # Lever's 404 tombstoned it
        assert (stats.accepted, stats.duplicates, stats.failed, dict(stats.rejected)) == (2, 1, 0, {})
        # The next full sync agrees: the bystander was never tombstoned, so nothing keeps it out.
        await SyncEngine(client, store).sync_now(full=True)
        assert await store.call(queries.get_opportunity, bystander) is not None
        assert await store.call(queries.get_opportunity, deleted) is None
    finally:
        await poller.aclose()
        await client.aclose()
        store.close()


async def test_one_captured_delivery_retargeted_many_times_costs_a_few_reads_not_one_per_copy(
    relay_factory, sandbox_factory, tmp_path
):
    """Each forged copy named a fresh id, so each was "new work": 300 copies of one captured delivery
    made 300 reads of Lever (sharing the outbox's rate limit) and left 300 tombstones."""
    upstream, relay, sandbox, store, client, poller = _world(relay_factory, sandbox_factory, tmp_path)

    def tombstones() -> int:
        return store.call_sync(lambda c: c.exec_driver_sql("SELECT COUNT(*) FROM tombstones").scalar_one())

    try:
        await SyncEngine(client, store).sync_now()
        deleted = (await store.call(candidate_ids, CandidateFilter()))[0]
        async with httpx.AsyncClient() as admin:
            assert (await admin.delete(f"{sandbox.admin_url}/opportunities/{deleted}")).status_code == 204
        genuine = _deliveries(upstream, "candidateDeleted")[0]
        forged = [
            {**genuine, "data": {**genuine["data"], "opportunityId": f"forged-{i}", "candidateId": f"forged-{i}"}}
            for i in range(20)
        ]
        with httpx.Client() as h:  # two forgeries got ahead of Lever; then the flood
            for body in [*forged[:2], genuine, *forged[2:]]:
                assert h.post(relay.url + "/lever/webhooks", json=body).status_code == 200
        before, tombstones_before = client.stats.requests, tombstones()

        stats = await poller.drain()

        assert (stats.accepted, dict(stats.rejected)) == (3, {"retargeted": 18})
        assert client.stats.requests - before == 3  # one read per target acted on
        assert tombstones() - tombstones_before == 3
        assert await store.call(queries.get_opportunity, deleted) is None  # the genuine one still counted
    finally:
        await poller.aclose()
        await client.aclose()
        store.close()
