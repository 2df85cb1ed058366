"""What the reviewer changed in the AI's draft, as plain data for the review screen and audit."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from .form import FeedbackForm

KEPT, EDITED, CLEARED, FILLED = "kept", "edited", "cleared", "filled"


@dataclass(frozen=True)
class FieldChange:
    field_id: str
    label: str
    change: str  # kept | edited | cleared | filled
    ai_value: Any
    value: Any
    confidence: float | None
    confirmed: bool

    def as_dict(self) -> dict[str, Any]:
        return {
            "fieldId": self.field_id,
            "label": self.label,
            "change": self.change,
            "aiValue": copy.deepcopy(self.ai_value),
            "value": copy.deepcopy(self.value),
            "confidence": self.confidence,
            "confirmed": self.confirmed,
        }


def draft_diff(form: FeedbackForm, *, include_kept: bool = True) -> list[FieldChange]:
    """One entry per field the AI answered or the reviewer filled, in form order.

    ``filled``: the reviewer answered a question the AI left empty; ``cleared``: the reviewer
    removed the AI's answer; ``edited``: a different answer; ``kept``: the AI's answer stands.
    """
    changes: list[FieldChange] = []
    for f in form.fields:
        ai_value = f.provenance.ai_value if f.provenance else None
        ai_empty = f.kind.is_empty(ai_value)
        if ai_empty and f.is_empty:
            continue
        if ai_empty:
            change = FILLED
        elif f.is_empty:
            change = CLEARED
        else:
            change = EDITED if f.edited else KEPT
        if change == KEPT and not include_kept:
            continue
        changes.append(
            FieldChange(
                field_id=f.id,
                label=f.label,
                change=change,
                ai_value=copy.deepcopy(ai_value),
                value=copy.deepcopy(f.value),
                confidence=f.provenance.confidence if f.provenance else None,
                confirmed=f.confirmed,
            )
        )
    return changes
