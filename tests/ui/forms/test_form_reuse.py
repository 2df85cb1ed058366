"""A built form reused for another draft of its template shows that draft exactly as a fresh build would.

Each check flips A -> B -> A in one widget after the reviewer has worked on A (fixes accepted,
answers confirmed and edited, evidence opened, problems shown, focus inside) and compares every
row with a form built from scratch for the same draft.
"""

from __future__ import annotations

import copy
from typing import Any

from helpers.form_fixtures import unknown_type_template  # noqa: F401 (tests/ is on sys.path: helpers/)
from helpers.form_looks import form_of, looks
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit

from lever_desktop.forms import FeedbackForm
from lever_desktop.ui.forms import FeedbackFormWidget
from lever_desktop.ui.forms.built_forms import BuiltForms


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def draft_b(draft_a: dict[str, Any]) -> dict[str, Any]:
    """Another interview on the same template: other answers, other confidence, less provenance."""
    b = copy.deepcopy(draft_a)
    b["draftId"] = "draft-every-type-2"
    by_id = {f["id"]: f for f in b["fields"]}
    by_id["f-rating"].update(value="2 - No Hire", confidence=0.95, evidence=[], rationale="")  # valid, sure
    by_id["f-summary"].update(value="Vague on failure handling.", confidence=0.3)  # unsure: confirm
    by_id["f-relocate"].update(value="yes", confidence=0.99)
    by_id["f-langs"].update(value=["Go"])
    # no AI answer at all: one optional question, one required (unanswered is not marked until touched)
    b["fields"] = [f for f in b["fields"] if f["id"] not in ("f-headline", "f-level")]
    return b


def fresh(make_form, template, draft, values=None) -> FeedbackFormWidget:
    widget = make_form(template, draft)
    if values is not None:
        widget.form.restore({"values": values})
        widget.refresh()
    return widget


def work_on(qtbot, widget: FeedbackFormWidget) -> None:
    """What a reviewer does to draft A before flipping on."""
    click(qtbot, widget.row("f-rating").suggest_button)
    click(qtbot, widget.row("f-relocate").confirm_button)
    click(qtbot, widget.row("f-summary").ai_badge)  # evidence open
    click(qtbot, widget.row("f-rating").ai_badge)
    headline = widget.row("f-headline").editor.focus_target()
    assert isinstance(headline, QLineEdit)
    headline.setFocus()
    qtbot.keyClicks(headline, " indeed")
    widget.show_all_problems()
    assert widget.row("f-headline").revert_button.isVisible() and widget.row("f-summary").evidence.isVisible()


def test_flipping_a_b_a_shows_exactly_each_drafts_state(qtbot, make_form, every_type_template, every_type_draft):
    template, a, b = every_type_template, every_type_draft, draft_b(every_type_draft)
    widget = make_form(template, a)
    widget.activateWindow()
    form_a = widget.form
    work_on(qtbot, widget)
    edited_a = copy.deepcopy(form_a.state())

    form_b = form_of(template, b)
    assert widget.fits(form_b)
    widget.load(form_b, 0.6)
    assert widget.form is form_b
    assert looks(widget) == looks(fresh(make_form, template, b))
    assert not widget.isAncestorOf(QApplication.focusWidget())  # the focus stayed with draft A
    assert widget.row("f-headline").ai_badge.isHidden()
    assert widget.row("f-headline").editor.value() == ""  # B has no answer here; A's edit is not shown

    # Edits made now go to B only, and A's saved edits are untouched.
    summary = widget.row("f-summary").editor.focus_target()
    assert isinstance(summary, QPlainTextEdit)
    summary.setFocus()
    qtbot.keyClicks(summary, " B only")
    assert form_b.get("f-summary") in ("Vague on failure handling. B only", " B onlyVague on failure handling.")
    assert form_a.state() == edited_a

    # Back to A as it was saved: its edits (and only those) come back, the rest as the AI drafted.
    widget.load(form_of(template, a, edited_a["values"]), 0.6)
    assert looks(widget) == looks(fresh(make_form, template, a, edited_a["values"]))
    assert widget.row("f-headline").editor.value() == "Strong systems thinker indeed"
    assert widget.row("f-summary").editor.value() == a["fields"][1]["value"]
    assert widget.row("f-summary").evidence is None or widget.row("f-summary").evidence.isHidden()

    # And back to B unedited: nothing of A's fixes, confirmation or problem marks remains.
    widget.load(form_of(template, b), 0.6)
    assert looks(widget) == looks(fresh(make_form, template, b))


def test_an_undo_in_a_reused_form_never_brings_back_the_other_drafts_text(
    qtbot, make_form, every_type_template, every_type_draft
):
    widget = make_form(every_type_template, every_type_draft)
    summary = widget.row("f-summary").editor.focus_target()
    summary.setFocus()
    qtbot.keyClicks(summary, " A's words")
    widget.load(form_of(every_type_template, draft_b(every_type_draft)), 0.6)
    summary.setFocus()
    summary.undo()
    assert summary.toPlainText() == "Vague on failure handling."
    assert widget.form.get("f-summary") == "Vague on failure handling."


def test_a_read_only_question_shows_the_value_on_file_of_the_draft_shown(qtbot, make_form, unknown_type_template):
    def with_signature(value):
        form = FeedbackForm.from_template(unknown_type_template)
        form.field("u-signature").value = value  # kept as Lever had it (an amendment)
        return form

    widget = make_form(unknown_type_template)
    signed = with_signature({"signedBy": "Ada"})
    widget.load(signed, 0.6)
    on_file = widget.row("u-signature").editor.on_file
    assert on_file.isVisibleTo(widget) and "Ada" in on_file.text()
    widget.load(with_signature(None), 0.6)
    assert on_file.isHidden()
    reference = make_form(unknown_type_template)
    reference.form.field("u-signature").value = {"signedBy": "Ada"}
    reference.refresh()
    widget.load(signed, 0.6)
    assert looks(widget) == looks(reference)


def test_approvable_is_reported_for_the_draft_loaded(qtbot, make_form, every_type_template, every_type_draft):
    widget = make_form(every_type_template, every_type_draft)
    assert not widget.can_approve()
    b = draft_b(every_type_draft)
    for entry in b["fields"]:
        entry["confidence"] = 0.99
    b["fields"] = [e for e in b["fields"] if e["id"] not in ("f-culture",)] + [
        {"id": "f-culture", "value": 3, "confidence": 0.99, "evidence": [], "rationale": ""},
        {"id": "f-level", "value": "Senior", "confidence": 0.99, "evidence": [], "rationale": ""},
    ]
    widget.load(form_of(every_type_template, b), 0.6)
    assert widget.can_approve(), widget.blocking_reasons()
    with qtbot.waitSignal(widget.approvableChanged) as changed:  # the change is measured from B, not A
        widget.row("f-summary").editor.set_value("")
        widget.row("f-summary").editor.on_edit()
    assert changed.args == [False]


def test_built_forms_are_reused_per_template_and_dropped_when_the_template_changes(
    qtbot, every_type_template, every_type_draft
):
    built: list[FeedbackFormWidget] = []
    kept = BuiltForms(built.append, keep=2)
    template, a, b = every_type_template, every_type_draft, draft_b(every_type_draft)
    first = kept.widget_for("tmpl-every-type", form_of(template, a), 0.6)
    qtbot.addWidget(first)
    assert kept.widget_for("tmpl-every-type", form_of(template, b), 0.6) is first and built == [first]

    changed = copy.deepcopy(template)
    changed["data"]["fields"][2]["text"] = "Headline (one line)"  # a new version of the template
    second = kept.widget_for("tmpl-every-type", form_of(changed, b), 0.6)
    qtbot.addWidget(second)
    assert second is not first and built == [first, second] and not kept.holds(first)
    assert second.row("f-headline").title.text() == "Headline (one line)"

    others = [kept.widget_for(f"tmpl-{n}", form_of(template, a), 0.6) for n in range(2)]
    for w in others:
        qtbot.addWidget(w)
    assert not kept.holds(second) and all(kept.holds(w) for w in others)  # at most `keep` templates
