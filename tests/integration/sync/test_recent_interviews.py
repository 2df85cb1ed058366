"""The recent-interviews pass against the sandbox: what it reads, what it costs, what it keeps current."""

from __future__ import annotations

import asyncio
import random

import pytest
from helpers.due_support import happened
from sync_support import admin, client_for, set_faults

from lever_desktop.lever import paths
from lever_desktop.review import due
from lever_desktop.sandbox.drafts import sample_value
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.recent_interviews import (
    DETAILS_MAX_AGE_MS,
    RecentInterviews,
    stale_opportunities,
)


def open_slots(store, engine) -> list[due.DueRow]:
    return store.call_sync(lambda c: due.feedback_due(c, engine.now_ms()))


async def test_bootstrap_reads_recent_active_opportunities_only_then_costs_nothing(sandbox_factory, store):
    lever = sandbox_factory(opportunities=400)
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        assert (await engine.sync_now()).ok
        assert store.call_sync(stale_opportunities, engine.now_ms(), 30, DETAILS_MAX_AGE_MS) == []  # all long ago
        just_now = happened(lever, 5)
        assert (await engine.sync_now()).ok  # the incremental walk sees their activity
        recent = store.call_sync(stale_opportunities, engine.now_ms(), 30, DETAILS_MAX_AGE_MS)
        assert sorted(recent) == sorted(just_now)  # the window, not the account
        recent_interviews = RecentInterviews(engine)
        first = await recent_interviews.run()
        assert first.details_read == len(recent) and not first.failed
        assert first.requests == 3 * len(recent)  # panels, interviews, feedback: one page each
        slots = open_slots(store, engine)
        # Each interview that just happened waits for a form from each of its interviewers.
        assert {r.interview_id for r in slots} == {i for ids in just_now.values() for i in ids}
        assert all(not r.overdue for r in slots)  # Lever's first reminder is hours away
        # Every row is a form Lever really lacks: that interviewer wrote none for that interview.
        for row in slots:
            forms = admin(lever, "GET", f"/feedback/{row.opportunity_id}")
            assert not [f for f in forms if f["interview"] == row.interview_id and f["user"] == row.interviewer_id]
        again = await recent_interviews.run()  # nothing stale, every waiting form read just now
        assert again.requests == 0 and again.details_read == again.feedback_read == 0


async def test_a_form_written_in_lever_clears_its_row_at_the_next_feedback_read(sandbox_factory, store):
    lever = sandbox_factory(opportunities=400)
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        happened(lever, 3)
        assert (await engine.sync_now()).ok
        recent_interviews = RecentInterviews(engine, feedback_max_age_ms=0)
        await recent_interviews.run()
        slots = open_slots(store, engine)
        target = slots[0]
        template = await engine.ensure_template(target.template_id)
        rng = random.Random(0)
        values = [{"id": f["id"], "value": sample_value(f, rng, engine.now_ms())} for f in template.fields]
        body = {
            "baseTemplateId": target.template_id,
            "panel": target.panel_id,
            "interview": target.interview_id,
            "completedAt": engine.now_ms(),
            "fieldValues": values,
        }
        await client.post(paths.feedback(target.opportunity_id), body, {"perform_as": target.interviewer_id})
        waiting = {r.opportunity_id for r in slots}
        report = await recent_interviews.run()
        assert report.details_read == 0 and report.feedback_read == len(waiting)
        assert report.requests == len(waiting)  # one /feedback read per opportunity still waiting
        assert target.key not in {r.key for r in open_slots(store, engine)}
        assert len(open_slots(store, engine)) == len(slots) - 1


async def test_cancelling_the_caller_stops_the_pass_so_quitting_leaves_nothing_reading(sandbox_factory, store):
    lever = sandbox_factory(opportunities=400)
    async with client_for(lever) as client:
        engine = SyncEngine(client, store)
        assert (await engine.sync_now()).ok
        happened(lever, 3)
        assert (await engine.sync_now()).ok
        set_faults(lever, "latency=30,path=*/panels")  # the pass hangs on its first read
        reading, read = asyncio.Event(), engine.refresh_details

        async def refresh_details(opportunity_id):
            reading.set()
            return await read(opportunity_id)

        engine.refresh_details = refresh_details
        recent_interviews = RecentInterviews(engine)
        before = client.stats.requests
        caller = asyncio.create_task(recent_interviews.run())
        await reading.wait()
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        assert (
            recent_interviews.running is not None and recent_interviews.running.cancelled()
        )  # not left reading on behind the caller
        assert client.stats.requests - before <= recent_interviews.parallel
