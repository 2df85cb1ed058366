"""Bootstrap and incremental passes against the sandbox over loopback, into a real SQLite file."""

from __future__ import annotations

from sync_support import admin, bootstrap_floor, cached, client_for, consistent, live_ids

from lever_desktop.store import cache
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.events import SyncState


async def test_bootstrap_fills_the_cache_at_the_request_floor(sandbox_factory, store):
    lever = sandbox_factory(opportunities=250)
    events = []
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        engine.subscribe(events.append)
        report = await engine.sync_now()
    assert report.ok, report.error
    assert report.requests == bootstrap_floor(lever)  # one walk per resource, pages of 100, no per-record calls

    want = live_ids(lever)
    assert {r[0] for r in cached(store.path, "SELECT id FROM opportunities")} == want
    assert report.counts["opportunities"] == len(want)
    assert consistent(store.path)
    cat = lever.state.catalog
    assert store.call_sync(lambda c: len(cache.list_users(c, include_deactivated=True))) == len(cat.users)
    assert any(u["deactivatedAt"] for u in cat.users)  # deactivated users are there to be found
    assert {p.id for p in store.call_sync(cache.list_postings)} == {p["id"] for p in cat.postings}
    assert [s["id"] for s in store.call_sync(cache.list_stages)] == [s["id"] for s in cat.stages]
    offered = {t.text for t in store.call_sync(cache.list_templates)}
    assert "No Feedback" not in offered and len(offered) == len(lever.state.templates) - 1
    assert cached(store.path, "SELECT COUNT(*) FROM tombstones") == [(len(lever.state.deleted),)]

    # Progress: per resource, "done" only grows and ends at what was stored; the state returns to online.
    opp_progress = [e.done for e in events if e.kind == "progress" and e.resource == "opportunities"]
    assert opp_progress == sorted(opp_progress) and opp_progress[-1] == len(want)
    states = [e.state for e in events if e.kind == "state"]
    assert states == [SyncState.SYNCING, SyncState.ONLINE] and events[-1].kind == "finished"


async def test_incremental_pass_sees_what_changed_in_lever(sandbox, store):
    async with client_for(sandbox) as client:
        engine = SyncEngine(client, store)
        await engine.sync_now()
        moved, archived, deleted = sorted(live_ids(sandbox))[:3]
        reason = sandbox.state.catalog.archive_reasons[0]["id"]
        offer = sandbox.state.catalog.stages[-1]["id"]
        admin(sandbox, "POST", f"/opportunities/{moved}/stage", {"stage": offer})
        admin(sandbox, "POST", f"/opportunities/{archived}/archive", {"reason": reason})
        admin(sandbox, "DELETE", f"/opportunities/{deleted}")
        report = await engine.sync_now()
    assert report.ok, report.error
    assert report.requests == 7  # one page per resource: the window holds only the recent changes
    assert store.call_sync(cache.get_opportunity, moved).summary.stage_id == offer
    a = store.call_sync(cache.get_opportunity, archived).summary
    assert a.archived_reason_id == reason and a.archived_at is not None
    assert store.call_sync(cache.get_opportunity, deleted) is None
    assert {r[0] for r in cached(store.path, "SELECT id FROM opportunities")} == live_ids(sandbox)
    assert consistent(store.path)


async def test_a_pass_with_no_changes_costs_one_request_per_resource(sandbox, store):
    async with client_for(sandbox) as client:
        engine = SyncEngine(client, store)
        await engine.sync_now()
        report = await engine.sync_now()
        assert report.requests == len(engine.resources)
        # A full pass walks everything again (and the cache is unchanged by it).
        before = cached(store.path, "SELECT id, updated_at, stage_id FROM opportunities ORDER BY id")
        totals = []
        engine.subscribe(lambda e: e.kind == "progress" and e.resource == "opportunities" and totals.append(e.total))
        full = await engine.sync_now(full=True)
    assert full.ok and full.requests == bootstrap_floor(sandbox)
    assert set(totals) == {len(live_ids(sandbox))}  # the last full walk's size: the progress bar's estimate
    assert cached(store.path, "SELECT id, updated_at, stage_id FROM opportunities ORDER BY id") == before


async def test_template_edits_keep_the_old_version(sandbox, store):
    async with client_for(sandbox) as client:
        engine = SyncEngine(client, store)
        await engine.sync_now()
        template_id = next(t.template_id for t in store.call_sync(cache.list_templates))
        old = store.call_sync(cache.current_template, template_id)
        drifted = admin(sandbox, "POST", "/templates/drift", {"templateId": template_id})
        # Within the 1 h TTL the cached version is served without a request...
        assert (await engine.ensure_template(template_id)).version == old.version
        await engine.sync_now()
    new = store.call_sync(cache.current_template, template_id)
    assert new.version != old.version and new.fields == drifted["fields"]
    kept = store.call_sync(cache.template_version, template_id, old.version)
    assert kept.fields == old.fields and not kept.current


async def test_ensure_template_refetches_after_its_ttl(sandbox, store):
    from lever_desktop.sync.clock import ManualClock

    clock = ManualClock(start=2_000_000_000.0)
    async with client_for(sandbox) as client:
        engine = SyncEngine(client, store, clock=clock)
        await engine.sync_now()
        template_id = next(t.template_id for t in store.call_sync(cache.list_templates))
        drifted = admin(sandbox, "POST", "/templates/drift", {"templateId": template_id})
        await clock.advance(3601)
        before = client.stats.requests
        fresh = await engine.ensure_template(template_id)
        assert client.stats.requests == before + 1
    assert fresh.fields == drifted["fields"] and fresh.current


async def test_targeted_refresh_stores_panels_interviews_and_feedback(sandbox, store):
    st = sandbox.state
    row = next(r for r in range(st.opps.count) if st.opps.has_interviews(r) and r not in st.deleted_rows)
    oid = st.opps.id_of(row)
    async with client_for(sandbox) as client:
        engine = SyncEngine(client, store)
        await engine.sync_now()
        assert store.call_sync(cache.get_opportunity, oid).details_synced_at is None
        before = client.stats.requests
        assert await engine.refresh_opportunity(oid)
        assert client.stats.requests - before == 4  # opportunity, panels, interviews, feedback
        detail = store.call_sync(cache.get_opportunity, oid)
        truth = st.details_of(row)
        assert {p["id"] for p in detail.panels} == {p["id"] for p in truth.panels}
        assert {i.id for i in detail.interviews} == {i["id"] for p in truth.panels for i in p["interviews"]}
        assert all(i.interviewers and all(p.email for p in i.interviewers) for i in detail.interviews)
        assert {f.id for f in detail.feedback} == {f["id"] for f in truth.feedback if not f.get("deletedAt")}

        admin(sandbox, "DELETE", f"/opportunities/{oid}")
        assert not await engine.refresh_opportunity(oid)  # 404: forgotten, children too
    assert store.call_sync(cache.get_opportunity, oid) is None
    assert consistent(store.path)


async def test_an_interview_refresh_rereads_panels_and_interviews_only(sandbox, store):
    st = sandbox.state
    row = next(
        r
        for r in range(st.opps.count)
        if st.opps.has_interviews(r)
        and r not in st.deleted_rows
        and any(not f.get("deletedAt") for f in st.details_of(r).feedback)
    )
    oid = st.opps.id_of(row)
    async with client_for(sandbox) as client:
        engine = SyncEngine(client, store)
        await engine.sync_now()
        assert await engine.refresh_opportunity(oid)
        before_detail = store.call_sync(cache.get_opportunity, oid)
        scheduled = admin(sandbox, "POST", "/interviews/schedule", {"opportunityId": oid})  # interviewCreated
        before = client.stats.requests
        assert await engine.refresh_interviews(oid)
        assert client.stats.requests - before == 2  # panels, interviews: not the opportunity, not feedback
        detail = store.call_sync(cache.get_opportunity, oid)
        assert scheduled["panel"]["id"] in {p["id"] for p in detail.panels}
        assert {i["id"] for i in scheduled["panel"]["interviews"]} <= {i.id for i in detail.interviews}
        assert {f.id for f in detail.feedback} == {f.id for f in before_detail.feedback} != set()  # kept
        assert detail.details_synced_at == before_detail.details_synced_at  # feedback was not re-read

        admin(sandbox, "DELETE", f"/opportunities/{oid}")
        assert not await engine.refresh_interviews(oid)  # 404: forgotten
    assert store.call_sync(cache.get_opportunity, oid) is None
    assert consistent(store.path)


async def test_the_nightly_pass_drops_webhook_deliveries_older_than_30_days(sandbox, store):
    day = 86_400_000
    async with client_for(sandbox) as client:
        engine = SyncEngine(client, store)
        now = engine.now_ms()
        for key, age in (("old", 31 * day), ("recent", 29 * day)):
            store.call_sync(lambda c, k=key, a=age: cache.record_webhook_delivery(c, k, "{}", "accepted", now - a))
        await engine.sync_now()
    assert cached(store.path, "SELECT dedup_key FROM webhook_deliveries") == [("recent",)]


async def test_a_contact_update_refreshes_each_of_its_opportunities(sandbox, store):
    async with client_for(sandbox) as client:
        engine = SyncEngine(client, store)
        await engine.sync_now()
        oid = sorted(live_ids(sandbox))[0]
        contact = store.call_sync(cache.get_opportunity, oid).raw["contact"]
        before = client.stats.requests
        assert await engine.refresh_contact(contact) == 1
        assert client.stats.requests - before == 4
        assert await engine.refresh_contact("no-such-contact") == 0
    assert store.call_sync(cache.get_opportunity, oid).details_synced_at is not None
