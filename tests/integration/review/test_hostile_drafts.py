"""Hostile drafts against the sandbox (over loopback): they are refused or held, never obeyed.

Ids from a draft never steer a write to Lever.
A draft names its opportunity; every check before sending (the cache, the candidate's privacy, the
author's own feedback) is made for that id. Written raw into the path, ``x/../<other>`` became
``/opportunities/<other>/feedback`` once the HTTP client resolved the dot segment, and the form landed
on a candidate no check had looked at.
"""

from __future__ import annotations

import json

from helpers.review_sandbox import draft_for

from lever_desktop.review import approval, drafts, intake
from lever_desktop.review.outbox import Outbox


async def _forms(client, opportunity_id):
    return [f["id"] async for f in client.paginate(f"/opportunities/{opportunity_id}/feedback")]


async def test_a_dot_segment_in_a_drafts_opportunity_id_never_writes_onto_another_candidate(world, lever):
    store, targets, every = world
    other = targets[0]
    before = await _forms(lever, other.opportunity_id)
    doc = draft_for("d-steer", other, every, opportunityId=f"x/../{other.opportunity_id}")
    assert (await intake.receive_draft(store, doc, source="relay")).status == "received"
    a = await approval.approve(store, "d-steer", reviewer="rita")
    assert a.path == f"/opportunities/x%2F..%2F{other.opportunity_id}/feedback"  # what the reviewer is shown

    box = Outbox(store, lever, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20, settle_window_ms=300)
    report = await box.flush()

    assert await _forms(lever, other.opportunity_id) == before  # nothing landed on the other candidate
    assert report.gone == ["d-steer"] and report.submitted == []
    rec = await store.call(drafts.get, "d-steer")
    assert (rec.state, rec.attention_reason, rec.lever_feedback_id) == ("needs_attention", "opportunity_gone", None)


async def test_a_draft_nested_just_under_the_json_parsers_limit_is_invalid_not_a_crash(world):
    """``json.loads`` takes ~990 levels, but intake copies and compares values recursively: a value 900
    deep in a field the template knows raised RecursionError out of ``receive_draft``."""
    store, targets, every = world
    doc = draft_for("d-deep", targets[0], every)
    listed = next(f["id"] for f in every["fields"] if f["type"] == "multiple-select")
    for f in doc["fields"]:
        if f["id"] == listed:
            f["value"] = json.loads("[" * 900 + '"Python"' + "]" * 900)

    r = await intake.receive_draft(store, doc, source="file")

    assert (r.status, r.problems) == ("invalid", ["nested more than 64 levels deep"])
    assert await store.call(drafts.get, "d-deep") is None


async def test_an_earlier_attempt_found_for_a_candidate_anonymised_since_does_not_end_the_flush(world, lever):
    """The pre-send read finds the form an earlier attempt stored, but the candidate was anonymised
    meanwhile: recording it raised TransitionError, and every entry behind it waited for the next flush."""
    store, targets, every = world
    anonymised = targets[1]
    other = next(t for t in targets if t.opportunity_id != anonymised.opportunity_id)
    for draft_id, target in (("d-anon", anonymised), ("d-next", other)):
        await intake.receive_draft(store, draft_for(draft_id, target, every), source="file")
    first = await approval.approve(store, "d-anon", reviewer="rita")
    await approval.approve(store, "d-next", reviewer="rita")
    await lever.post(first.path, json=first.body, params=first.params)  # the earlier attempt that landed
    store.call_sync(
        lambda c: c.exec_driver_sql(  # Lever anonymised the candidate; a sync recorded it
            "UPDATE opportunities SET raw = json_set(raw, '$.isAnonymized', 1) WHERE id = ?",
            (anonymised.opportunity_id,),
        )
    )

    report = await Outbox(store, lever, backoff_base_ms=1, backoff_cap_ms=5, settle_ms=20, settle_window_ms=300).flush()

    assert report.submitted == ["d-next"], report
    rec = await store.call(drafts.get, "d-anon")
    assert (rec.state, rec.attention_reason) == ("needs_attention", "opportunity_anonymised")
