"""Which kind handles which Lever field type."""

from __future__ import annotations

from .choice_kinds import (
    MultipleChoiceKind,
    MultipleSelectKind,
    ScoreKind,
    ScoreSystemKind,
    SingleChoiceKind,
)
from .definitions import FieldDefinition
from .kinds import (
    CodeKind,
    CurrencyKind,
    DateKind,
    FieldKind,
    TextareaKind,
    TextKind,
    UnknownKind,
    YesNoKind,
)
from .scorecard import ScorecardKind

KINDS: dict[str, type[FieldKind]] = {
    kind.type_name: kind
    for kind in (
        TextKind,
        TextareaKind,
        CodeKind,
        DateKind,
        SingleChoiceKind,
        MultipleChoiceKind,
        MultipleSelectKind,
        ScoreSystemKind,
        ScoreKind,
        ScorecardKind,
        YesNoKind,
        CurrencyKind,
    )
}
KNOWN_TYPES = tuple(KINDS)


def kind_for(definition: FieldDefinition) -> FieldKind:
    """The kind for a definition; unknown types (and fields without an id) are read-only."""
    if definition.id.startswith("#missing-id"):
        return UnknownKind(definition)
    return KINDS.get(definition.type, UnknownKind)(definition)
