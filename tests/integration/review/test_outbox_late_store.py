"""Exactly once when Lever stores a POST late, 404 is final, and reconciliation without an exact echo.

Against the sandbox over loopback, with its ``store-after`` and ``completed-at`` faults. The settle
window is injected (hundreds of milliseconds instead of ten minutes); the outbox's own schedule
paces the reads, the tests wait on nothing else.
"""

from __future__ import annotations

import httpx
import pytest
from helpers.review_sandbox import draft_for
from helpers.waiting import wait_until

from lever_desktop.lever import errors as le
from lever_desktop.review import approval, drafts, duplicates, intake, queue
from lever_desktop.review.drafts import now_ms
from lever_desktop.review.outbox import SETTLE_MS, SETTLE_WINDOW_MS, Outbox
from lever_desktop.sandbox.faults import parse_spec


def _outbox(store, client, *, window_ms: int = 3_000, **kw) -> Outbox:
    return Outbox(store, client, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20, settle_window_ms=window_ms, **kw)


async def _forms(client, opportunity_id):
    return [f async for f in client.paginate(f"/opportunities/{opportunity_id}/feedback") if not f.get("deletedAt")]


async def _approved(store, doc):
    r = await intake.receive_draft(store, doc, source="test")
    assert r.status == "received", r
    return await approval.approve(store, doc["draftId"], reviewer="rita")


async def _slow_lever(world, sandbox, lever, draft_id: str, target: int, store_after_s: float):
    """An approved draft, the forms its opportunity holds, and a Lever that stores the next POST late."""
    store, targets, every = world
    t = targets[target]
    approved = await _approved(store, draft_for(draft_id, t, every))
    before = len(await _forms(lever, t.opportunity_id))
    sandbox.faults.replace(parse_spec(f"store-after={store_after_s},method=POST,path=*/feedback,count=1"))
    return store, t, approved, before


async def test_answer_lost_while_lever_is_still_storing_is_never_sent_twice(world, sandbox, impatient, lever):
    """Lever takes longer than our timeout (35 s against 30 s, scaled down) and stores it anyway."""
    store, t, _, before = await _slow_lever(world, sandbox, lever, "d-slow", 0, 0.6)
    box = _outbox(store, impatient)
    first = await box.flush()
    assert first.retrying == ["d-slow"]
    assert await store.call(queue.status, "d-slow") == "checking"
    # What the drafts list and the outbox page show meanwhile (review/lists.py).
    from lever_desktop.review import lists

    [listed] = [r for r in await store.call(lists.review_list, now_ms()) if r[0] == "d-slow"]
    [queued] = [r for r in await store.call(lists.outbox_list) if r[0] == "d-slow"]
    assert (
        lists.DRAFT_STATE_LABELS[listed[-1]]
        == lists.DRAFT_STATE_LABELS[queued[2]]
        == "Checking whether Lever stored it…"
    )
    report = await box.drain(deadline_s=30)
    assert report.reconciled == ["d-slow"] and report.submitted == []
    assert len(await _forms(lever, t.opportunity_id)) == before + 1
    assert await store.call(queue.status, "d-slow") == "submitted"


async def test_after_a_lost_answer_lever_is_read_at_doubling_intervals_and_sent_again_only_after_the_window(
    world, sandbox, lever
):
    """The app's own schedule on an injected clock: a POST whose answer was lost (and that Lever never
    stored) is looked for 3 s after it left, then at doubling intervals, the last read at the end of
    the ten-minute settle window; only then is it sent again."""
    store, targets, every = world
    t = targets[3]
    await _approved(store, draft_for("d-lost", t, every))
    before = len(await _forms(lever, t.opportunity_id))
    sandbox.faults.replace(parse_spec("drop,method=POST,path=*/feedback,count=1"))
    now = [now_ms()]
    box = Outbox(store, lever, clock=lambda: now[0], backoff_base_ms=1, backoff_cap_ms=5)  # SETTLE_MS, SETTLE_WINDOW_MS
    sent_at = now[0]
    report = await box.flush()
    assert report.retrying == ["d-lost"]
    reads = []
    while await store.call(queue.status, "d-lost") == "checking":
        assert len(await _forms(lever, t.opportunity_id)) == before  # never sent again meanwhile
        due = await box.next_due()
        assert due is not None
        now[0] = due  # the loop looks again exactly when the entry is due
        reads.append(due - sent_at)
        report = await box.flush()
    assert reads == [SETTLE_MS * 2**i for i in range(8)] + [SETTLE_WINDOW_MS]  # 3 s ... 384 s, then 600 s
    assert report.submitted == ["d-lost"]  # the read at the window's end found nothing: sent again
    assert len(await _forms(lever, t.opportunity_id)) == before + 1


async def test_submitter_killed_while_lever_stores_late_is_sent_once(world, sandbox, impatient, lever):
    """The process died with its POST in flight; Lever stores it after the restart's first read."""
    store, t, a, before = await _slow_lever(world, sandbox, lever, "d-killed", 1, 0.6)
    # What the killed process left: "submitting" committed, its POST received by Lever, no answer.
    assert await store.call(queue.claim, "d-killed", now_ms())
    with pytest.raises(le.AmbiguousWriteError):
        await impatient.post(a.path, json=a.body, params=a.params)
    report = await _outbox(store, lever).drain(deadline_s=30)
    assert report.reconciled == ["d-killed"] and report.submitted == []
    assert len(await _forms(lever, t.opportunity_id)) == before + 1


@pytest.mark.parametrize("mode", ["round", "now"])
async def test_reconciliation_finds_the_form_when_lever_does_not_echo_completed_at(world, sandbox, lever, mode):
    store, targets, every = world
    t = targets[2]
    await _approved(store, draft_for(f"d-{mode}", t, every))
    before = len(await _forms(lever, t.opportunity_id))
    sandbox.faults.replace(
        parse_spec(f"completed-at={mode},method=POST,path=*/feedback;drop-after,method=POST,path=*/feedback,count=1")
    )
    report = await _outbox(store, lever, window_ms=300).drain(deadline_s=30)
    forms = await _forms(lever, t.opportunity_id)
    assert report.reconciled == [f"d-{mode}"] and report.submitted == []
    assert len(forms) == before + 1
    rec = await store.call(drafts.get, f"d-{mode}")
    [stored] = [f for f in forms if f["id"] == rec.lever_feedback_id]
    assert (
        stored["completedAt"] != (await store.call(queue.entries, ["submitted"], [rec.draft_id]))[0].body["completedAt"]
    )  # the fault really changed it


async def _delete_opportunity(sandbox, opportunity_id):
    async with httpx.AsyncClient() as c:
        assert (await c.delete(f"{sandbox.admin_url}/opportunities/{opportunity_id}")).status_code in (200, 204)


async def test_post_answered_404_needs_attention_at_once(world, sandbox, lever):
    store, targets, every = world
    await _approved(store, draft_for("d-gone", targets[0], every))
    await _delete_opportunity(sandbox, targets[0].opportunity_id)
    box = _outbox(store, lever)
    report = await box.flush()
    assert report.gone == ["d-gone"] and report.retrying == []
    rec = await store.call(drafts.get, "d-gone")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "opportunity_gone")
    trail = await store.call(drafts.audit_trail, "d-gone")
    assert trail[-1]["detail"]["message"].startswith("This candidate no longer exists in Lever")
    assert await box.pending() == []  # nothing left to retry


async def test_a_candidate_gone_from_lever_cannot_be_approved_again(world, sandbox, lever):
    """After Lever's 404, approving again would queue a POST that can only 404 again; and a
    draft for an opportunity a sync saw deleted cannot be approved at all."""
    from lever_desktop.sync.engine import SyncEngine

    store, targets, every = world
    await _approved(store, draft_for("d-gone", targets[0], every))
    r = await intake.receive_draft(store, draft_for("d-gone-too", targets[0], every), source="test")
    assert r.status == "received"
    await _delete_opportunity(sandbox, targets[0].opportunity_id)
    assert (await _outbox(store, lever).flush()).gone == ["d-gone"]
    with pytest.raises(approval.ApprovalError) as e:
        await approval.approve(store, "d-gone", reviewer="rita")
    assert e.value.code == "opportunity_gone" and "no longer exists in Lever" in str(e.value)
    await SyncEngine(lever, store).sync_now()  # records Lever's tombstone
    with pytest.raises(approval.ApprovalError) as e:
        await approval.approve(store, "d-gone-too", reviewer="rita")
    assert e.value.code == "opportunity_gone"
    rec = await store.call(drafts.get, "d-gone-too")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "opportunity_gone")
    assert await store.call(queue.entries, ["approved"], ["d-gone", "d-gone-too"]) == []


async def test_reconcile_read_answered_404_needs_attention(world, sandbox, lever):
    store, targets, every = world
    await _approved(store, draft_for("d-merged", targets[1], every))
    sandbox.faults.replace(parse_spec("drop-after,method=POST,path=*/feedback,count=1"))
    box = _outbox(store, lever)
    assert (await box.flush()).retrying == ["d-merged"]  # unsure: checking
    await _delete_opportunity(sandbox, targets[1].opportunity_id)
    report = await box.drain(deadline_s=10)
    assert report.gone == ["d-merged"] and report.retrying == []
    assert (await store.call(drafts.get, "d-merged")).attention_reason == "opportunity_gone"


@pytest.mark.logs_warnings("a duplicate form in Lever is logged")
async def test_a_form_stored_after_the_window_is_found_as_a_duplicate_and_removed(world, sandbox, impatient, lever):
    """Lever breaks the settle window's promise: the second form is detected, then deleted on request."""
    store, t, _, before = await _slow_lever(world, sandbox, lever, "d-dup", 2, 0.8)
    skew = [0]
    box = _outbox(store, impatient, window_ms=100, clock=lambda: now_ms() + skew[0])
    report = await box.drain(deadline_s=30)
    assert report.submitted == ["d-dup"]  # released after the (too short) window, sent again
    lever_has = lambda: sandbox.state.details_of(sandbox.state.row(t.opportunity_id)).feedback  # noqa: E731
    wait_until(
        lambda: len([f for f in lever_has() if f["completedAt"]]) >= before + 2,
        timeout=10,
        what="the first POST stored late",
    )
    skew[0] = 1_000  # past the recheck a window after submission
    report = await box.flush()
    rec = await store.call(drafts.get, "d-dup")
    [extra] = report.duplicates["d-dup"]
    assert extra != rec.lever_feedback_id and rec.readback["duplicates"] == [extra]
    assert await store.call(queue.status, "d-dup") == "duplicate_in_lever"

    with pytest.raises(duplicates.DuplicateError):  # never the form recorded as submitted
        await duplicates.remove(store, lever, "d-dup", rec.lever_feedback_id, actor="rita")
    dup = await duplicates.remove(store, lever, "d-dup", extra, actor="rita")
    assert dup.candidate in dup.question() and extra in dup.question()
    assert [f["id"] for f in await _forms(lever, t.opportunity_id)].count(rec.lever_feedback_id) == 1
    assert extra not in [f["id"] for f in await _forms(lever, t.opportunity_id)]
    assert len(await _forms(lever, t.opportunity_id)) == before + 1
    assert await store.call(queue.status, "d-dup") == "submitted"
    last = (await store.call(drafts.audit_trail, "d-dup"))[-1]
    assert (last["event"], last["actor"], last["detail"]["feedbackId"]) == ("duplicate_removed", "rita", extra)


@pytest.mark.logs_warnings("a duplicate form in Lever is logged")
async def test_a_form_held_twice_is_not_withdrawn_until_the_duplicate_is_removed(world, sandbox, impatient, lever):
    """The withdrawal's DELETE names the recorded form only: the duplicate stayed in Lever, and the draft,
    withdrawn, no longer offered to remove it (the reviewer had asked that the feedback leave Lever)."""
    from lever_desktop.review import amend

    store, t, _, before = await _slow_lever(world, sandbox, lever, "d-dup-w", 3, 0.8)
    skew = [0]
    box = _outbox(store, impatient, window_ms=100, clock=lambda: now_ms() + skew[0])
    assert (await box.drain(deadline_s=30)).submitted == ["d-dup-w"]
    lever_has = lambda: sandbox.state.details_of(sandbox.state.row(t.opportunity_id)).feedback  # noqa: E731
    wait_until(
        lambda: len([f for f in lever_has() if f["completedAt"]]) >= before + 2,
        timeout=10,
        what="the first POST stored late",
    )
    skew[0] = 1_000
    [extra] = (await box.flush()).duplicates["d-dup-w"]

    with pytest.raises(amend.ChangeError, match=f"remove the duplicate first .*--feedback {extra}"):
        await amend.withdraw(store, "d-dup-w", reviewer="rita")
    assert await store.call(queue.status, "d-dup-w") == "duplicate_in_lever"

    await duplicates.remove(store, lever, "d-dup-w", extra, actor="rita")
    await amend.withdraw(store, "d-dup-w", reviewer="rita")
    assert (await box.flush()).withdrawn == ["d-dup-w"]
    assert len(await _forms(lever, t.opportunity_id)) == before  # nothing of this approval is left in Lever
