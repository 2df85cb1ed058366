"""What is left to check on a draft, told one way for the editor and the drafts list (#14.5, #14.6).

A flag on a field is a *check*: it is open while that field still needs the reviewer (an invalid
answer, an unsure AI answer not confirmed, a suggested fix not taken) and done once it does not;
those are exactly what keeps Approve disabled, so the count and the button agree. A flag on
no field ("Interview … is not in the cache") is a *note*: shown, never counted, since nothing
in the form resolves it; the ones a re-read of Lever can clear say so (``REFRESHABLE``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lever_desktop.forms import FeedbackForm
from lever_desktop.forms.field import same_value
from lever_desktop.review.drafts import DraftRecord

# Notes that a re-read of the opportunity (and the template) from Lever may clear: intake.relink.
REFRESHABLE = frozenset(
    {
        "unknown_opportunity",
        "unknown_interview",
        "unknown_panel",
        "unknown_template",
        "interview_mismatch",
        "panel_mismatch",
    }
)


@dataclass(frozen=True)
class Progress:
    """One draft's review so far, as the list shows it."""

    open_checks: int  # field flags still needing the reviewer
    checks: int  # field flags in all
    notes: int  # flags on no field (not counted as checks)
    edited: bool  # the reviewer changed or confirmed an AI answer


def is_check(flag: dict[str, Any], form: FeedbackForm) -> bool:
    field_id = flag.get("fieldId")
    return isinstance(field_id, str) and field_id in {f.id for f in form.fields}


def check_open(flag: dict[str, Any], form: FeedbackForm, threshold: float) -> bool:
    """A check is open while its field still needs the reviewer."""
    return form.field(flag["fieldId"]).status(threshold).needs_attention


def reviewed_form(rec: DraftRecord, built: dict[Any, FeedbackForm] | None = None) -> FeedbackForm | None:
    """The draft's form as the reviewer left it (AI answers, their edits and confirmations).

    ``built``: forms already built per template version, reused (``apply_draft`` starts afresh).
    """
    if not rec.template:
        return None
    key = (rec.template_id, rec.template_version)
    form = (built or {}).get(key) or FeedbackForm.from_template(rec.template)
    if built is not None:
        built[key] = form
    form.apply_draft(rec.document)
    form.restore({"values": rec.values or {}, "confirmed": rec.confirmed})
    return form


def progress(rec: DraftRecord, threshold: float, built: dict[Any, FeedbackForm] | None = None) -> Progress:
    form = reviewed_form(rec, built)
    if form is None:  # no template yet: nothing in a form can be checked
        return Progress(0, 0, len(rec.flags), bool(rec.values))
    checks = [f for f in rec.flags if is_check(f, form)]
    ai = rec.ai_values()
    edited = bool(rec.confirmed) or any(not same_value(v, ai.get(k)) for k, v in (rec.values or {}).items())
    return Progress(
        sum(check_open(f, form, threshold) for f in checks), len(checks), len(rec.flags) - len(checks), edited
    )
