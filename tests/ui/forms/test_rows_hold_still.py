"""#14.8: a fix button appearing under an answer does not move the questions below it."""

from __future__ import annotations

from PySide6.QtCore import Qt

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
