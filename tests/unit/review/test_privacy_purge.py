"""An anonymised candidate's drafts lose their text but keep what exactly-once needs (real SQLite file)."""

from __future__ import annotations

import json

import pytest
from helpers.review_seed import NOW, VALUES, draft_doc

from lever_desktop.review import approval, drafts, intake, queue
from lever_desktop.review.approval import ApprovalError
from lever_desktop.store import cache

ANONYMISED = {"id": "opp-1", "name": "Anonymized candidate", "emails": [], "isAnonymized": True, "updatedAt": NOW + 1}


def _doc(draft_id: str) -> dict:
    doc = draft_doc(draft_id)
    for f in doc["fields"]:
        f["evidence"] = [{"quote": "Grace said she led the migration", "atMs": 1000}]
        f["rationale"] = "Grace explained it well"
    return doc


@pytest.fixture
async def four_drafts(store):
    """d-1 received, d-2 approved (not sent), d-3 in flight (submitting), d-4 submitted."""
    for n in range(1, 5):
        assert (await intake.receive_draft(store, _doc(f"d-{n}"), source="file")).status == "received"
    for n in range(2, 5):
        await approval.approve(store, f"d-{n}", reviewer="rita", now=NOW + n)
    for n in (3, 4):
        assert await store.call(queue.claim, f"d-{n}", NOW + 10)
    await store.call(queue.record_submitted, "d-4", "fb-4", {"leverFeedbackId": "fb-4"})
    return store


def _purge(conn):
    return cache.upsert_opportunities(conn, [ANONYMISED], NOW + 2)


def _everything_stored(conn) -> str:
    tables = ("opportunities", "panels", "interviews", "feedback", "drafts", "draft_audit", "outbox")
    return json.dumps([[list(r) for r in conn.exec_driver_sql(f"SELECT * FROM {t}")] for t in tables], default=str)


async def test_an_anonymised_page_strips_the_candidate_and_every_draft_text_keeping_ids_and_states(four_drafts):
    store = four_drafts
    assert "Grace" in await store.call(_everything_stored)
    await store.call(_purge)

    stored = await store.call(_everything_stored)
    for text in ("Grace", "Anonymized candidate", VALUES["f-text"], VALUES["f-area"], "owns it"):
        assert text not in stored, text
    got = {n: await store.call(drafts.get, f"d-{n}") for n in range(1, 5)}
    assert {n: (r.state, r.attention_reason) for n, r in got.items()} == {
        1: ("needs_attention", "opportunity_anonymised"),
        2: ("needs_attention", "opportunity_anonymised"),
        3: ("submitting", None),
        4: ("submitted", None),
    }
    assert all(
        r.document["fields"] == [] and r.values is None and r.document["purged"]["why"] == "anonymised"
        for r in got.values()
    )
    assert got[4].lever_feedback_id == "fb-4" and got[3].author["user_id"] == "u-ana"
    # The entry in flight can still be recognised in Lever: template, panel/interview, completedAt, author.
    [entry] = await store.call(queue.entries, ["submitting"])
    assert entry.body == {
        "baseTemplateId": "tpl-every",
        "panel": "pan-1",
        "interview": "int-1",
        "completedAt": NOW + 3,
        "fieldValues": [],
    }
    assert entry.perform_as == "u-ana"
    detail = await store.call(cache.get_opportunity, "opp-1")
    assert (detail.summary.name, detail.panels, detail.interviews) == (None, [], [])


async def test_a_draft_in_flight_then_proved_not_stored_is_never_sent(four_drafts):
    store = four_drafts
    await store.call(_purge)
    await store.call(queue.release, "d-3", 0, "not stored", "not_stored")  # what reconciliation does
    assert not await store.call(queue.claim, "d-3", NOW + 20)
    rec = await store.call(drafts.get, "d-3")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "opportunity_anonymised")
    assert await store.call(queue.entries, ["approved", "submitting"]) == []


async def test_a_purged_draft_cannot_be_approved_again(four_drafts):
    store = four_drafts
    await store.call(_purge)
    with pytest.raises(ApprovalError, match="anonymised in Lever") as e:
        await approval.approve(store, "d-1", reviewer="rita", values=VALUES)
    assert e.value.code == "anonymised"


async def test_panels_interviews_and_feedback_of_an_anonymised_candidate_are_not_stored_again(store):
    await store.call(_purge)

    def refresh(conn):
        return cache.replace_opportunity_details(
            conn,
            "opp-1",
            [{"id": "pan-9", "interviews": [{"id": "int-9", "subject": "Screen with Grace"}]}],
            [],
            [{"id": "fb-9", "text": "Grace: strong"}],
            NOW + 3,
        )

    assert await store.call(refresh)
    assert "Grace" not in await store.call(_everything_stored)


async def test_a_stale_page_does_not_bring_the_name_back(store):
    await store.call(_purge)
    stale = {"id": "opp-1", "name": "Grace Candidate", "emails": ["grace@example.org"], "updatedAt": NOW - 5}
    await store.call(cache.upsert_opportunities, [stale], NOW + 3)
    assert "Grace" not in await store.call(_everything_stored)


async def test_a_draft_arriving_after_the_purge_is_purged_instead_of_approved_or_sent(store):
    await store.call(_purge)
    assert (await intake.receive_draft(store, _doc("d-late"), source="relay")).status == "received"
    with pytest.raises(ApprovalError, match="anonymised in Lever"):
        await approval.approve(store, "d-late", reviewer="rita", values=VALUES)
    rec = await store.call(drafts.get, "d-late")
    assert (rec.state, rec.attention_reason, rec.document["fields"]) == (
        "needs_attention",
        "opportunity_anonymised",
        [],
    )
    assert "Grace" not in await store.call(_everything_stored)


async def test_the_activity_log_forgets_the_lines_naming_an_anonymised_candidate(store):
    from lever_desktop.store import activity

    for text in (
        "submitted Phone screen for Grace Candidate to Lever",
        "Lever rejected Onsite for GRACE CANDIDATE",
        "opp-1: This candidate no longer exists in Lever",
        "sync: 3 opportunities updated",
    ):
        await store.call(activity.record, NOW, "outbox", text)
    await store.call(_purge)

    kept = [line.text for line in await store.call(activity.recent, 100)]
    assert kept == ["sync: 3 opportunities updated"]
    assert "Grace" not in await store.call(
        lambda c: json.dumps([list(r) for r in c.exec_driver_sql("SELECT * FROM activity")])
    )
