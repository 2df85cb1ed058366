"""Where an AI-drafted answer came from: its value, confidence, evidence and rationale.

Parsed leniently from the draft document (DESIGN.md, ``lever-desktop/draft@1``): a draft is
never trusted, but a malformed confidence or evidence entry loses nothing else.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any

DRAFT_SCHEMA = "lever-desktop/draft@1"


@dataclass(frozen=True)
class Evidence:
    """A quote from the interview transcript, with its position in the recording if known."""

    quote: str
    at_ms: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"quote": self.quote, "atMs": self.at_ms}

    @property
    def timestamp(self) -> str:
        """ "12:14" (or "1:02:03") into the interview; "" when unknown."""
        if self.at_ms is None:
            return ""
        minutes, seconds = divmod(self.at_ms // 1000, 60)
        hours, minutes = divmod(minutes, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@dataclass(frozen=True)
class Provenance:
    ai_value: Any
    confidence: float | None  # 0..1; None when the draft gave none (treated as low)
    evidence: tuple[Evidence, ...] = ()
    rationale: str = ""
    ai_problem: str | None = None  # why the AI value cannot be sent as is
    suggestion: Any = None  # a corrected value for a near miss; applied only on request

    @property
    def has_suggestion(self) -> bool:
        return self.suggestion is not None

    def is_low(self, threshold: float) -> bool:
        return self.confidence is None or self.confidence < threshold

    def as_dict(self) -> dict[str, Any]:
        return {
            "aiValue": copy.deepcopy(self.ai_value),
            "confidence": self.confidence,
            "evidence": [e.as_dict() for e in self.evidence],
            "rationale": self.rationale,
            "aiProblem": self.ai_problem,
            "suggestion": copy.deepcopy(self.suggestion),
        }


def parse_confidence(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) and 0.0 <= value <= 1.0 else None


def parse_evidence(value: Any) -> tuple[Evidence, ...]:
    if not isinstance(value, list):
        return ()
    out: list[Evidence] = []
    for item in value:
        if isinstance(item, str) and item.strip():
            out.append(Evidence(item))
        elif isinstance(item, dict) and isinstance(item.get("quote"), str) and item["quote"].strip():
            at = item.get("atMs")
            valid_at = isinstance(at, int) and not isinstance(at, bool) and at >= 0
            out.append(Evidence(item["quote"], at if valid_at else None))
    return tuple(out)


def draft_values(doc: Any) -> dict[str, Any]:
    """{field id: AI value} of a draft document (the last answer wins for a repeated id)."""
    entries, _notices = draft_entries(doc)
    return {entry["id"]: copy.deepcopy(entry.get("value")) for entry in entries}


def draft_entries(doc: Any) -> tuple[list[dict[str, Any]], list[str]]:
    """The field entries of a draft document, and notices about what was odd in it."""
    if not isinstance(doc, dict):
        raise ValueError("A draft must be a JSON object with a “fields” list.")
    notices: list[str] = []
    if doc.get("schema") not in (None, DRAFT_SCHEMA):
        notices.append(f"The draft uses schema “{doc.get('schema')}”; read as {DRAFT_SCHEMA}.")
    fields = doc.get("fields")
    if not isinstance(fields, list):
        raise ValueError("The draft has no “fields” list.")
    entries = [f for f in fields if isinstance(f, dict) and isinstance(f.get("id"), str)]
    if len(entries) != len(fields):
        notices.append(f"{len(fields) - len(entries)} draft answer(s) without a field id were ignored.")
    return entries, notices
