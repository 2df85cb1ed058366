"""Sample transcripts for the sandbox's interviews, so "Draft with AI" can be tried with no file at hand.

``resources/transcripts/index.json`` maps a past sandbox interview (seed 1, the sandbox mode's) that
still lacks feedback to a transcript written for it: the candidate, the interviewers and the
feedback template's questions match. One file per format the drafter reads (Zoom and Teams WebVTT,
SRT, plain text). Made up, like everyone in the sandbox.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from lever_desktop.resources import resource_path

INDEX = "transcripts/index.json"


@dataclass(frozen=True)
class SampleTranscript:
    path: Path
    opportunity_id: str
    interview_id: str
    candidate: str
    posting: str
    template: str  # the feedback template's name, whose questions the conversation follows
    interviewers: tuple[str, ...]
    format: str


def sample_transcripts() -> list[SampleTranscript]:
    index = resource_path(INDEX)
    entries = json.loads(index.read_text(encoding="utf-8"))["transcripts"]
    return [
        SampleTranscript(
            index.parent / e["file"],
            e["opportunityId"],
            e["interviewId"],
            e["candidate"],
            e["posting"],
            e["template"],
            tuple(e["interviewers"]),
            e["format"],
        )
        for e in entries
    ]


def sample_transcript_for(opportunity_id: str, interview_id: str | None = None) -> SampleTranscript | None:
    """The sample written for this interview (or, without one, for this opportunity's), if any."""
    return next(
        (
            s
            for s in sample_transcripts()
            if s.opportunity_id == opportunity_id and interview_id in (None, s.interview_id)
        ),
        None,
    )
