"""Intake and approval against a real SQLite store seeded like a sync leaves it (offline)."""

from __future__ import annotations

import copy

import pytest
from helpers.review_seed import TEMPLATE, VALUES, draft_doc, put_template

from lever_desktop.review import approval, drafts, intake, queue
from lever_desktop.review.approval import ApprovalError
from lever_desktop.review.lifecycle import DraftState


def _codes(flags):
    return sorted({f["code"] for f in flags})


async def test_clean_draft_is_received_linked_and_unflagged(store):
    r = await intake.receive_draft(store, draft_doc(), source="file")
    assert (r.status, r.flags) == ("received", [])
    rec = await store.call(drafts.get, "d-1")
    assert (rec.state, rec.template_version, rec.panel_id) == ("received", "v1", "pan-1")
    trail = await store.call(drafts.audit_trail, "d-1")
    assert [e["event"] for e in trail] == ["received"]


async def test_same_draft_twice_is_stored_once(store):
    assert (await intake.receive_draft(store, draft_doc(), source="relay")).status == "received"
    assert (await intake.receive_draft(store, draft_doc(), source="relay")).status == "duplicate"
    assert len(await store.call(drafts.list_drafts)) == 1


async def test_invalid_document_is_refused_with_reasons(store):
    r = await intake.receive_draft(store, {"schema": "x", "draftId": "bad"}, source="file")
    assert r.status == "invalid" and any("schema must be" in p for p in r.problems)
    assert await store.call(drafts.list_drafts) == []


async def test_what_does_not_fit_is_flagged_not_refused(store):
    doc = draft_doc(
        "d-2",
        opportunityId="opp-unknown",
        interviewId="int-unknown",
        panelId=None,
        interviewerEmail="nobody@example.com",
        fields=[{"id": "f-overall", "value": "3 - hire", "confidence": 0.3}, {"id": "f-gone", "value": "x"}],
    )
    r = await intake.receive_draft(store, doc, source="file")
    assert r.status == "received"
    assert _codes(r.flags) == [
        "invalid_value",
        "low_confidence",
        "template_drift",
        "unknown_interview",
        "unknown_interviewer",
        "unknown_opportunity",
    ]


async def test_unknown_template_and_interviewer_not_on_panel(store):
    r = await intake.receive_draft(store, draft_doc("d-3", templateId="tpl-x", interviewerEmail="cy@example.com"))
    assert _codes(r.flags) == ["not_on_panel", "unknown_template"]


async def test_interview_alone_gets_its_panel_from_the_cache(store):
    await intake.receive_draft(store, draft_doc("d-4", panelId=None))
    assert (await store.call(drafts.get, "d-4")).panel_id == "pan-1"


async def test_approval_queues_exact_body_and_audits_ai_vs_approved(store):
    await intake.receive_draft(store, draft_doc())
    edited = dict(VALUES, **{"f-overall": "4 - Strong Hire"})
    a = await approval.approve(store, "d-1", reviewer="rita@example.com", values=edited, now=1_000)
    assert a.author.user_id == "u-ana" and "the interviewer" in a.to_json()["authoredAs"]
    assert a.params == {"perform_as": "u-ana"} and a.path == "/opportunities/opp-1/feedback"
    assert a.body["baseTemplateId"] == "tpl-every" and a.body["completedAt"] == 1_000
    assert (a.body["panel"], a.body["interview"]) == ("pan-1", "int-1")
    wire = {f["id"]: f["value"] for f in a.body["fieldValues"]}
    assert wire == edited
    [entry] = await store.call(queue.entries, [DraftState.APPROVED])
    assert entry.body == a.body and entry.perform_as == "u-ana"
    approved = (await store.call(drafts.audit_trail, "d-1"))[-1]
    assert approved["actor"] == "rita@example.com" and approved["detail"]["changed"] == ["f-overall"]
    assert approved["detail"]["aiValues"]["f-overall"] == "3 - Hire"


async def test_two_approvals_for_one_author_never_share_completed_at(store):
    await intake.receive_draft(store, draft_doc("d-a"))
    await intake.receive_draft(store, draft_doc("d-b"))
    a = await approval.approve(store, "d-a", reviewer="r", now=5_000)
    b = await approval.approve(store, "d-b", reviewer="r", now=5_000)
    assert a.body["completedAt"] != b.body["completedAt"]


async def test_invalid_values_block_approval(store):
    await intake.receive_draft(store, draft_doc(fields=[{"id": "f-overall", "value": "5 - Amazing"}]))
    with pytest.raises(ApprovalError) as e:
        await approval.approve(store, "d-1", reviewer="r")
    assert e.value.code == "invalid_values" and e.value.problems
    assert (await store.call(drafts.get, "d-1")).state == "received"
    assert await store.call(queue.entries, [DraftState.APPROVED]) == []


async def test_unresolved_author_needs_attention(store):
    await intake.receive_draft(store, draft_doc(interviewerEmail="bob@example.com"))
    with pytest.raises(ApprovalError) as e:
        await approval.approve(store, "d-1", reviewer="r")
    assert e.value.code == "interviewer_deactivated"
    rec = await store.call(drafts.get, "d-1")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "author_unresolved")
    # The reviewer picks another author explicitly; the audit records it.
    a = await approval.approve(store, "d-1", reviewer="r", chosen_email="cy@example.com")
    assert (a.author.via, a.author.user_id) == ("chosen", "u-cy") and a.warnings


async def test_service_account_only_when_confirmed(store):
    await intake.receive_draft(store, draft_doc())
    with pytest.raises(ApprovalError) as e:
        await approval.approve(
            store, "d-1", reviewer="r", chosen_email="bot@example.com", service_account_email="bot@example.com"
        )
    assert e.value.code == "service_account_unconfirmed"
    a = await approval.approve(
        store,
        "d-1",
        reviewer="r",
        chosen_email="bot@example.com",
        service_account_email="bot@example.com",
        confirm_service_account=True,
    )
    assert a.author.via == "service_account"
    trail = await store.call(drafts.audit_trail, "d-1")
    assert trail[-1]["detail"]["author"]["via"] == "service_account"


async def test_template_changed_since_review_sends_draft_back(store):
    await intake.receive_draft(store, draft_doc())
    changed = copy.deepcopy(TEMPLATE)
    changed["fields"].append({"id": "f-new", "type": "text", "text": "New question", "required": True})
    await store.call(put_template, changed, "v2")
    with pytest.raises(ApprovalError) as e:
        await approval.approve(store, "d-1", reviewer="r")
    assert e.value.code == "template_changed"
    rec = await store.call(drafts.get, "d-1")
    assert (rec.state, rec.attention_reason, rec.template_version) == ("needs_attention", "template_changed", "v2")


async def test_submitted_drafts_cannot_be_approved_again(store):
    await intake.receive_draft(store, draft_doc())
    await approval.approve(store, "d-1", reviewer="r")
    with pytest.raises(ApprovalError) as e:
        await approval.approve(store, "d-1", reviewer="r")
    assert e.value.code == "state"
