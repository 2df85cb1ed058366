"""Values of a draft checked against a template version, through the forms domain.

The review layer never decides on its own what a valid value is: the forms
layer's ``FeedbackForm`` does, and builds the exact ``fieldValues`` Lever
receives. This module turns its answer into plain flags for drafts and the
audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lever_desktop.forms import FeedbackForm


@dataclass
class FormCheck:
    errors: list[dict[str, Any]] = field(default_factory=list)  # [{fieldId, message}]
    field_values: list[dict[str, Any]] = field(default_factory=list)
    unknown_fields: list[str] = field(default_factory=list)  # in the values, not in the template

    @property
    def ok(self) -> bool:
        return not self.errors and not self.unknown_fields


def check_values(template: dict[str, Any], values: dict[str, Any]) -> FormCheck:
    """Apply ``values`` ({field id: Lever value}) to a fresh form of ``template``."""
    form = FeedbackForm.from_template(template)
    known = {f.id for f in form.fields}
    out = FormCheck(unknown_fields=sorted(k for k in values if k not in known))
    for fid, value in values.items():
        if fid not in known:
            continue
        try:
            form.set(fid, value)
        except ValueError as e:  # e.g. a field of a type Lever Desktop cannot edit
            out.errors.append({"fieldId": fid, "message": str(e)})
    out.errors.extend({"fieldId": e.field_id, "message": str(e)} for e in form.errors())
    if not out.errors:
        out.field_values = form.field_values()
    return out

