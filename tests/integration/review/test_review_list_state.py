"""The drafts list tells each draft's live state (#14.5) and counts only what the reviewer can check (#14.6).

Real store primed from the sandbox; the list is read exactly as the window reads it.
"""

from __future__ import annotations

from helpers.review_sandbox import draft_for

from lever_desktop.review import approval, drafts, editing, intake, lists


def _row(rows, draft_id):
    [row] = [r for r in rows if r[0] == draft_id]
    return {"checks": row[4], "status": row[6]}


async def _listed(store, draft_id, now=None):
    return _row(await store.call(lists.review_list, now or drafts.now_ms(), 0.6), draft_id)


async def test_checks_fall_as_they_are_confirmed_and_notes_are_not_counted(world):
    store, targets, every = world
    t = targets[0]
    doc = draft_for("d-live", t, every, interviewId="interview-not-in-the-cache")
    unsure = [f["id"] for f in doc["fields"][:3]]
    for f in doc["fields"]:
        if f["id"] in unsure:
            f["confidence"] = 0.3
    assert (await intake.receive_draft(store, doc, source="test")).status == "received"
    rec = await store.call(drafts.get, "d-live")
    codes = [f["code"] for f in rec.flags]
    assert "unknown_interview" in codes and codes.count("low_confidence") == 3
    assert await _listed(store, "d-live") == {"checks": 3, "status": "received"}  # the note is not a check

    values = rec.current_values()
    await store.call(editing.save_values, "d-live", values, "rita", [unsure[0]])  # confirmed as it is
    assert await _listed(store, "d-live") == {"checks": 2, "status": "edited"}
    await store.call(editing.save_values, "d-live", values, "rita", unsure)
    assert await _listed(store, "d-live") == {"checks": 0, "status": "edited"}
    assert (await store.call(drafts.get, "d-live")).confirmed == sorted(unsure)  # kept for the next opening


async def test_an_approval_in_its_grace_then_queued(world):
    store, targets, every = world
    assert (
        await intake.receive_draft(store, draft_for("d-grace", targets[1], every), source="test")
    ).status == "received"
    now = drafts.now_ms()
    await approval.approve(store, "d-grace", reviewer="rita", now=now, grace_ms=5_000)
    assert (await _listed(store, "d-grace", now + 4_999))["status"] == "undo_grace"
    assert (await _listed(store, "d-grace", now + 5_000))["status"] == "approved"
    assert lists.DRAFT_STATE_LABELS["undo_grace"] != lists.DRAFT_STATE_LABELS["approved"]
