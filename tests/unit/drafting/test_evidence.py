"""Evidence is verified against the transcript: found quotes get the transcript's time, quotes not
found are dropped, flagged in review and lower the field's confidence."""

from __future__ import annotations

from helpers.review_seed import draft_doc

from lever_desktop.drafting import evidence
from lever_desktop.drafting.transcript import Line, Transcript
from lever_desktop.review import drafts, intake

TRANSCRIPT = Transcript(
    (
        Line(1000, "Jane", "Tell me about a system you built."),
        Line(65000, "Grace", "I led the migration to Kafka — it took us, honestly, six months."),
        Line(130000, "Grace", "We didn't lose a single message."),
        Line(None, "Jane", "Thanks!"),
    )
)


def test_found_quotes_ignore_case_whitespace_and_punctuation_and_take_the_transcripts_time():
    fields = [
        {
            "id": "a",
            "value": "x",
            "confidence": 0.9,
            "evidence": [
                {"quote": "i led the migration to KAFKA, it took us honestly six months", "atMs": 999999},
                {"quote": "We didn’t  lose a single message"},  # curly apostrophe, two spaces
                {"quote": "Grace: We didn't lose a single message."},  # the model quoted the speaker too
            ],
        }
    ]
    check = evidence.verify(fields, TRANSCRIPT)
    assert (check.kept, check.dropped) == (3, 0)
    assert [e["atMs"] for e in fields[0]["evidence"]] == [65000, 130000, 130000]  # never the model's 999999
    assert fields[0]["confidence"] == 0.9 and evidence.NOT_FOUND_KEY not in fields[0]


def test_a_quote_spanning_two_lines_is_found_at_the_first():
    fields = [{"id": "a", "evidence": [{"quote": "six months. We didn't lose"}]}]
    evidence.verify(fields, TRANSCRIPT)
    assert fields[0]["evidence"] == [{"quote": "six months. We didn't lose", "atMs": 65000}]


def test_a_line_without_a_time_gives_a_quote_without_one():
    fields = [{"id": "a", "evidence": [{"quote": "thanks", "atMs": 5}]}]
    evidence.verify(fields, TRANSCRIPT)
    assert fields[0]["evidence"] == [{"quote": "thanks"}]


def test_quotes_not_in_the_transcript_are_dropped_kept_aside_and_lower_confidence():
    fields = [
        {"id": "none", "value": "x", "confidence": 0.9, "evidence": [{"quote": "I invented Kafka"}]},
        {
            "id": "some",
            "value": "y",
            "confidence": 0.9,
            "evidence": [{"quote": "six months"}, {"quote": "twelve months"}],
        },
        {"id": "part", "value": "z", "confidence": 0.9, "evidence": [{"quote": "led the migra"}]},  # not whole words
    ]
    check = evidence.verify(fields, TRANSCRIPT)
    assert (check.kept, check.dropped) == (1, 3)
    assert fields[0]["evidence"] == [] and fields[0][evidence.NOT_FOUND_KEY] == [{"quote": "I invented Kafka"}]
    assert fields[0]["confidence"] == 0.45  # nothing verified: below the review threshold, must be confirmed
    assert fields[1]["evidence"] == [{"quote": "six months", "atMs": 65000}]
    assert fields[1]["confidence"] == 0.72
    assert fields[2]["evidence"] == []


async def test_review_flags_evidence_not_found_like_its_other_flags(store):
    doc = draft_doc("d-ev")
    doc["fields"][0].update(evidence=[{"quote": "six months"}], evidenceNotFound=[{"quote": "I invented Kafka"}])
    result = await intake.receive_draft(store, doc, "ai")
    assert result.status == "received"
    flag = next(f for f in result.flags if f["code"] == "evidence_not_found")
    assert flag == {
        "code": "evidence_not_found",
        "fieldId": "f-text",
        "message": "Evidence not found in the transcript (dropped): “I invented Kafka”",
    }
    rec = await store.call(drafts.get, "d-ev")
    assert flag in rec.flags
    assert rec.document["fields"][0]["evidenceNotFound"] == [{"quote": "I invented Kafka"}]  # kept verbatim
