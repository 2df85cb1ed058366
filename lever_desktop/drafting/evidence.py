"""Check the model's evidence against the transcript it was given.

A model may paraphrase and call it a quote, or invent one. Each quote is looked up in the
transcript, normalised for case, whitespace and punctuation; a quote found there keeps its place
in the draft with the time of the transcript line it starts in (never the model's time); a quote
not found is dropped from the evidence and kept under ``evidenceNotFound``, so intake flags the
field "evidence not found in the transcript", and the field's confidence is lowered.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from lever_desktop.drafting.transcript import Transcript

NOT_FOUND_KEY = "evidenceNotFound"  # draft@1 field key read by review's intake (flag evidence_not_found)
# No verified quote left: the answer rests on the model's word alone, so it must be confirmed;
# some quotes verified: it is still doubtful, but less so.
_NONE_FOUND_FACTOR, _SOME_FOUND_FACTOR = 0.5, 0.8
_NOT_WORD = re.compile(r"[\W_]+")  # punctuation, symbols, spaces: one regex pass, not a loop per character
_PREFIX = re.compile(r"^\s*\[?\d{1,2}(?::\d{2}){1,2}\]?\s*|^\s*[^\W\d_][\w .'’-]{0,40}:\s+")


def normalise(text: str) -> str:
    """Case-, whitespace- and punctuation-insensitive form: "Don’t — I LED it!" -> "don t i led it"."""
    return " ".join(_NOT_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).split())


class TranscriptIndex:
    """The transcript's words in one normalised string, with where each line starts in it."""

    def __init__(self, transcript: Transcript) -> None:
        self.lines = transcript.lines
        self._starts: list[int] = []
        parts: list[str] = []
        at = 1  # the text is padded with a space so every word has a boundary on both sides
        for line in self.lines:
            self._starts.append(at)
            part = normalise(line.text)
            parts.append(part)
            at += len(part) + 1
        self.text = " " + " ".join(parts) + " "

    def find(self, quote: str) -> int | None:
        """The index of the line a quote starts in, or None when the transcript does not say it."""
        for candidate in (quote, _PREFIX.sub("", quote, count=1)):
            words = normalise(candidate)
            if not words:
                continue
            at = self.text.find(f" {words} ")
            if at >= 0:
                return max(0, bisect.bisect_right(self._starts, at + 1) - 1)
        return None


@dataclass
class EvidenceCheck:
    kept: int = 0
    dropped: int = 0


def verify(fields: list[dict[str, Any]], transcript: Transcript | TranscriptIndex) -> EvidenceCheck:
    """Check every quote of ``fields`` (the tool's answer, changed in place) against the transcript."""
    index = transcript if isinstance(transcript, TranscriptIndex) else TranscriptIndex(transcript)
    check = EvidenceCheck()
    for f in fields:
        if not isinstance(f, dict) or not isinstance(f.get("evidence"), list):
            continue
        found, missing = [], []
        for item in f["evidence"]:
            quote = item.get("quote") if isinstance(item, dict) else item
            line = index.find(quote) if isinstance(quote, str) else None
            if line is None:
                missing.append({"quote": quote if isinstance(quote, str) else str(quote)})
                continue
            entry = {"quote": quote}
            if (at := index.lines[line].start_ms) is not None:
                entry["atMs"] = at
            found.append(entry)
        check.kept += len(found)
        check.dropped += len(missing)
        f["evidence"] = found
        if missing:
            f[NOT_FOUND_KEY] = missing
            confidence = f.get("confidence")
            if isinstance(confidence, (int, float)) and not isinstance(confidence, bool):
                factor = _SOME_FOUND_FACTOR if found else _NONE_FOUND_FACTOR
                f["confidence"] = round(float(confidence) * factor, 2)
    return check
