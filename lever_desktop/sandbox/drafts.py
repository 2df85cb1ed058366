"""AI draft documents (DESIGN.md ``lever-desktop/draft@1``) for completed interviews.

Values are realistic for every field type, each with a confidence, evidence quotes
from a synthetic transcript (``atMs`` into the recording) and a rationale. Some drafts
carry one deliberate flaw for the reviewer to catch — an option in the wrong case, a
score out of range, or a required field left out — chosen from the seed, so the same
seed flaws the same drafts.
"""

from __future__ import annotations

import random
from typing import Any

from lever_desktop.sandbox.catalog import DAY_MS
from lever_desktop.sandbox.validation import is_required

SCHEMA = "lever-desktop/draft@1"
MODEL = "sandbox-drafter-1"
FLAWS = ("option-case", "score-out-of-range", "missing-required")

_LINES = [
    "I led the migration of our billing service to event sourcing.",
    "We measured p99 latency before and after, it dropped by forty percent.",
    "Honestly I struggled with the on-call rotation at first.",
    "I like pairing, especially when onboarding someone new.",
    "The hardest bug I fixed was a race in our cache invalidation.",
    "I would want to start in about two months.",
    "My expectation is around eighty-five thousand euros.",
    "I mostly write Python and some TypeScript these days.",
    "I wrote the tests first, then refactored the parser.",
    "I am looking for a team that cares about craft.",
    "I disagreed with my manager once and wrote a design doc to settle it.",
    "Yes, I have the right to work here.",
]


def transcript(rng: random.Random, minutes: int = 45) -> list[tuple[int, str]]:
    """``(atMs, line)`` pairs of the candidate's side of a recorded interview."""
    at = 60_000
    out = []
    for line in rng.sample(_LINES, len(_LINES)):
        at += rng.randrange(60_000, minutes * 60_000 // len(_LINES) + 60_001)
        out.append((at, line))
    return out


_CODE = {
    "python": "def dedupe(items):\n    return list(dict.fromkeys(items))\n",
    "javascript": "function dedupe(items) {\n  return [...new Set(items)];\n}\n",
}


def sample_value(field: dict[str, Any], rng: random.Random, now_ms: int) -> Any:
    """A valid, plausible value for ``field`` (None for types we cannot fill)."""
    t = field.get("type")
    options = [o["text"] for o in field.get("options") or []]
    if t == "text":
        return rng.choice(["Strong systems thinker", "Solid, a bit junior", "Great communicator"])
    if t == "textarea":
        return rng.choice(_LINES) + " " + rng.choice(_LINES)
    if t == "code":  # in the language the template asks for: the form labels it so
        return _CODE.get(str(field.get("language") or "").lower(), _CODE["python"])
    if t == "date":
        return now_ms + rng.randrange(14, 120) * DAY_MS
    if t in ("dropdown", "multiple-choice", "score-system"):
        return rng.choice(options)
    if t == "multiple-select":
        return rng.sample(options, rng.randrange(1, min(3, len(options)) + 1))
    if t == "score":
        return rng.choice(options) if options else rng.randrange(1, 5)
    if t == "scorecard":
        return [
            {"score": rng.randrange(1, 5), "comment": rng.choice(["Clear examples", "Some gaps", "Convincing"])}
            for _ in field.get("scores") or []
        ]
    if t == "yes-no":
        return rng.choice(["yes", "no"])
    if t == "currency":
        return rng.randrange(60, 140) * 1000
    return None


def _flaw(field: dict[str, Any], kind: str, value: Any) -> Any:
    if kind == "option-case" and isinstance(value, str):
        return value.upper() if value != value.upper() else value.lower()
    if kind == "score-out-of-range":
        if field["type"] == "scorecard":
            return [{**value[0], "score": 5}] + value[1:]
        if field["type"] == "score-system":
            return "5 - Exceptional Hire"  # a fifth point on a four-point scale
        return 5
    return value


def _applies(field: dict[str, Any], kind: str) -> bool:
    t = field.get("type")
    if kind == "option-case":
        return t in ("dropdown", "multiple-choice", "score-system")
    if kind == "score-out-of-range":
        return (
            (t == "score" and not field.get("options"))
            or (t == "scorecard" and bool(field.get("scores")))
            or t == "score-system"
        )
    return is_required(field)


def choose_flaw(rng: random.Random) -> str | None:
    """About one draft in three is flawed."""
    roll = rng.randrange(6)
    return FLAWS[roll] if roll < len(FLAWS) else None


def make_draft(
    *,
    rng: random.Random,
    template: dict[str, Any],
    opportunity_id: str,
    panel_id: str,
    interview_id: str,
    interviewer_email: str,
    now_ms: int,
    flaw: str | None,
) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The draft document and the list of flaws planted in it (``[{field, kind}]``)."""
    lines = transcript(rng)
    fields_out: list[dict[str, Any]] = []
    flaws: list[dict[str, str]] = []
    targets = [f for f in template["fields"] if flaw and _applies(f, flaw)]
    target = targets[rng.randrange(len(targets))]["id"] if targets else None
    for field in template["fields"]:
        value = sample_value(field, rng, now_ms)
        if value is None:
            continue  # a type the drafter cannot fill: leave it to the reviewer
        if flaw is None or field["id"] != target:
            pass
        elif flaw == "missing-required":
            flaws.append({"field": field["id"], "kind": flaw})
            continue
        else:
            value = _flaw(field, flaw, value)
            flaws.append({"field": field["id"], "kind": flaw})
        quotes = rng.sample(lines, 2)
        fields_out.append(
            {
                "id": field["id"],
                "value": value,
                "confidence": round(rng.uniform(0.35, 0.98), 2),
                "evidence": [{"quote": q, "atMs": at} for at, q in sorted(quotes)],
                "rationale": f"Based on what the candidate said about {field['text'].lower()}.",
            }
        )
    doc = {
        "schema": SCHEMA,
        "draftId": f"sandbox-{interview_id}",
        "opportunityId": opportunity_id,
        "templateId": template["id"],
        "panelId": panel_id,
        "interviewId": interview_id,
        "interviewerEmail": interviewer_email,
        "createdAt": now_ms,
        "model": MODEL,
        "fields": fields_out,
    }
    return doc, flaws
