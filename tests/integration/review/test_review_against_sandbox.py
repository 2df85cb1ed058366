"""From draft document to the feedback form stored in Lever (the sandbox, over loopback)."""

from __future__ import annotations

import copy

import pytest
from helpers.review_sandbox import draft_for, fast_client, find_targets, prime_cache, template_named

from lever_desktop.review import approval, drafts, intake, queue
from lever_desktop.review.lifecycle import DraftState
from lever_desktop.review.outbox import Outbox
from lever_desktop.sandbox.faults import parse_spec
from lever_desktop.store import Store, cache


def _outbox(store, client) -> Outbox:
    return Outbox(store, client, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20, settle_window_ms=300)


async def _forms(client, opportunity_id):
    return [f async for f in client.paginate(f"/opportunities/{opportunity_id}/feedback")]


async def _approved(store, client, doc, **kw):
    r = await intake.receive_draft(store, doc, source="test")
    assert r.status == "received", r
    return await approval.approve(store, doc["draftId"], reviewer="rita", **kw)


async def test_every_field_type_reaches_lever_exactly_as_approved(world, lever):
    store, targets, every = world
    t = targets[0]
    doc = draft_for("d-every", t, every)
    a = await _approved(store, lever, doc)
    types = {f["id"]: f["type"] for f in every["fields"]}
    sent = {types[f["id"]] for f in a.body["fieldValues"]}
    assert sent >= {
        "text",
        "textarea",
        "code",
        "date",
        "dropdown",
        "multiple-choice",
        "multiple-select",
        "score",
        "scorecard",
        "yes-no",
        "currency",
        "score-system",
    }
    report = await _outbox(store, lever).flush()
    assert report.submitted == ["d-every"] and report.readback_differences == {}
    rec = await store.call(drafts.get, "d-every")
    assert rec.state == "submitted" and rec.readback == {"differences": [], "error": None}
    [form] = [f for f in await _forms(lever, t.opportunity_id) if f["id"] == rec.lever_feedback_id]
    assert form["completedAt"] == a.body["completedAt"] and form["user"] in (
        t.interviewer["id"],
        {"id": t.interviewer["id"]},
    )
    stored = {f["id"]: f["value"] for f in form["fields"]}
    for fv in a.body["fieldValues"]:
        assert stored[fv["id"]] == fv["value"], types[fv["id"]]
    trail = [e["event"] for e in await store.call(drafts.audit_trail, "d-every")]
    assert trail == ["received", "approved", "sending", "submitted", "read_back"]


@pytest.mark.logs_warnings("Lever's refusals and retries are logged")
async def test_lever_400_needs_attention_with_lever_message_and_local_check(world, lever):
    store, targets, every = world
    # The cache holds a stale template with an option Lever no longer has.
    stale = copy.deepcopy(every)
    drop = next(f for f in stale["fields"] if f["type"] == "dropdown")
    drop["options"].append({"text": "Principal"})
    await store.call(cache.upsert_templates, [stale], 1)
    doc = draft_for("d-400", targets[0], stale)
    for f in doc["fields"]:
        if f["id"] == drop["id"]:
            f["value"] = "Principal"
    await _approved(store, lever, doc)
    report = await _outbox(store, lever).flush()
    assert report.rejected == ["d-400"]
    rec = await store.call(drafts.get, "d-400")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "rejected_by_lever")
    detail = (await store.call(drafts.audit_trail, "d-400"))[-1]["detail"]
    assert detail["lever"]["status"] == 400 and "Unable to create feedback" in detail["lever"]["message"]
    assert detail["localValidation"] == "no problem found locally"


async def test_bad_key_pauses_the_outbox_until_resumed(world, sandbox, lever):
    store, targets, every = world
    await _approved(store, lever, draft_for("d-auth", targets[0], every))
    async with fast_client("wrong-key", sandbox.base_url) as bad:
        report = await _outbox(store, bad).flush()
    assert report.paused and report.paused["status"] == 401 and "API key" in report.paused["message"]
    assert (await store.call(drafts.get, "d-auth")).state == "approved"
    box = _outbox(store, lever)
    assert (await box.flush()).paused  # stays paused until someone resumes
    report = await box.flush(resume=True)
    assert report.submitted == ["d-auth"]


@pytest.mark.parametrize("fault", ["status=503", "drop-after", "drop"])
async def test_ambiguous_failures_never_duplicate(world, sandbox, lever, fault):
    store, targets, every = world
    t = targets[1]
    await _approved(store, lever, draft_for("d-amb", t, every))
    before = len(await _forms(lever, t.opportunity_id))
    sandbox.faults.replace(parse_spec(f"{fault},method=POST,path=*/feedback,count=1"))
    box = _outbox(store, lever)
    first = await box.flush()
    sandbox.faults.replace([])
    assert first.retrying == ["d-amb"]  # unsure: stays "submitting" until Lever has settled
    assert (await store.call(drafts.get, "d-amb")).state == "submitting"
    report = await box.drain(deadline_s=30)
    assert (await store.call(drafts.get, "d-amb")).state == "submitted"
    assert len(await _forms(lever, t.opportunity_id)) == before + 1
    if fault == "drop-after":  # stored, then the answer was lost: found by reconciliation, not re-sent
        assert report.reconciled == ["d-amb"] and report.submitted == []
    else:  # not stored: proved by the read, then sent again
        assert report.submitted == ["d-amb"] and report.reconciled == []


async def test_crash_after_send_is_recognised_at_start(world, lever):
    store, targets, every = world
    t = targets[2]
    a = await _approved(store, lever, draft_for("d-crash", t, every))
    # What a killed process leaves: committed "submitting", and the POST went out.
    assert await store.call(queue.claim, "d-crash", 1)
    await lever.post(a.path, json=a.body, params=a.params)
    before = len(await _forms(lever, t.opportunity_id))
    report = await _outbox(store, lever).flush()
    assert report.reconciled == ["d-crash"]
    assert len(await _forms(lever, t.opportunity_id)) == before  # not sent again


async def test_crash_before_send_is_sent_once(world, lever):
    store, targets, every = world
    t = targets[2]
    await _approved(store, lever, draft_for("d-early", t, every))
    assert await store.call(queue.claim, "d-early", 1)  # killed before the POST left
    before = len(await _forms(lever, t.opportunity_id))
    report = await _outbox(store, lever).drain(deadline_s=30)
    assert report.submitted == ["d-early"]
    assert len(await _forms(lever, t.opportunity_id)) == before + 1


async def test_template_drift_before_sending_goes_back_to_review(world, lever):
    store, targets, every = world
    await _approved(store, lever, draft_for("d-drift", targets[0], every))
    changed = copy.deepcopy(every)
    changed["fields"].insert(0, {"id": "new-q", "type": "text", "text": "New question", "required": True})
    await store.call(cache.upsert_templates, [changed], 2)  # a sync saw the admin's edit
    report = await _outbox(store, lever).flush()
    assert report.drifted == ["d-drift"]
    rec = await store.call(drafts.get, "d-drift")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "template_changed")
    # Re-approving checks the values against the new version: its new required question is unanswered.
    with pytest.raises(approval.ApprovalError) as e:
        await approval.approve(store, "d-drift", reviewer="rita")
    assert e.value.code == "invalid_values" and any("new-q" in p or "New question" in p for p in e.value.problems)


async def test_template_edited_in_lever_minutes_ago_is_caught_before_sending(world, sandbox, lever):
    """The pre-send check reads Lever, not the cache's hour-long TTL: no POST, back to review."""
    import httpx

    from lever_desktop.sync.engine import SyncEngine

    store, targets, every = world
    await _approved(store, lever, draft_for("d-fresh", targets[0], every))
    approved_version = (await store.call(drafts.get, "d-fresh")).template_version
    admin = httpx.Client(base_url=sandbox.admin_url, timeout=10)
    try:
        # An admin edits the template in Lever; the cache was filled moments ago (well within its TTL).
        assert admin.post("/templates/drift", json={"templateId": every["id"]}).status_code == 200
        assert admin.post("/stats/reset").status_code == 204
        report = await Outbox(
            store,
            lever,
            SyncEngine(lever, store),
            backoff_base_ms=1,
            backoff_cap_ms=5,
            settle_ms=20,
            settle_window_ms=300,
        ).flush()
        counts = admin.get("/stats").json()["requests"]
    finally:
        admin.close()
    assert report.drifted == ["d-fresh"] and report.submitted == report.rejected == []
    assert counts.get("GET /feedback_templates/:id") == 1
    assert not any(key.startswith("POST ") for key in counts), counts  # no feedback was sent to Lever
    rec = await store.call(drafts.get, "d-fresh")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "template_changed")
    current = await store.call(cache.current_template, every["id"])
    assert current.version != approved_version and rec.template_version == current.version  # re-linked
    last = (await store.call(drafts.audit_trail, "d-fresh"))[-1]
    assert last["event"] == "template_changed" and last["actor"] == "outbox"
    assert last["detail"]["approvedVersion"] == approved_version
    assert last["detail"]["currentVersion"] == current.version
    assert "template changed" in last["detail"]["message"]


async def test_template_reworded_in_lever_keeps_the_approved_draft_approved(world, sandbox, lever):
    """An admin rewrites instructions and labels and moves questions and options around: what the
    form sends is unchanged, so the draft goes out as approved (sync and pre-send read both see it)."""
    import httpx

    from lever_desktop.sync.engine import SyncEngine

    store, targets, every = world
    await _approved(store, lever, draft_for("d-reworded", targets[0], every))
    approved_version = (await store.call(drafts.get, "d-reworded")).template_version
    admin = httpx.Client(base_url=sandbox.admin_url, timeout=10)
    try:
        reworded = admin.post("/templates/drift", json={"templateId": every["id"], "kind": "reword"}).json()
        assert [f["id"] for f in reworded["fields"]] == [f["id"] for f in reversed(every["fields"])]
        assert reworded["instructions"] != every["instructions"]
        engine = SyncEngine(lever, store)
        await engine.sync_now(full=True)  # the cache takes the reworded version
        current = await store.call(cache.current_template, every["id"])
        assert current.raw["instructions"] == reworded["instructions"] and current.version == approved_version
        assert (await store.call(drafts.get, "d-reworded")).state == DraftState.APPROVED
        assert admin.post("/stats/reset").status_code == 204
        report = await Outbox(
            store, lever, engine, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20, settle_window_ms=300
        ).flush()
        counts = admin.get("/stats").json()["requests"]
        # A real change after that still sends a later approval back (the reading is not just lenient).
        assert admin.post("/templates/drift", json={"templateId": every["id"], "kind": "change"}).status_code == 200
    finally:
        admin.close()
    assert report.submitted == ["d-reworded"] and report.drifted == []
    assert counts.get("GET /feedback_templates/:id") == 1
    assert sum(n for key, n in counts.items() if key.startswith("POST ")) == 1, counts
    await _approved(store, lever, draft_for("d-changed", targets[1], every))
    report = await Outbox(
        store, lever, engine, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20, settle_window_ms=300
    ).flush()
    assert report.drifted == ["d-changed"] and report.submitted == []


@pytest.mark.logs_warnings("Lever's refusals and retries are logged")
async def test_offline_approval_just_queues(world, sandbox, lever):
    store, targets, every = world
    sandbox.stop()  # Lever is unreachable
    a = await _approved(store, lever, draft_for("d-off", targets[0], every))
    assert a.author.user_id == targets[0].interviewer["id"]
    box = _outbox(store, lever)
    report = await box.flush()
    assert report.retrying == ["d-off"]
    assert (await store.call(drafts.get, "d-off")).state == DraftState.APPROVED
    # What the window's "Lever unreachable" state reads (ui/outbox_controller.py).
    assert (await box.pending())[0].last_error.startswith("LeverUnavailable")
    sandbox.start()
    assert (await _outbox(store, lever).drain(deadline_s=30)).submitted == ["d-off"]


# -- perform_as against the sandbox's users -----------------------------------------------------------


async def _user(client, *, deactivated: bool):
    async for u in client.paginate("/users", {"includeDeactivated": "true"}):
        if bool(u.get("deactivatedAt")) == deactivated:
            return u
    raise LookupError("no such user in the sandbox")


async def test_unknown_interviewer_cannot_be_approved_until_an_author_is_chosen(world, lever):
    store, targets, every = world
    doc = draft_for("d-unknown", targets[0], every, interviewerEmail="nobody@elsewhere.example")
    r = await intake.receive_draft(store, doc, source="test")
    assert "unknown_interviewer" in {f["code"] for f in r.flags}
    with pytest.raises(approval.ApprovalError) as e:
        await approval.approve(store, "d-unknown", reviewer="rita")
    assert e.value.code == "unknown_interviewer"
    assert (await store.call(drafts.get, "d-unknown")).attention_reason == "author_unresolved"
    a = await approval.approve(store, "d-unknown", reviewer="rita", chosen_email=targets[0].interviewer["email"])
    assert (await _outbox(store, lever).flush()).submitted == ["d-unknown"]
    assert a.author.via == "chosen"


async def test_deactivated_interviewer_is_refused_locally(world, lever):
    store, targets, every = world
    gone = await _user(lever, deactivated=True)
    await intake.receive_draft(store, draft_for("d-gone", targets[0], every, interviewerEmail=gone["email"].upper()))
    with pytest.raises(approval.ApprovalError) as e:
        await approval.approve(store, "d-gone", reviewer="rita")
    assert e.value.code == "interviewer_deactivated"


async def test_interviewer_not_on_the_panel_is_warned_and_still_submitted(world, lever):
    store, targets, every = world
    on_panel = {targets[0].interviewer["id"]}
    other = None
    async for u in lever.paginate("/users"):
        if u["id"] not in on_panel:
            other = u
            break
    assert other is not None
    r = await intake.receive_draft(store, draft_for("d-other", targets[0], every, interviewerEmail=other["email"]))
    assert "not_on_panel" in {f["code"] for f in r.flags}
    a = await approval.approve(store, "d-other", reviewer="rita")
    assert a.warnings and a.author.user_id == other["id"]
    assert (await _outbox(store, lever).flush()).submitted == ["d-other"]
    rec = await store.call(drafts.get, "d-other")
    [form] = [f for f in await _forms(lever, targets[0].opportunity_id) if f["id"] == rec.lever_feedback_id]
    assert form["user"] in (other["id"], {"id": other["id"]})


async def test_service_account_is_an_explicit_confirmed_choice(world, lever):
    store, targets, every = world
    bot = await _user(lever, deactivated=False)
    await intake.receive_draft(
        store, draft_for("d-bot", targets[0], every, interviewerEmail="nobody@elsewhere.example")
    )
    with pytest.raises(approval.ApprovalError) as e:
        await approval.approve(
            store, "d-bot", reviewer="rita", chosen_email=bot["email"], service_account_email=bot["email"]
        )
    assert e.value.code == "service_account_unconfirmed"
    a = await approval.approve(
        store,
        "d-bot",
        reviewer="rita",
        chosen_email=bot["email"],
        service_account_email=bot["email"],
        confirm_service_account=True,
    )
    assert "service account" in a.author.describe()
    assert (await _outbox(store, lever).flush()).submitted == ["d-bot"]
    approved = [e for e in await store.call(drafts.audit_trail, "d-bot") if e["event"] == "approved"]
    assert approved[0]["detail"]["author"]["via"] == "service_account" and approved[0]["actor"] == "rita"


async def test_forbidden_pauses_with_its_own_message(world, sandbox, lever):
    store, targets, every = world
    await _approved(store, lever, draft_for("d-403", targets[0], every))
    sandbox.faults.replace(parse_spec("status=403,method=POST,path=*/feedback,count=1"))
    report = await _outbox(store, lever).flush()
    assert report.paused["status"] == 403 and "permission" in report.paused["message"]
    assert (await store.call(drafts.get, "d-403")).state == "approved"
    assert (await _outbox(store, lever).flush(resume=True)).submitted == ["d-403"]


@pytest.mark.logs_warnings("Lever's refusals and retries are logged")
async def test_rate_limited_post_backs_off_then_sends_once(world, sandbox, lever):
    store, targets, every = world
    t = targets[3]
    await _approved(store, lever, draft_for("d-429", t, every))
    before = len(await _forms(lever, t.opportunity_id))
    sandbox.faults.replace(parse_spec("status=429,method=POST,path=*/feedback,count=5"))  # beyond the client's retries
    box = _outbox(store, lever)
    assert (await box.flush()).retrying == ["d-429"]
    entry = (await box.pending())[0]
    assert entry.last_error and "429" in entry.last_error and entry.state == "approved"
    assert (await box.drain(deadline_s=30)).submitted == ["d-429"]
    assert len(await _forms(lever, t.opportunity_id)) == before + 1


async def test_intake_refreshes_what_the_cache_lacks_through_the_sync_engine(sandbox, lever):
    from lever_desktop.sync.engine import SyncEngine

    targets = await find_targets(lever, 1)
    every = await template_named(lever, "Every field type")
    with Store.open() as store:
        await prime_cache(lever, store, [])  # users and templates only: no opportunity, no interview yet
        engine = SyncEngine(lever, store)
        r = await intake.receive_draft(store, draft_for("d-refresh", targets[0], every), source="relay", engine=engine)
        assert (r.status, r.flags) == ("received", [])
        rec = await store.call(drafts.get, "d-refresh")
        assert rec.panel_id == targets[0].panel_id and rec.template_version


async def test_a_form_stored_with_a_lone_surrogate_needs_attention_instead_of_looping(world, lever):
    """Approved before intake refused such text: the POST can never be encoded. The outbox must
    not claim it, crash and re-queue it forever, but say what is wrong and send nothing."""
    import json

    import sqlalchemy as sa

    from lever_desktop.store.review_schema import outbox

    store, targets, every = world
    t = targets[3]
    a = await _approved(store, lever, draft_for("d-legacy", t, every))
    text = next(f for f in every["fields"] if f["type"] == "text")
    body = json.loads(json.dumps(a.body))
    next(fv for fv in body["fieldValues"] if fv["id"] == text["id"])["value"] = "Great \ud83d communicator"

    def old_cache(conn):  # what a cache from before the fix holds
        conn.execute(sa.update(outbox).where(outbox.c.draft_id == "d-legacy").values(payload_json=json.dumps(body)))

    await store.call(old_cache)
    before = len(await _forms(lever, t.opportunity_id))
    report = await _outbox(store, lever).drain(deadline_s=10)
    assert report.rejected == ["d-legacy"] and report.retrying == [] and report.submitted == []
    rec = await store.call(drafts.get, "d-legacy")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "unsendable_text")
    trail = await store.call(drafts.audit_trail, "d-legacy")
    assert [e["event"] for e in trail] == ["received", "approved", "unsendable_text"]  # never "sending"
    assert trail[-1]["detail"]["message"] == (
        f"The form cannot be sent to Lever: the answer to field {text['id']}: "
        "contains a lone surrogate U+D83D (not valid Unicode text)."
    )
    assert len(await _forms(lever, t.opportunity_id)) == before
