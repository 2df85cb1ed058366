"""Feedback validation exactly as LEVER_API.md describes it, with the stricter readings.

Lever answers every invalid body with the same 400 ``Unable to create feedback``;
``FeedbackRejected.reason`` keeps the precise cause for the sandbox log.

Stricter readings where Lever is unconfirmed (a client that passes these passes Lever):
- ``""``, ``"null"`` and ``null`` are rejected as values (except ``null`` for ``score``):
  an optional field without an answer must be omitted.
- ``date`` accepts only integer epoch milliseconds, never ISO strings.
- ``scorecard`` needs one ``{"score": 1-4, "comment": str}`` per row, in order; a score of 0
  or a missing ``comment`` key is rejected.
- ``multiple-select`` needs a non-empty list of distinct option texts.
- ``currency`` needs a finite, non-negative number (bools are not numbers).
- Fields of a type the sandbox does not know (Lever may add some) accept no value at all.
- A field id that is not in the template's *current* version is rejected (template drift).
- Each field id may appear once.
"""

from __future__ import annotations

import math
from typing import Any


class FeedbackRejected(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _options(field: dict[str, Any]) -> list[str]:
    return [o.get("text") for o in field.get("options") or []]


def check_value(field: dict[str, Any], value: Any) -> str | None:
    """Why ``value`` is not acceptable for ``field``, or None when it is."""
    ftype = field.get("type")
    if ftype == "score" and value is None and not field.get("options"):
        return None
    if value is None or value == "" or value == "null":
        return "empty value (omit the field instead)"
    if ftype in ("text", "textarea", "code"):
        return None if isinstance(value, str) else "expected a string"
    if ftype == "date":
        return None if _is_int(value) and value > 0 else "expected integer epoch milliseconds"
    if ftype in ("dropdown", "multiple-choice", "score-system"):
        return (
            None if isinstance(value, str) and value in _options(field) else f"{value!r} is not an option's exact text"
        )
    if ftype == "multiple-select":
        opts = _options(field)
        if not isinstance(value, list) or not value:
            return "expected a non-empty array of option texts"
        if len(set(map(repr, value))) != len(value):
            return "repeated option"
        bad = [v for v in value if not isinstance(v, str) or v not in opts]
        return f"{bad!r} not among the options" if bad else None
    if ftype == "score":
        if field.get("options"):
            return None if isinstance(value, str) and value in _options(field) else "expected an option's exact text"
        return None if _is_int(value) and 1 <= value <= 4 else "expected an integer 1-4"
    if ftype == "scorecard":
        rows = field.get("scores") or []
        if not isinstance(value, list) or len(value) != len(rows):
            return f"expected {len(rows)} scorecard entries"
        for i, entry in enumerate(value):
            if not isinstance(entry, dict) or set(entry) - {"score", "comment"}:
                return f"entry {i} must be {{score, comment}}"
            if not _is_int(entry.get("score")) or not 1 <= entry["score"] <= 4:
                return f"entry {i}: score must be an integer 1-4"
            if not isinstance(entry.get("comment"), str):
                return f"entry {i}: comment must be a string"
        return None
    if ftype == "yes-no":
        return None if value in ("yes", "no") else 'expected "yes" or "no"'
    if ftype == "currency":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
        return None if ok else "expected a non-negative amount"
    return f"field type {ftype!r} accepts no value"


def is_required(field: dict[str, Any]) -> bool:
    # Lever sometimes sends required as 1/0.
    return bool(field.get("required"))


def check_field_values(
    template: dict[str, Any], field_values: Any, *, completed: bool, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validated ``{field id: value}`` (merged over ``previous`` for edits)."""
    if not isinstance(field_values, list):
        raise FeedbackRejected("fieldValues must be an array")
    by_id = {f["id"]: f for f in template["fields"]}
    values = dict(previous or {})
    seen: set[str] = set()
    for item in field_values:
        if not isinstance(item, dict) or not isinstance(item.get("id"), str) or "value" not in item:
            raise FeedbackRejected(f"fieldValues entry {item!r} must be {{id, value}}")
        fid = item["id"]
        if fid in seen:
            raise FeedbackRejected(f"field {fid} given twice")
        seen.add(fid)
        field = by_id.get(fid)
        if field is None:
            raise FeedbackRejected(f"field {fid} is not in template {template['id']} (current version)")
        why = check_value(field, item["value"])
        if why:
            raise FeedbackRejected(f"field {fid} ({field['type']} {field['text']!r}): {why}")
        values[fid] = item["value"]
    if completed:
        missing = [f["text"] for f in template["fields"] if is_required(f) and values.get(f["id"]) is None]
        if missing:
            raise FeedbackRejected(f"required fields without a value: {missing}")
    return values
