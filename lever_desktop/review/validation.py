"""Values of a draft checked against a template version, through the forms domain.

The review layer never decides on its own what a valid value is: the forms
layer's ``FeedbackForm`` does, and builds the exact ``fieldValues`` Lever
receives. This module turns its answer into plain flags for drafts and the
audit trail. It also refuses text no form may carry (control characters, lone
surrogates): a value typed into the review, or stored before intake refused it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lever_desktop.forms import FeedbackForm
from lever_desktop.review import queue
from lever_desktop.review.lifecycle import AttentionReason
from lever_desktop.untrusted import printable, value_problems


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
        bad_text = next(value_problems(value, "the answer"), None)
        if bad_text is not None:
            out.errors.append({"fieldId": fid, "message": bad_text})
        try:
            form.set(fid, value)
        except ValueError as e:  # e.g. a field of a type Lever Desktop cannot edit
            out.errors.append({"fieldId": fid, "message": str(e)})
    out.errors.extend({"fieldId": e.field_id, "message": str(e)} for e in form.errors())
    if not out.errors:
        out.field_values = form.field_values()
    return out


def unsendable(body: dict[str, Any]) -> str | None:
    """Why an approved request can never be sent, or None.

    A form approved before intake refused such text may hold a lone surrogate (the POST cannot
    even be encoded) or a control character: the outbox moves it to "needs attention" with this
    reason instead of claiming, failing and re-queuing it forever.
    """
    for fv in body.get("fieldValues") or []:
        if isinstance(fv, dict):
            problem = next(value_problems(fv.get("value"), f"the answer to field {fv.get('id')}"), None)
            if problem is not None:
                return f"The form cannot be sent to Lever: {printable(problem)}."
    rest = {k: v for k, v in body.items() if k != "fieldValues"}
    problem = next(value_problems(rest, "the request"), None)
    return None if problem is None else f"The form cannot be sent to Lever: {printable(problem)}."


def hold_if_unsendable(conn: Any, draft_id: str, body: dict[str, Any]) -> bool:
    """In the outbox's transaction: an unsendable form goes to "needs attention" with the reason
    (True), so it is neither claimed nor retried; the reviewer fixes the text and approves again."""
    problem = unsendable(body)
    if problem is not None:
        queue.needs_attention(conn, draft_id, AttentionReason.UNSENDABLE_TEXT, {"message": problem})
    return problem is not None
