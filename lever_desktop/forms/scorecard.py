"""The scorecard kind: one ``{"score": 1-4, "comment": "..."}`` per skill, in template order.

Whether Lever accepts a missing comment or a 0 score is unconfirmed, so we always send both
keys, a score of 1–4 for every skill, and an empty string for a skill without a comment.
"""

from __future__ import annotations

from typing import Any

from .kinds import FieldKind, describe
from .near_miss import as_int, leading_number, normalise

Row = tuple[int | None, str]  # widget value of one skill: (score or None, comment)
LEVELS = (1, 2, 3, 4)


def _score_of(value: Any) -> int | None:
    number = as_int(value)
    if number is None and isinstance(value, str):
        number = leading_number(value)
    return number if number in LEVELS else None


class ScorecardKind(FieldKind):
    type_name = "scorecard"

    @property
    def rows(self) -> tuple[str, ...]:
        return tuple(r.text for r in self.definition.scores)

    def is_empty(self, value: Any) -> bool:
        if value is None or value == []:
            return True
        if not isinstance(value, list):
            return False
        return all(
            isinstance(item, dict)
            and item.get("score") is None
            and not str(item.get("comment") or "").strip()
            and set(item) <= {"score", "comment"}
            for item in value
        )

    def validate(self, value: Any) -> str | None:
        if not isinstance(value, list):
            return f"Expected one score per skill, got {describe(value)}."
        if len(value) != len(self.rows):
            return f"The scorecard has {len(self.rows)} skills but {len(value)} scores were given."
        for name, item in zip(self.rows, value, strict=True):
            if not isinstance(item, dict) or set(item) != {"score", "comment"}:
                return f"“{name}”: expected a score and a comment, got {describe(item)}."
            score = item["score"]
            if isinstance(score, bool) or not isinstance(score, int) or score not in LEVELS:
                if score is None:
                    return f"“{name}” has no score yet: give every skill a score from 1 to 4."
                return f"“{name}”: the score must be 1 to 4, not {describe(score)}."
            if not isinstance(item["comment"], str):
                return f"“{name}”: the comment must be text."
        return None

    def to_widget(self, value: Any) -> tuple[Row, ...]:
        items = value if isinstance(value, list) else []
        out: list[Row] = []
        for index in range(len(self.rows)):
            item = items[index] if index < len(items) and isinstance(items[index], dict) else {}
            score = item.get("score")
            valid = isinstance(score, int) and not isinstance(score, bool) and score in LEVELS
            comment = item.get("comment")
            out.append((score if valid else None, comment if isinstance(comment, str) else ""))
        return tuple(out)

    def from_widget(self, widget_value: Any) -> list[dict[str, Any]] | None:
        rows: list[Row] = list(widget_value or ())
        if all(score is None and not comment.strip() for score, comment in rows):
            return None
        return [{"score": score, "comment": comment} for score, comment in rows]

    def suggest(self, value: Any) -> Any | None:
        if not isinstance(value, list) or self.validate(value) is None:
            return None
        items = self._in_template_order(value)
        if items is None or len(items) != len(self.rows):
            return None
        fixed = []
        for item in items:
            raw = item if isinstance(item, dict) else {"score": item}
            score = _score_of(raw.get("score", raw.get("value")))
            comment = raw.get("comment", raw.get("note", ""))
            if score is None:
                return None
            fixed.append({"score": score, "comment": comment if isinstance(comment, str) else ""})
        return fixed

    def _in_template_order(self, value: list[Any]) -> list[Any] | None:
        """Rows named by skill (``{"text": "Communication", ...}``) put back in template order."""
        names = [normalise(str(item.get("text") or item.get("name") or "")) for item in value if isinstance(item, dict)]
        if len(names) != len(value) or not all(names):
            return value
        wanted = [normalise(r) for r in self.rows]
        if sorted(names) != sorted(wanted) or len(set(names)) != len(names):
            return None
        by_name = dict(zip(names, value, strict=True))
        return [{k: v for k, v in by_name[n].items() if k not in ("text", "name")} for n in wanted]
