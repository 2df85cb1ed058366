"""Text no form may carry (control characters, lone surrogates) is refused where it enters:
a file, the relay, the reviewer's own edits — with the field named by its question."""

from __future__ import annotations

import pytest
from helpers.review_seed import VALUES, draft_doc

from lever_desktop.relay.dispatch import SyncDispatcher
from lever_desktop.review import approval, drafts, intake
from lever_desktop.review.approval import ApprovalError


def _with_value(field_id: str, value, draft_id: str = "d-bad"):
    doc = draft_doc(draft_id)
    for f in doc["fields"]:
        if f["id"] == field_id:
            f["value"] = value
    return doc


@pytest.mark.parametrize("source", ["file", "relay"])
async def test_intake_refuses_a_control_character_naming_the_question(store, source):
    doc = _with_value("f-area", "Strengths: \x1b[31mAPPROVED\x1b[0m")
    if source == "relay":  # the relay feed goes through the same intake
        outcome = await SyncDispatcher(None, store).receive_draft(doc)
        status, problems = outcome.status, outcome.problems
    else:
        r = await intake.receive_draft(store, doc, source="file")
        status, problems = r.status, r.problems
    assert status == "invalid"
    assert problems == ["fields[1].value (Notes): contains a control character U+001B"]
    assert await store.call(drafts.list_drafts) == []


async def test_intake_refuses_a_lone_surrogate_anywhere(store):
    doc = draft_doc("d-sur")
    doc["fields"][0]["evidence"] = [{"quote": "he said \ud83d"}]
    r = await intake.receive_draft(store, doc, source="relay")
    assert (r.status, r.problems) == (
        "invalid",
        ["fields[0].evidence[0].quote (Summary): contains a lone surrogate U+D83D (not valid Unicode text)"],
    )


async def test_tabs_and_newlines_in_answers_are_received(store):
    r = await intake.receive_draft(store, _with_value("f-area", "Line one\n\tLine two"), source="file")
    assert r.status == "received"


async def test_windows_line_ends_in_answers_are_received_as_newlines(store):
    """A pipeline on Windows writes CRLF: the draft is received, and stored with plain newlines, so
    the review, `drafts show` and the POST never meet a carriage return. An id keeps refusing one."""
    doc = _with_value("f-area", "Line one\r\nLine two\rLine three")
    doc["fields"][1]["rationale"] = "Said so\r\ntwice"
    r = await intake.receive_draft(store, doc, source="relay")
    assert (r.status, r.problems) == ("received", [])
    stored = (await store.call(drafts.get, "d-bad")).document
    area = next(f for f in stored["fields"] if f["id"] == "f-area")
    assert (area["value"], area["rationale"]) == ("Line one\nLine two\nLine three", "Said so\ntwice")
    bad_id = draft_doc("d-cr\r")
    r = await intake.receive_draft(store, bad_id, source="relay")
    assert r.status == "invalid" and r.problems == ["draftId: contains a control character U+000D"]


async def test_approval_refuses_a_control_character_the_reviewer_typed(store):
    await intake.receive_draft(store, draft_doc())
    with pytest.raises(ApprovalError) as e:
        await approval.approve(store, "d-1", reviewer="rita", values=dict(VALUES, **{"f-text": "ok\x08"}))
    assert "f-text: the answer: contains a control character U+0008" in e.value.problems
    assert (await store.call(drafts.get, "d-1")).state == "received"


def test_unsendable_names_the_field_and_passes_clean_forms():
    from lever_desktop.review.validation import unsendable

    body = {
        "baseTemplateId": "t",
        "completedAt": 1,
        "fieldValues": [
            {"id": "f-ok", "value": "fine\n"},
            {"id": "f-card", "value": [{"score": 3, "comment": "x\ud800"}]},
        ],
    }
    assert unsendable(body) == (
        "The form cannot be sent to Lever: the answer to field f-card[0].comment: "
        "contains a lone surrogate U+D800 (not valid Unicode text)."
    )
    body["fieldValues"].pop()
    assert unsendable(body) is None
