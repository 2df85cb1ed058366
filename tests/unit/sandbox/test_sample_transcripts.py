"""The sample transcripts belong to real sandbox interviews and read like them."""

from __future__ import annotations

import re

import pytest

from lever_desktop.sandbox.state import SandboxState
from lever_desktop.sandbox.transcripts import sample_transcript_for, sample_transcripts

_CUE_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)[.,](\d{3}) --> ")


def utterances(path) -> list[tuple[float, str, str]]:
    """(seconds, speaker, text) of a sample, by the format it is in: a test's own small reader."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out, at = [], None
    for line in lines:
        if m := _CUE_TIME.match(line):
            at = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) + int(m[4]) / 1000
        elif m := re.fullmatch(r"\[(\d\d):(\d\d):(\d\d)\] ([^:]+): (.+)", line):
            out.append((int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]), m[4], m[5]))
        elif m := re.fullmatch(r"<v ([^>]+)>(.+)</v>", line):
            out.append((at, m[1], m[2]))
        elif at is not None and (m := re.fullmatch(r"([A-Z][\w ]+?): (.+)", line)):
            out.append((at, m[1], m[2]))
    return out


@pytest.fixture(scope="module")
def state():
    return SandboxState(opportunities=50, seed=1)  # the sandbox mode's seed; ids do not depend on the count


def test_every_sample_belongs_to_a_past_interview_still_waiting_for_feedback(state):
    samples = sample_transcripts()
    assert {s.path.suffix for s in samples} == {".vtt", ".srt", ".txt"}
    assert any("Teams" in s.format for s in samples) and any("Zoom" in s.format for s in samples)
    for s in samples:
        row = state.row(s.opportunity_id)
        assert row is not None and state.opps.name(row) == s.candidate
        panel, interview = state.find_interview(row, s.interview_id)
        assert interview["date"] < state.anchor_ms
        assert state.templates[interview["feedbackTemplate"]]["text"] == s.template
        assert tuple(p["name"] for p in interview["interviewers"]) == s.interviewers
        posting = state.opps.application(row)["posting"]
        assert next(p["text"] for p in state.catalog.postings if p["id"] == posting) == s.posting
        given = {fb["user"] for fb in state.details_of(row).feedback if fb["interview"] == s.interview_id}
        assert any(p["id"] not in given for p in interview["interviewers"]), "someone still owes feedback"


@pytest.mark.parametrize("sample", sample_transcripts(), ids=lambda s: s.path.name)
def test_a_sample_is_a_20_to_45_minute_conversation_between_the_right_people(sample):
    said = utterances(sample.path)
    times = [t for t, _, _ in said]
    assert times == sorted(times) and 20 * 60 <= times[-1] <= 45 * 60
    words: dict[str, int] = {}
    for _, who, text in said:
        words[who] = words.get(who, 0) + len(text.split())
    assert set(words) == {sample.candidate, *sample.interviewers}
    assert max(words, key=words.get) == sample.candidate, "the candidate does most of the talking"
    first_name = sample.candidate.split()[0]
    assert any(first_name in text for _, who, text in said if who != sample.candidate)


def test_the_samples_stay_small_and_are_found_by_interview():
    samples = sample_transcripts()
    assert sum(s.path.stat().st_size for s in samples) < 300_000
    first = samples[0]
    assert sample_transcript_for(first.opportunity_id, first.interview_id) == first
    assert sample_transcript_for(first.opportunity_id) == first
    assert sample_transcript_for(first.opportunity_id, "another-interview") is None
    assert sample_transcript_for("no-such-opportunity") is None
