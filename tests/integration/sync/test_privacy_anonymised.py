"""A candidate Lever anonymises is forgotten here too: cache, drafts' text, and the file's bytes.

Against the sandbox over loopback: the candidate is renamed to a name nobody else has, synced,
their drafts received (one approved, not sent), then anonymised through the sandbox's admin API
(Lever's data-protection flow) and synced again.
"""

from __future__ import annotations

import httpx
import pytest
from helpers.review_sandbox import draft_for, fast_client, find_targets, template_named

from lever_desktop.review import approval, drafts, intake
from lever_desktop.review.outbox import Outbox
from lever_desktop.store import Store, cache
from lever_desktop.sync.engine import SyncEngine

NAME = "Zebulon Quixotewright"
SECRETS = ("QUOTE-7f3a he said Zebulon", "RATIONALE-91c2 because Zebulon", "ANSWER-55d0 about Zebulon")


@pytest.fixture
async def lever(sandbox):
    client = fast_client(sandbox.api_key, sandbox.base_url)
    yield client
    await client.aclose()


def _file_bytes(store: Store) -> bytes:
    wal = store.path.with_name(store.path.name + "-wal")
    return store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


async def test_anonymised_candidate_leaves_no_name_email_or_draft_text_in_the_cache_file(sandbox, lever):
    store = Store.open()
    try:
        engine = SyncEngine(lever, store)
        target, other = (await find_targets(lever, 2))[:2]
        assert target.opportunity_id != other.opportunity_id
        every = await template_named(lever, "Every field type")
        with httpx.Client(base_url=sandbox.admin_url) as admin:
            admin.post(f"/opportunities/{target.opportunity_id}/contact", json={"name": NAME}).raise_for_status()
        email = (await lever.get_one(f"/opportunities/{target.opportunity_id}"))["emails"][0]
        assert (await engine.sync_now(full=True)).ok
        assert await engine.refresh_opportunity(target.opportunity_id)  # panels, interviews, feedback cached

        for n, t in enumerate((target, target, other)):
            doc = draft_for(f"d-{n}", t, every)
            if t is target:
                _put_secrets(doc, _textarea(every))
            assert (await intake.receive_draft(store, doc, source="test")).status == "received"
        unsent = await approval.approve(store, "d-0", reviewer="rita")  # approved, not sent yet
        await approval.approve(store, "d-2", reviewer="rita")  # another candidate's: untouched
        await store.checkpoint()
        before = _file_bytes(store)
        for text in (NAME, email, *SECRETS):
            assert text.encode() in before, text  # the test looks for what is really there

        with httpx.Client(base_url=sandbox.admin_url) as admin:
            admin.post(f"/opportunities/{target.opportunity_id}/anonymize").raise_for_status()
        assert (await engine.sync_now()).ok  # incremental: the new updatedAt brings it in

        approved, received, untouched = [await store.call(drafts.get, f"d-{n}") for n in range(3)]
        assert (approved.state, approved.attention_reason) == ("needs_attention", "opportunity_anonymised")
        assert (received.state, received.attention_reason) == ("needs_attention", "opportunity_anonymised")
        assert approved.document["fields"] == [] and approved.values is None and approved.document["purged"]
        assert untouched.state == "approved" and untouched.document["fields"]
        report = await Outbox(store, lever, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20).flush()
        assert report.submitted == ["d-2"]  # the anonymised candidate's approved draft is not sent
        with httpx.Client(base_url=sandbox.admin_url) as admin:
            forms = admin.get(f"/feedback/{target.opportunity_id}").raise_for_status().json()
        assert [f for f in forms if f.get("completedAt") == unsent.body["completedAt"]] == []

        profile = await store.call(cache.get_opportunity, target.opportunity_id)
        assert profile.summary.name is None and profile.summary.email is None and profile.feedback == []
        assert profile.interviews == [] and profile.raw == {
            "id": target.opportunity_id,
            "isAnonymized": True,
            "updatedAt": profile.summary.updated_at,
        }
        # A refresh (a reviewer opening the candidate, a webhook) stores nothing of theirs again.
        assert await engine.refresh_opportunity(target.opportunity_id)
        assert (await store.call(cache.get_opportunity, target.opportunity_id)).interviews == []

        for when in ("as left (database and write-ahead log)", "after a checkpoint"):
            if when == "after a checkpoint":
                await store.checkpoint()
            stored = _file_bytes(store)
            for text in (NAME, email, *SECRETS):
                assert text.encode() not in stored, f"{text!r} found {when}"
            assert other.opportunity_id.encode() in stored  # the rest of the cache is still there
        trail = await store.call(drafts.audit_trail, "d-0")
        assert trail[-1]["event"] == "purged" and "aiValues" not in str(trail)
    finally:
        store.close()


def _textarea(template: dict) -> str:
    return next(f["id"] for f in template["fields"] if f["type"] == "textarea")


def _put_secrets(doc: dict, textarea_id: str) -> None:
    """Evidence, rationale and an answer only this candidate's drafts contain."""
    fields = {f["id"]: f for f in doc["fields"]}
    fields.setdefault(textarea_id, {"id": textarea_id, "confidence": 0.9})["value"] = SECRETS[2]
    for f in fields.values():
        f["evidence"] = [{"quote": SECRETS[0], "atMs": 1000}]
        f["rationale"] = SECRETS[1]
    doc["fields"] = list(fields.values())
