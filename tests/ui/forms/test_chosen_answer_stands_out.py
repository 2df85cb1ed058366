"""A chosen answer (score, yes/no, rating) is drawn in the selection colour whenever the form is editable.

Seen in the sandbox: after Undo of an approval, the chosen scores were drawn grey, as a locked
form draws them. The template's form is kept and reused: the draft was loaded into it while it was
still locked from the approval, and the choice was painted in the locked form's colours, which
stayed when the form was unlocked a moment later.
"""

from __future__ import annotations

import copy
from typing import Any

from PySide6.QtGui import QPalette

from lever_desktop.forms import FeedbackForm

ACTIVE, DISABLED = QPalette.ColorGroup.Active, QPalette.ColorGroup.Disabled
BUTTON, HIGHLIGHT = QPalette.ColorRole.Button, QPalette.ColorRole.Highlight

TEMPLATE: list[dict[str, Any]] = [
    {"id": "q-fit", "type": "score", "text": "Role fit", "required": True},
    {"id": "q-work", "type": "yes-no", "text": "Work with them?", "required": True},
]
DRAFT_A = {
    "fields": [{"id": "q-fit", "value": 3, "confidence": 0.9}, {"id": "q-work", "value": "yes", "confidence": 0.9}]
}


def draft_b() -> dict[str, Any]:
    b = copy.deepcopy(DRAFT_A)
    b["fields"][0]["value"], b["fields"][1]["value"] = 2, "no"
    return b


def chosen_buttons(widget) -> list:
    return [button for row in widget.rows for button in row.editor.row.buttons if button.isChecked()]


def test_a_draft_loaded_into_a_locked_form_shows_its_choices_once_unlocked(make_form):
    widget = make_form(TEMPLATE, DRAFT_A)
    palette = widget.palette()
    assert palette.color(DISABLED, HIGHLIGHT) != palette.color(ACTIVE, HIGHLIGHT)  # else nothing to see
    widget.setEnabled(False)  # the approved draft, locked while it is sent
    form_b = FeedbackForm.from_template({"id": "t", "text": "Test form", "fields": TEMPLATE})
    form_b.apply_draft(draft_b())
    widget.load(form_b, widget.threshold)  # the next draft to review comes in...
    widget.setEnabled(True)  # ...and is unlocked: it may be edited
    chosen = chosen_buttons(widget)
    assert [b.text().split(" ")[0] for b in chosen] == ["2", "No"]  # B's answers, not A's
    for button in chosen:
        assert button.palette().color(ACTIVE, BUTTON) == palette.color(ACTIVE, HIGHLIGHT), button.text()
