"""Feedback-form domain: field kinds, value codecs, validation, AI provenance, template drift.

No Qt here: the widgets in ``lever_desktop.ui.forms`` are a thin layer over these objects.
"""

from .definitions import DEFAULT_SCORE_SYSTEM, FieldDefinition, Option, ScorecardRow, parse_field
from .diff import FieldChange, draft_diff
from .drift import FieldDrift, TemplateDrift, compare_templates
from .field import FieldError, FormField
from .form import (
    DEFAULT_CONFIDENCE_THRESHOLD,
    Approval,
    FeedbackForm,
    FormNotReady,
    ReadOnlyField,
)
from .kinds import FieldKind
from .provenance import DRAFT_SCHEMA, Evidence, Provenance, draft_values
from .registry import KINDS, KNOWN_TYPES, kind_for

__all__ = [
    "DEFAULT_CONFIDENCE_THRESHOLD",
    "DEFAULT_SCORE_SYSTEM",
    "DRAFT_SCHEMA",
    "KINDS",
    "KNOWN_TYPES",
    "Approval",
    "Evidence",
    "FeedbackForm",
    "FieldChange",
    "FieldDefinition",
    "FieldDrift",
    "FieldError",
    "FieldKind",
    "FormField",
    "FormNotReady",
    "Option",
    "Provenance",
    "ReadOnlyField",
    "ScorecardRow",
    "TemplateDrift",
    "compare_templates",
    "draft_diff",
    "draft_values",
    "kind_for",
    "parse_field",
]
