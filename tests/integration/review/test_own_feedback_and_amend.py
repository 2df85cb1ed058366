"""Never over the interviewer's own feedback; amend (PUT) and withdraw (DELETE) submitted forms.

Against the sandbox over loopback, through the real client, store and outbox.
"""

from __future__ import annotations

import pytest
from helpers.review_sandbox import draft_for, prime_cache

from lever_desktop.review import amend, approval, drafts, intake, lists
from lever_desktop.review.outbox import Outbox
from lever_desktop.sandbox.faults import parse_spec


def _outbox(store, client) -> Outbox:
    return Outbox(store, client, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20)


async def _forms(client, opportunity_id, *, deleted=False):
    return [
        f
        async for f in client.paginate(f"/opportunities/{opportunity_id}/feedback")
        if deleted or not f.get("deletedAt")
    ]


async def _their_own_form(client, target, template) -> dict:
    """The interviewer fills in the form in Lever themselves."""
    doc = draft_for("their-own", target, template, seed=9)
    body = {
        "baseTemplateId": template["id"],
        "panel": target.panel_id,
        "interview": target.interview_id,
        "completedAt": doc["createdAt"],
        "fieldValues": [{"id": f["id"], "value": f["value"]} for f in doc["fields"]],
    }
    return await client.post(
        f"/opportunities/{target.opportunity_id}/feedback", json=body, params={"perform_as": target.interviewer["id"]}
    )


async def _received(store, doc):
    r = await intake.receive_draft(store, doc, source="test")
    assert r.status == "received", r


async def _submitted(store, lever, doc) -> drafts.DraftRecord:
    await _received(store, doc)
    await approval.approve(store, doc["draftId"], reviewer="rita")
    assert (await _outbox(store, lever).flush()).submitted == [doc["draftId"]]
    return await store.call(drafts.get, doc["draftId"])


def _events(trail):
    return [e["event"] for e in trail]


# -- 1. the interviewer's own feedback ------------------------------------------------------------


async def test_approval_refuses_a_second_form_unless_the_reviewer_chooses_it(world, lever):
    store, targets, every = world
    t = targets[0]
    theirs = await _their_own_form(lever, t, every)
    await prime_cache(lever, store, [t.opportunity_id])  # a sync saw it
    await _received(store, draft_for("d-second", t, every))
    with pytest.raises(approval.ApprovalError) as e:
        await approval.approve(store, "d-second", reviewer="rita")
    name = t.interviewer["name"]
    assert e.value.code == "own_feedback_exists"
    assert f"{name} submitted feedback for this interview just now" in str(e.value)
    assert (await store.call(drafts.get, "d-second")).state == "received"  # nothing queued

    await approval.approve(store, "d-second", reviewer="rita", add_second_form=True)
    [choice] = [e for e in await store.call(drafts.audit_trail, "d-second") if e["event"] == "approved"]
    assert choice["actor"] == "rita" and choice["detail"]["addSecondForm"] is True
    assert [f["feedbackId"] for f in choice["detail"]["ownFeedback"]] == [theirs["id"]]
    before = len(await _forms(lever, t.opportunity_id))
    # The pre-send read finds their form, but it was known and accepted at approval: sent.
    assert (await _outbox(store, lever).flush()).submitted == ["d-second"]
    assert len(await _forms(lever, t.opportunity_id)) == before + 1


async def test_a_form_written_in_lever_after_approval_stops_the_post(world, lever):
    store, targets, every = world
    t = targets[1]
    await _received(store, draft_for("d-late", t, every))
    await approval.approve(store, "d-late", reviewer="rita")  # nothing of theirs in Lever yet
    theirs = await _their_own_form(lever, t, every)  # ...then the interviewer writes it in Lever
    before = len(await _forms(lever, t.opportunity_id))
    report = await _outbox(store, lever).flush()
    assert report.own_feedback == ["d-late"] and report.submitted == []
    assert len(await _forms(lever, t.opportunity_id)) == before  # not sent
    rec = await store.call(drafts.get, "d-late")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "own_feedback_exists")
    last = (await store.call(drafts.audit_trail, "d-late"))[-1]
    assert last["actor"] == "outbox" and last["detail"]["ownFeedback"][0]["feedbackId"] == theirs["id"]
    assert f"{t.interviewer['name']} submitted feedback for this interview" in last["detail"]["message"]
    # The reviewer reads theirs and still wants this one next to it: an explicit second approval.
    await prime_cache(lever, store, [t.opportunity_id])
    await approval.approve(store, "d-late", reviewer="rita", add_second_form=True)
    assert (await _outbox(store, lever).flush()).submitted == ["d-late"]


async def test_an_earlier_attempt_found_before_sending_is_recorded_not_sent_again(world, lever):
    store, targets, every = world
    t = targets[2]
    await _received(store, draft_for("d-landed", t, every))
    a = await approval.approve(store, "d-landed", reviewer="rita")
    # An attempt whose answer was lost landed after a read had said "not stored".
    landed = await lever.post(a.path, json=a.body, params=a.params)
    before = len(await _forms(lever, t.opportunity_id))
    report = await _outbox(store, lever).flush()
    assert report.reconciled == ["d-landed"] and report.own_feedback == [] and report.submitted == []
    assert len(await _forms(lever, t.opportunity_id)) == before
    assert (await store.call(drafts.get, "d-landed")).lever_feedback_id == landed["id"]


# -- 2. amend -------------------------------------------------------------------------------------


def _text_field(every):
    return next(f for f in every["fields"] if f["type"] == "textarea")


async def test_amend_puts_the_edit_on_the_same_form(world, lever):
    store, targets, every = world
    t = targets[0]
    rec = await _submitted(store, lever, draft_for("d-amend", t, every))
    before = len(await _forms(lever, t.opportunity_id))
    field = _text_field(every)
    await amend.reopen(store, "d-amend", reviewer="rita", values={field["id"]: "Amended: strong on design."})
    assert (await store.call(drafts.get, "d-amend")).state == "amending"
    a = await approval.approve(store, "d-amend", reviewer="rita")
    assert (a.method, a.path) == ("PUT", f"/opportunities/{t.opportunity_id}/feedback/{rec.lever_feedback_id}")
    assert a.params == {"perform_as": t.interviewer["id"]}
    assert (await store.call(lists.counts))["outbox"] == 1  # the window's "Outbox (1 pending)"
    report = await _outbox(store, lever).flush()
    assert report.amended == ["d-amend"] and report.readback_differences == {}
    [form] = [f for f in await _forms(lever, t.opportunity_id) if f["id"] == rec.lever_feedback_id]
    assert {f["id"]: f["value"] for f in form["fields"]}[field["id"]] == "Amended: strong on design."
    assert len(await _forms(lever, t.opportunity_id)) == before  # the same form, not a new one
    after = await store.call(drafts.get, "d-amend")
    assert (after.state, after.lever_feedback_id) == ("submitted", rec.lever_feedback_id)
    trail = await store.call(drafts.audit_trail, "d-amend")
    assert _events(trail)[-5:] == ["amend_reopened", "amend_approved", "amend_sending", "amended", "read_back"]
    assert trail[-4]["detail"]["changed"] == [field["id"]] and trail[-4]["actor"] == "rita"


async def test_a_cancelled_amendment_sends_nothing_and_shows_what_lever_holds(world, sandbox, lever):
    store, targets, every = world
    rec = await _submitted(store, lever, draft_for("d-cancel", targets[3], every))
    field = _text_field(every)
    sent = rec.current_values()
    await amend.reopen(store, "d-cancel", reviewer="rita", values={field["id"]: "Second thoughts."})
    await amend.cancel(store, "d-cancel", reviewer="rita")
    after = await store.call(drafts.get, "d-cancel")
    assert after.state == "submitted" and after.current_values() == sent
    report = await _outbox(store, lever).flush()
    assert report.amended == [] and not any(k.startswith("PUT") for k in sandbox.state.requests)
    last = (await store.call(drafts.audit_trail, "d-cancel"))[-1]
    assert last["event"] == "amend_cancelled" and last["detail"]["discardedValues"][field["id"]] == "Second thoughts."


async def test_an_unsure_amendment_is_re_read_then_recorded(world, sandbox, lever):
    store, targets, every = world
    t = targets[1]
    rec = await _submitted(store, lever, draft_for("d-amb-put", t, every))
    field = _text_field(every)
    await amend.reopen(store, "d-amb-put", reviewer="rita", values={field["id"]: "Edited once."})
    await approval.approve(store, "d-amb-put", reviewer="rita")
    sandbox.faults.replace(parse_spec("drop-after,method=PUT,path=*/feedback/*,count=1"))  # applied, answer lost
    box = _outbox(store, lever)
    first = await box.flush()
    assert first.retrying == ["d-amb-put"] and (await store.call(drafts.get, "d-amb-put")).state == "amend_queued"
    report = await box.drain(deadline_s=30)
    assert report.amended == ["d-amb-put"]
    amended = [e for e in await store.call(drafts.audit_trail, "d-amb-put") if e["event"] == "amended"]
    assert amended[0]["detail"]["reconciled"] is True  # found by the re-read: not sent twice
    [form] = [f for f in await _forms(lever, t.opportunity_id) if f["id"] == rec.lever_feedback_id]
    assert {f["id"]: f["value"] for f in form["fields"]}[field["id"]] == "Edited once."


async def test_amending_a_form_deleted_in_lever_needs_attention(world, lever):
    store, targets, every = world
    t = targets[2]
    rec = await _submitted(store, lever, draft_for("d-gone-put", t, every))
    await lever.delete(
        f"/opportunities/{t.opportunity_id}/feedback/{rec.lever_feedback_id}",
        params={"perform_as": t.interviewer["id"]},
    )
    await amend.reopen(store, "d-gone-put", reviewer="rita")
    await approval.approve(store, "d-gone-put", reviewer="rita")
    report = await _outbox(store, lever).flush()
    assert report.rejected == ["d-gone-put"] and report.amended == []
    after = await store.call(drafts.get, "d-gone-put")
    assert (after.state, after.attention_reason) == ("needs_attention", "form_gone")


async def test_lever_refusing_the_amendment_reopens_it_with_lever_message(world, sandbox, lever):
    store, targets, every = world
    await _submitted(store, lever, draft_for("d-400-put", targets[3], every))
    await amend.reopen(store, "d-400-put", reviewer="rita")
    await approval.approve(store, "d-400-put", reviewer="rita")
    sandbox.faults.replace(parse_spec("status=400,method=PUT,count=1"))
    report = await _outbox(store, lever).flush()
    assert report.rejected == ["d-400-put"]
    after = await store.call(drafts.get, "d-400-put")
    assert (after.state, after.attention_reason) == ("amending", "rejected_by_lever")
    last = (await store.call(drafts.audit_trail, "d-400-put"))[-1]
    assert last["event"] == "amend_rejected" and last["detail"]["lever"]["status"] == 400


# -- 2. withdraw ----------------------------------------------------------------------------------


async def test_withdraw_names_what_disappears_then_deletes_it(world, lever):
    store, targets, every = world
    t = targets[0]
    rec = await _submitted(store, lever, draft_for("d-withdraw", t, every))
    question = await store.call(amend.withdrawal_question, "d-withdraw")
    assert question.startswith(f"Delete {t.interviewer['name']}'s Every field type feedback, submitted ")
    assert question.endswith(", from Lever?")
    assert await amend.withdraw(store, "d-withdraw", reviewer="rita") == question
    report = await _outbox(store, lever).flush()
    assert report.withdrawn == ["d-withdraw"]
    [form] = [f for f in await _forms(lever, t.opportunity_id, deleted=True) if f["id"] == rec.lever_feedback_id]
    assert form["deletedAt"]
    assert (await store.call(drafts.get, "d-withdraw")).state == "withdrawn"
    trail = await store.call(drafts.audit_trail, "d-withdraw")
    assert _events(trail)[-3:] == ["withdraw_requested", "withdraw_sending", "withdrawn"]
    assert trail[-3]["detail"]["confirmed"] == question and trail[-3]["actor"] == "rita"
    assert trail[-1]["detail"]["alreadyGone"] is False


@pytest.mark.logs_warnings("the sandbox logs the form it rejects")
@pytest.mark.parametrize("how", ["deleted in Lever", "answer lost"])
async def test_withdrawing_a_form_already_gone_is_success(world, sandbox, lever, how):
    store, targets, every = world
    t = targets[1]
    rec = await _submitted(store, lever, draft_for("d-gone", t, every))
    box = _outbox(store, lever)
    await amend.withdraw(store, "d-gone", reviewer="rita")
    if how == "deleted in Lever":
        await lever.delete(
            f"/opportunities/{t.opportunity_id}/feedback/{rec.lever_feedback_id}",
            params={"perform_as": t.interviewer["id"]},
        )
    else:  # deleted, then the connection dropped: unsure, so it is sent again and Lever says 404
        sandbox.faults.replace(parse_spec("drop-after,method=DELETE,count=1"))
        assert (await box.flush()).retrying == ["d-gone"]
        assert (await store.call(drafts.get, "d-gone")).state == "withdrawing"
        sandbox.stop()  # and Lever is unreachable for a while: `submit` reports it still queued
        assert (await box.drain(deadline_s=0.5)).retrying == ["d-gone"]
        sandbox.start()
    report = await box.drain(deadline_s=30)
    assert report.withdrawn == ["d-gone"]
    last = (await store.call(drafts.audit_trail, "d-gone"))[-1]
    assert last["event"] == "withdrawn" and last["detail"]["alreadyGone"] is True


async def test_only_submitted_feedback_can_be_amended_or_withdrawn(world):
    store, targets, every = world
    await _received(store, draft_for("d-new", targets[0], every))
    with pytest.raises(amend.ChangeError, match="only feedback submitted to Lever"):
        await amend.withdraw(store, "d-new", reviewer="rita")
    with pytest.raises(amend.ChangeError, match="only feedback submitted to Lever"):
        await amend.reopen(store, "d-new", reviewer="rita")
