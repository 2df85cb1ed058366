"""#14.8: a fix button appearing under an answer does not move the questions below it; #16.3: and
is made only when the draft needs it, its room kept meanwhile, so a long form opens quickly."""

from __future__ import annotations

from bench.bench_form_build import THRESHOLD, sixty_field_template
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QPushButton

from lever_desktop.forms import FeedbackForm
from lever_desktop.ui.forms import FeedbackFormWidget

FIELDS = [
    {"id": "a", "type": "text", "text": "Headline", "required": False},
    {
        "id": "b",
        "type": "dropdown",
        "text": "Level",
        "required": False,
        "options": [{"text": "Senior"}, {"text": "Staff"}],
    },
    {"id": "c", "type": "text", "text": "Notes", "required": False},
]
SURE = {
    "templateId": "t",
    "fields": [
        {"id": "a", "value": "Strong systems thinker", "confidence": 0.95},
        {"id": "b", "value": "Senior", "confidence": 0.95},
    ],
}


def settled_y(widget, row) -> int:
    widget.layout().activate()  # lay out now, as the next paint would
    return row.y()


def test_revert_appearing_and_going_keeps_the_rows_below_in_place(qtbot, make_form):
    widget = make_form(FIELDS, SURE)
    first, below = widget.row("a"), widget.row("b")
    y, height = settled_y(widget, below), first.height()
    assert first.revert_button is None or first.revert_button.isHidden()
    qtbot.keyClicks(first.editor.line, " and a mentor")  # the first keystroke makes it an edit
    assert first.revert_button is not None and first.revert_button.isVisibleTo(widget)
    assert settled_y(widget, below) == y and first.height() == height
    qtbot.mouseClick(first.revert_button, Qt.MouseButton.LeftButton)
    assert first.revert_button.isHidden() and first.editor.line.text() == "Strong systems thinker"
    assert settled_y(widget, below) == y


def test_revert_on_a_dropdown_keeps_the_next_question_in_place(qtbot, make_form):
    widget = make_form(FIELDS, SURE)
    row, below = widget.row("b"), widget.row("c")
    y = settled_y(widget, below)
    row.editor.combo.setFocus()
    qtbot.keyClick(row.editor.combo, Qt.Key.Key_Down)
    assert widget.form.get("b") == "Staff" and row.revert_button.isVisibleTo(widget)
    assert settled_y(widget, below) == y


def test_a_form_opens_without_the_buttons_its_draft_does_not_show(
    qtbot, make_form, every_type_template, every_type_draft
):
    """#16.3: a Revert button for every AI answer, made up front and hidden, cost ~0.15 ms a question
    of the first build; it is made on the first edit (with a Use or Confirm button, beside them),
    its room kept meanwhile: the rows below stay where they are when it appears (tests above)."""
    widget = make_form(every_type_template, every_type_draft)
    with_actions = [r for r in widget.rows if r.confirm_button or r.suggest_button]
    ai_answers = [r for r in widget.rows if r.field.provenance is not None and r.field.supported]
    assert len(ai_answers) > len(with_actions) + 3
    hidden_buttons = [b for b in widget.findChildren(QPushButton) if b.isHidden()]
    assert len(hidden_buttons) <= len(with_actions)
    assert all(r.revert_button is None for r in ai_answers if r not in with_actions)

    row = next(r for r in ai_answers if r not in with_actions and r.field.definition.type == "text")
    y = settled_y(widget, widget.rows[widget.rows.index(row) + 1])
    qtbot.keyClicks(row.editor.line, " and more")  # the first keystroke makes it an edit
    assert row.revert_button is not None and row.revert_button.isVisibleTo(widget)
    assert settled_y(widget, widget.rows[widget.rows.index(row) + 1]) == y


def test_a_sixty_question_form_makes_few_qt_objects_a_question(qtbot):
    """#16.3: each Qt object made from Python costs tens of µs of the first build (made, given
    its signals, asked once per virtual whether Python overrides it), far more than the Qt work
    it does; the 60-question bench form made 18.2 a question (a hidden Revert button and its
    line, a button group per choice). Counted, not timed: the same on a busy machine."""
    template, draft = sixty_field_template()
    form = FeedbackForm.from_template(template)
    form.apply_draft(draft)
    widget = FeedbackFormWidget(form, confidence_threshold=THRESHOLD)
    qtbot.addWidget(widget)
    made = len(widget.findChildren(QObject))
    assert made / len(form.fields) <= 17, f"{made} Qt objects for {len(form.fields)} questions"
