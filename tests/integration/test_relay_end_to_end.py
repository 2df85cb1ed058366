"""Sandbox (Lever) -> relay process -> app poller, all on loopback, with the real sync engine and cache."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from lever_desktop.lever.client import LeverClient
from lever_desktop.relay.client import FeedPoller
from lever_desktop.relay.commands import file_tokens
from lever_desktop.relay.dispatch import SyncDispatcher
from lever_desktop.review import drafts
from lever_desktop.store import Store, queries
from lever_desktop.store.candidates import CandidateFilter, candidate_ids
from lever_desktop.sync.engine import SyncEngine


@pytest.fixture
async def app_stack(relay, sandbox_factory, tmp_path):
    """A synced cache and a running poller, fed by a sandbox that delivers to the relay."""
    tokens_file = tmp_path / "webhook-tokens.json"
    sandbox = sandbox_factory(
        relay_url=relay.url, relay_ingest_token=relay.ingest_token, webhook_tokens_file=tokens_file, opportunities=20
    )
    store = Store.open()
    client = LeverClient(sandbox.api_key, base_url=sandbox.base_url)
    engine = SyncEngine(client, store)
    await engine.sync_now()
    poller = FeedPoller(
        relay.url, relay.reader_token, store, SyncDispatcher(engine, store), file_tokens(tokens_file), wait=10
    )
    task = asyncio.create_task(poller.run())
    try:
        yield sandbox, store, client, poller
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await poller.aclose()
        await client.aclose()
        store.close()


async def _eventually(poller: FeedPoller, check, timeout: float = 10.0):
    """Re-check the cache after each batch the poller commits, until ``check()`` is truthy."""
    processed = asyncio.Event()
    stop = poller.on_processed(lambda _batch: processed.set())
    try:
        async with asyncio.timeout(timeout):
            while not (result := await check()):
                await processed.wait()
                processed.clear()
        return result
    finally:
        stop()


async def test_a_stage_change_in_lever_reaches_the_cache_within_seconds(app_stack):
    sandbox, store, client, poller = app_stack
    opp = (await store.call(queries.get_opportunity, (await store.call(candidate_ids, CandidateFilter()))[0])).summary
    stages = await store.call(queries.list_stages)
    target = next(s["id"] for s in stages if s["id"] != opp.stage_id)

    started = time.monotonic()
    await client.put(f"/opportunities/{opp.id}/stage", json={"stage": target})

    async def moved():
        detail = await store.call(queries.get_opportunity, opp.id)
        return detail is not None and detail.summary.stage_id == target

    await _eventually(poller, moved)
    assert time.monotonic() - started < 5.0
    assert poller.stats.accepted >= 1 and not poller.stats.rejected


async def test_a_completed_interview_yields_a_draft_in_review(app_stack):
    sandbox, store, client, poller = app_stack
    async with httpx.AsyncClient() as admin:
        resp = await admin.post(sandbox.admin_url + "/interviews/complete", json={"flaw": None})
        assert resp.status_code == 200, resp.text
        draft_id = resp.json()["draft"]["draftId"]

    async def in_review():
        return await store.call(drafts.get, draft_id)

    record = await _eventually(poller, in_review)
    assert record.source == "relay"
    assert poller.stats.drafts["received"] == 1


async def test_a_renamed_contact_reaches_every_cached_opportunity_of_that_contact(app_stack):
    """contactUpdated names only the contact: the app finds its opportunities and re-reads them."""
    sandbox, store, client, poller = app_stack
    opp = (await store.call(queries.get_opportunity, (await store.call(candidate_ids, CandidateFilter()))[0])).summary
    async with httpx.AsyncClient() as admin:
        resp = await admin.post(
            f"{sandbox.admin_url}/opportunities/{opp.id}/contact", json={"name": "Ada Lovelace-Byron"}
        )
        assert resp.status_code == 204, resp.text
        refused = await admin.post(f"{sandbox.admin_url}/opportunities/{opp.id}/contact", json={"name": " "})
        assert refused.status_code == 400

    async def renamed():
        detail = await store.call(queries.get_opportunity, opp.id)
        return detail is not None and detail.summary.name == "Ada Lovelace-Byron"

    await _eventually(poller, renamed)
    assert poller.stats.accepted >= 1 and not poller.stats.rejected
    assert (await store.call(queries.get_opportunity, opp.id)).summary.email == opp.email  # address kept


async def test_a_new_applicant_in_lever_appears_in_the_cache(app_stack):
    sandbox, store, client, poller = app_stack
    async with httpx.AsyncClient() as admin:
        resp = await admin.post(f"{sandbox.admin_url}/applications", json={"name": "Grace Brewster Hopper"})
        assert resp.status_code == 201, resp.text
        new_id = resp.json()["opportunityId"]
        bad = await admin.post(f"{sandbox.admin_url}/applications", json={"postingId": "no-such-posting"})
        assert bad.status_code == 400
    assert await store.call(queries.get_opportunity, new_id) is None

    async def cached():
        return await store.call(queries.get_opportunity, new_id)

    detail = await _eventually(poller, cached)
    assert detail.summary.name == "Grace Brewster Hopper" and not poller.stats.rejected
    # Lever's own list shows the applicant too, newest last, and nothing else moved.
    listed = [o async for o in client.paginate("/opportunities", {"limit": 100})]
    assert listed[-1]["id"] == new_id and listed[-1]["stage"]


async def test_interviews_scheduled_and_deleted_in_lever_follow_in_the_cache(app_stack):
    sandbox, store, client, poller = app_stack
    async with httpx.AsyncClient(base_url=sandbox.admin_url) as admin:
        resp = await admin.post("/interviews/schedule", json={})
        assert resp.status_code == 200, resp.text
        opportunity_id, panel = resp.json()["opportunityId"], resp.json()["panel"]
        ids = {i["id"] for i in panel["interviews"]}

        async def cached_interviews() -> set[str]:
            detail = await store.call(queries.get_opportunity, opportunity_id)
            return {i.id for i in detail.interviews} if detail else set()

        await _eventually(poller, lambda: _has(cached_interviews, ids))
        for interview_id in ids:
            gone = await admin.delete(f"/opportunities/{opportunity_id}/interviews/{interview_id}")
            assert gone.status_code == 204, gone.text
        missing = await admin.delete(f"/opportunities/{opportunity_id}/interviews/no-such-interview")
        assert missing.status_code == 404

    async def all_gone() -> bool:
        return not (await cached_interviews()) & ids

    await _eventually(poller, all_gone)
    assert not poller.stats.rejected


async def _has(get, wanted: set[str]) -> bool:
    return wanted <= await get()
