"""Template drift: what changed between the template a draft was written against and today's.

For each field we say what changed and whether the draft's answer still applies: an answer
applies when it is still valid for the current definition and means the same thing (a
scorecard whose skills changed no longer lines up, even when the count happens to match).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .definitions import FieldDefinition, parse_field, unwrap_template
from .kinds import describe
from .registry import kind_for

ADDED_REQUIRED = "added-required"
ADDED_OPTIONAL = "added-optional"
REMOVED = "removed"
RENAMED = "renamed"
TYPE_CHANGED = "type-changed"
OPTIONS_CHANGED = "options-changed"
SCORECARD_CHANGED = "scorecard-changed"
NOW_REQUIRED = "now-required"
NO_LONGER_REQUIRED = "no-longer-required"


@dataclass(frozen=True)
class FieldDrift:
    field_id: str
    label: str
    changes: tuple[str, ...]
    applies: bool | None  # None: the draft has no answer for this field
    notes: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {
            "fieldId": self.field_id,
            "label": self.label,
            "changes": list(self.changes),
            "applies": self.applies,
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class TemplateDrift:
    fields: list[FieldDrift] = field(default_factory=list)

    @property
    def changed(self) -> list[FieldDrift]:
        return [f for f in self.fields if f.changes]

    @property
    def has_drift(self) -> bool:
        return bool(self.changed)

    def for_field(self, field_id: str) -> FieldDrift | None:
        return next((f for f in self.fields if f.field_id == field_id), None)

    def as_dict(self) -> dict[str, Any]:
        return {"hasDrift": self.has_drift, "fields": [f.as_dict() for f in self.fields]}


def _definitions(template: dict[str, Any]) -> dict[str, FieldDefinition]:
    raw = unwrap_template(template).get("fields")
    parsed = [parse_field(f, i) for i, f in enumerate(raw if isinstance(raw, list) else [])]
    return {d.id: d for d in parsed}


def compare_templates(
    old: dict[str, Any], new: dict[str, Any], draft_values: dict[str, Any] | None = None
) -> TemplateDrift:
    """Per field (current template order, then removed ones): what changed, does the answer apply."""
    before, after = _definitions(old), _definitions(new)
    values = draft_values or {}
    out = [_compare(before.get(i), d, values.get(i)) for i, d in after.items()]
    out += [_removed(d, values.get(i)) for i, d in before.items() if i not in after]
    return TemplateDrift(out)


def _removed(old: FieldDefinition, value: Any) -> FieldDrift:
    has_value = not kind_for(old).is_empty(value)
    notes = ("No longer on the template: the draft's answer will not be sent.",) if has_value else ()
    return FieldDrift(old.id, old.label, (REMOVED,), False if has_value else None, notes)


def _compare(old: FieldDefinition | None, new: FieldDefinition, value: Any) -> FieldDrift:
    kind = kind_for(new)
    if old is None:
        change = ADDED_REQUIRED if new.required else ADDED_OPTIONAL
        note = "New required question: answer it before approving." if new.required else "New question."
        return FieldDrift(new.id, new.label, (change,), None, (note,))
    changes: list[str] = []
    notes: list[str] = []
    meaning_changed = False
    if old.text != new.text:
        changes.append(RENAMED)
        notes.append(f"The question now reads “{new.label}” (was “{old.label}”): check the answer fits.")
    if old.type != new.type:
        changes.append(TYPE_CHANGED)
        notes.append(f"The answer type changed from {old.type} to {new.type}.")
        meaning_changed = True
    if old.option_texts != new.option_texts:
        changes.append(OPTIONS_CHANGED)
        gone = [o for o in old.option_texts if o not in new.option_texts]
        added = [o for o in new.option_texts if o not in old.option_texts]
        notes.append(_listing("Options removed", gone) + _listing(" Options added", added))
    if old.scores != new.scores:
        changes.append(SCORECARD_CHANGED)
        old_rows, new_rows = [r.text for r in old.scores], [r.text for r in new.scores]
        if old_rows != new_rows:
            meaning_changed = True  # scores are matched to skills by position
            gone = [r for r in old_rows if r not in new_rows]
            added = [r for r in new_rows if r not in old_rows]
            notes.append(
                _listing("Skills removed", gone) + _listing(" Skills added", added) or "The skills were reordered."
            )
        else:
            notes.append("Skill descriptions changed.")
    if old.required != new.required:
        changes.append(NOW_REQUIRED if new.required else NO_LONGER_REQUIRED)
    if kind.is_empty(value):
        applies = None
    elif meaning_changed or not kind.supported:
        applies = False
    else:
        problem = kind.validate(value)
        applies = problem is None
        if problem:
            notes.append(f"The draft's answer {describe(value)} no longer fits: {problem}")
    return FieldDrift(new.id, new.label, tuple(changes), applies, tuple(n for n in notes if n))


def _listing(title: str, items: list[str]) -> str:
    return f"{title.strip()}: {', '.join(items)}." if items else ""
