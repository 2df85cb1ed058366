"""A model server that lies or is sloppy, through the real SDKs on loopback: what it sends is
untrusted (the SDKs build their response objects without checking them), so a wrong type costs a
flag in review or a zero, never the draft, a crash, or the window's thread for minutes."""

from __future__ import annotations

import time

import pytest
from helpers.scripted_model import ScriptedModel

from lever_desktop.drafting.drafter import draft_interview
from lever_desktop.drafting.readers import read_transcript
from lever_desktop.review import drafts

QUOTE = "I designed the billing pipeline in Python and Go"


@pytest.fixture
def scripted():
    model = ScriptedModel().start()
    yield model
    model.stop()


def answer(field_id: str, value, **extra) -> dict:
    return {
        "id": field_id,
        "value": value,
        "confidence": 0.9,
        "evidence": [{"quote": QUOTE}],
        "rationale": "Said so.",
        **extra,
    }


REQUIRED = [answer("f-text", "Designed billing"), answer("f-overall", "3 - Hire")]


async def draft(session, transcript_file, scripted, api):
    return await draft_interview(
        session,
        opportunity_id="opp-1",
        interview_id="int-1",
        transcript=read_transcript(transcript_file),
        provider=scripted.provider(api),
    )


async def test_token_counts_and_model_name_that_are_not_are_recorded_as_zero_and_ours(
    session, transcript_file, scripted, api
):
    scripted.answer = {"fields": REQUIRED}
    scripted.usage = {"input_tokens": "lots", "output_tokens": -5}
    scripted.model = {"name": "not a string"}
    outcome = await draft(session, transcript_file, scripted, api)
    assert outcome.draft_id and (outcome.input_tokens, outcome.output_tokens) == (0, 0)
    doc = (await session.store.call(drafts.get, outcome.draft_id)).document
    assert doc["usage"] == {"inputTokens": 0, "outputTokens": 0} and doc["model"] == "scripted"


async def test_sloppy_confidence_evidence_and_rationale_cost_a_flag_not_the_draft(
    session, transcript_file, scripted, api
):
    scripted.answer = {
        "fields": [
            answer("f-text", "Designed billing", confidence="high", evidence=QUOTE, rationale=3),
            answer("f-overall", "3 - Hire", confidence=85, evidence=[QUOTE, {"quote": 7}]),
            answer("f-invented", "anything"),
        ]
    }
    outcome = await draft(session, transcript_file, scripted, api)
    assert outcome.draft_id, outcome.problems
    rec = await session.store.call(drafts.get, outcome.draft_id)
    fields = {f["id"]: f for f in rec.document["fields"]}
    assert set(fields) == {"f-text", "f-overall"}  # the model's invented question is not a template drift
    assert fields["f-text"]["confidence"] == 0.0 and fields["f-text"]["rationale"] is None
    assert [e["quote"] for e in fields["f-text"]["evidence"]] == [QUOTE]
    assert fields["f-overall"]["confidence"] == 0.68  # 85 read as 0.85, lowered for the quote not found
    assert fields["f-overall"]["evidenceNotFound"] == [{"quote": "7"}]
    codes = {(f["code"], f.get("fieldId")) for f in rec.flags}
    assert ("low_confidence", "f-text") in codes and not {c for c, _ in codes if c == "template_drift"}


async def test_an_answer_of_40000_invented_questions_is_dealt_with_in_seconds(session, transcript_file, scripted, api):
    scripted.answer = {"fields": REQUIRED + [answer(f"f-{i}", "x", evidence=[]) for i in range(40_000)]}
    started = time.monotonic()
    outcome = await draft(session, transcript_file, scripted, api)
    assert time.monotonic() - started < 15  # counting duplicates per id took minutes
    assert outcome.draft_id and len(scripted.requests) == 2
    retry = scripted.requests[1]["messages"][-1]["content"]
    assert retry.count("is not a question of this form") == 30 and "and 39970 more problems like these" in retry
    doc = (await session.store.call(drafts.get, outcome.draft_id)).document
    assert [f["id"] for f in doc["fields"]] == ["f-text", "f-overall"]


async def test_an_error_that_echoes_the_api_key_never_shows_it(session, transcript_file, scripted, api, caplog):
    scripted.error = (400, "Bad header: x-api-key test-key is not allowed on this proxy")
    outcome = await draft(session, transcript_file, scripted, api)
    assert outcome.draft_id is None and len(outcome.problems) == 1
    assert (
        "refused the request (HTTP 400)" in outcome.problems[0] and "not allowed on this proxy" in outcome.problems[0]
    )
    assert "test-key" not in outcome.problems[0] and "test-key" not in caplog.text
