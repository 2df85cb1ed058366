"""Submitted drafts keep their text for the retention period, then the nightly pass purges it.

The engine's clock is injected (``ManualClock``) so "90 days later" is a tick, while the drafts
are submitted for real to the sandbox over loopback.
"""

from __future__ import annotations

import time

import pytest
from helpers.review_sandbox import draft_for, fast_client, find_targets, template_named

from lever_desktop.review import approval, drafts, intake, queue
from lever_desktop.review.outbox import Outbox
from lever_desktop.store import Store
from lever_desktop.sync.clock import ManualClock
from lever_desktop.sync.engine import SyncEngine

DAY = 86_400.0
QUOTE = "RETAINED-QUOTE-4e1b she walked us through it"


@pytest.fixture
async def lever(sandbox):
    client = fast_client(sandbox.api_key, sandbox.base_url)
    yield client
    await client.aclose()


async def test_the_nightly_pass_purges_submitted_drafts_older_than_the_retention(sandbox, lever):
    store = Store.open()
    try:
        target, other = (await find_targets(lever, 2))[:2]
        every = await template_named(lever, "Every field type")
        clock = ManualClock(start=time.time())
        engine = SyncEngine(lever, store, clock=clock, retention_days=30)
        assert (await engine.sync_now(full=True)).ok
        for draft_id, t in (("d-sent", target), ("d-waiting", other)):
            doc = draft_for(draft_id, t, every)
            for f in doc["fields"]:
                f["evidence"] = [{"quote": QUOTE, "atMs": 1000}]
            assert (await intake.receive_draft(store, doc, source="test")).status == "received"
        await approval.approve(store, "d-sent", reviewer="rita")
        report = await Outbox(store, lever, engine, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20).flush()
        assert report.submitted == ["d-sent"]

        await clock.advance(29 * DAY)
        assert (await engine.sync_now()).ok
        assert (await store.call(drafts.get, "d-sent")).document["fields"]  # still within 30 days

        await clock.advance(2 * DAY)
        assert (await engine.sync_now()).ok
        sent, waiting = await store.call(drafts.get, "d-sent"), await store.call(drafts.get, "d-waiting")
        assert sent.document["fields"] == [] and sent.document["purged"]["why"] == "retention"
        assert sent.values is None and QUOTE not in str(await store.call(drafts.audit_trail, "d-sent"))
        assert sent.state == "submitted" and sent.lever_feedback_id  # ids and states stay
        assert waiting.state == "received" and waiting.document["fields"]  # only submitted drafts age out
        [entry] = await store.call(queue.entries, ["submitted"])
        assert entry.body["fieldValues"] == [] and entry.body["completedAt"]
        # The row stays, so the pipeline delivering the same draft again cannot submit it twice.
        again = await intake.receive_draft(store, draft_for("d-sent", target, every), source="relay")
        assert again.status == "duplicate"
    finally:
        store.close()
