"""For every field kind: clicks and key presses in the widget give Lever's exact wire value."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QCalendarWidget, QLineEdit, QPushButton

SETUP = [{"text": "On-site"}, {"text": "Hybrid"}, {"text": "Remote"}]
LANGS = [{"text": "Python"}, {"text": "Go"}, {"text": "SQL"}]


def one(field_type: str, **extra) -> list[dict]:
    return [{"id": "q", "type": field_type, "text": "Question", "required": False, **extra}]


def sent(widget) -> list[dict]:
    return widget.form.field_values()


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_text_line(qtbot, make_form):
    widget = make_form(one("text", prompt="e.g. Strong systems thinker"))
    line = widget.row("q").editor.line
    assert line.placeholderText() == "e.g. Strong systems thinker"
    qtbot.keyClicks(line, "Strong systems thinker")
    assert sent(widget) == [{"id": "q", "value": "Strong systems thinker"}]
    line.selectAll()
    qtbot.keyClick(line, Qt.Key.Key_Delete)
    assert sent(widget) == []  # never ""


def test_textarea_keeps_line_breaks_and_grows(qtbot, make_form):
    widget = make_form(one("textarea"))
    text = widget.row("q").editor.text
    small = text.sizeHint().height()
    qtbot.keyClicks(text, "Line one")
    for n in range(2, 9):
        qtbot.keyClick(text, Qt.Key.Key_Return)
        qtbot.keyClicks(text, f"Line {n}")
    assert sent(widget) == [{"id": "q", "value": "\n".join(["Line one"] + [f"Line {n}" for n in range(2, 9)])}]
    assert text.sizeHint().height() > small


def test_code_is_monospace_and_labelled(qtbot, make_form):
    widget = make_form(one("code", language="python"))
    editor = widget.row("q").editor
    assert editor.language_label.text() == "Code · Python"
    metrics = editor.text.fontMetrics()
    assert metrics.horizontalAdvance("iiii") == metrics.horizontalAdvance("MMMM")  # monospace
    qtbot.keyClicks(editor.text, "def f():")
    qtbot.keyClick(editor.text, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.text, "    return 1")
    assert sent(widget) == [{"id": "q", "value": "def f():\n    return 1"}]


def test_date_can_be_typed_picked_stepped_and_cleared(qtbot, make_form):
    widget = make_form(one("date"))
    editor = widget.row("q").editor
    assert editor.date_line.text() == "" and sent(widget) == []
    qtbot.keyClicks(editor.date_line, "2025-01-31")
    assert sent(widget) == [{"id": "q", "value": midnight_ms(2025, 1, 31)}]
    qtbot.keyClick(editor.date_line, Qt.Key.Key_Up)  # a day later
    assert editor.date_line.text() == "2025-02-01"
    assert sent(widget) == [{"id": "q", "value": midnight_ms(2025, 2, 1)}]
    click(qtbot, editor.calendar_button)
    calendar = editor.host.findChild(QCalendarWidget)
    assert calendar.isVisible()
    assert calendar.selectedDate() == QDate(2025, 2, 1)
    calendar.clicked.emit(QDate(2025, 3, 14))  # what a click on the 14th does
    assert editor.date_line.text() == "2025-03-14"
    assert sent(widget) == [{"id": "q", "value": midnight_ms(2025, 3, 14)}]
    click(qtbot, editor.clear_button)
    assert sent(widget) == [] and editor.date_line.text() == ""


def midnight_ms(year: int, month: int, day: int) -> int:
    return int(datetime(year, month, day, tzinfo=UTC).timestamp() * 1000)


def test_dropdown_by_keyboard(qtbot, make_form):
    widget = make_form(one("dropdown", options=SETUP))
    combo = widget.row("q").editor.combo
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert sent(widget) == [{"id": "q", "value": "Hybrid"}]
    qtbot.keyClick(combo, Qt.Key.Key_Home)  # back to "— Choose —": no answer
    assert sent(widget) == []


def test_multiple_choice_radio_and_clear(qtbot, make_form):
    widget = make_form(one("multiple-choice", options=SETUP))
    editor = widget.row("q").editor
    click(qtbot, editor.buttons[2])
    assert sent(widget) == [{"id": "q", "value": "Remote"}]
    click(qtbot, editor.clear_button)
    assert sent(widget) == []


def test_multiple_select_checkboxes_in_template_order(qtbot, make_form):
    widget = make_form(one("multiple-select", options=LANGS))
    boxes = widget.row("q").editor.boxes
    click(qtbot, boxes[2])
    click(qtbot, boxes[0])
    assert sent(widget) == [{"id": "q", "value": ["Python", "SQL"]}]
    boxes[1].setFocus()
    qtbot.keyClick(boxes[1], Qt.Key.Key_Space)
    assert sent(widget) == [{"id": "q", "value": ["Python", "Go", "SQL"]}]
    for box in boxes:
        click(qtbot, box)
    assert sent(widget) == []  # never []


def test_score_system_buttons_and_number_keys(qtbot, make_form):
    widget = make_form([{"id": "q", "type": "score-system", "text": "Overall", "required": True}])
    row = widget.row("q").editor.row
    assert [b.text() for b in row.buttons] == ["4 - Strong Hire", "3 - Hire", "2 - No Hire", "1 - Strong No Hire"]
    row.buttons[0].setFocus()
    qtbot.keyClick(row.buttons[0], Qt.Key.Key_3)
    assert sent(widget) == [{"id": "q", "value": "3 - Hire"}]
    click(qtbot, row.buttons[0])
    assert sent(widget) == [{"id": "q", "value": "4 - Strong Hire"}]
    click(qtbot, row.buttons[0])  # a required rating cannot be un-chosen by a stray click
    assert sent(widget) == [{"id": "q", "value": "4 - Strong Hire"}]


def test_score_four_steps_that_clear(qtbot, make_form):
    widget = make_form(one("score"))
    row = widget.row("q").editor.row
    click(qtbot, row.buttons[2])
    assert sent(widget) == [{"id": "q", "value": 3}]
    click(qtbot, row.buttons[2])  # clicking the chosen step again clears it
    assert sent(widget) == []
    qtbot.keyClick(row.buttons[0], Qt.Key.Key_4)
    assert sent(widget) == [{"id": "q", "value": 4}]
    qtbot.keyClick(row.buttons[0], Qt.Key.Key_Delete)
    assert sent(widget) == []
    qtbot.keyClick(row.buttons[0], Qt.Key.Key_1)
    click(qtbot, row.clear_button)
    assert sent(widget) == []


def test_score_with_options_sends_the_option_text(qtbot, make_form):
    options = [{"text": "4 - Strong yes"}, {"text": "3 - Yes"}, {"text": "2 - No"}, {"text": "1 - Strong no"}]
    widget = make_form(one("score", options=options))
    row = widget.row("q").editor.row
    qtbot.keyClick(row.buttons[0], Qt.Key.Key_2)
    assert sent(widget) == [{"id": "q", "value": "2 - No"}]


def test_scorecard_rows(qtbot, make_form):
    skills = [{"text": "System design", "description": "Failure modes"}, {"text": "Coding"}]
    widget = make_form(one("scorecard", scores=skills, required=True))
    editor = widget.row("q").editor
    click(qtbot, editor.rows[0].buttons[3])
    qtbot.keyClicks(editor.comments[0], "Outbox pattern")
    assert widget.form.errors()[0].message.startswith("“Coding” has no score yet")
    editor.rows[1].buttons[0].setFocus()  # the focused skill line takes the number key
    qtbot.keyClick(editor.rows[1].buttons[0], Qt.Key.Key_2)
    assert sent(widget) == [
        {"id": "q", "value": [{"score": 4, "comment": "Outbox pattern"}, {"score": 2, "comment": ""}]}
    ]
    assert editor.rows[0].buttons[0].toolTip() == "Failure modes"
    assert "Coding" in widget.row("q").message.text() or widget.row("q").message.isHidden()


def test_yes_no_toggle_that_clears(qtbot, make_form):
    widget = make_form(one("yes-no"))
    row = widget.row("q").editor.row
    click(qtbot, row.buttons[0])
    assert sent(widget) == [{"id": "q", "value": "yes"}]
    qtbot.keyClick(row.buttons[0], Qt.Key.Key_N)
    assert sent(widget) == [{"id": "q", "value": "no"}]
    click(qtbot, row.clear_button)
    assert sent(widget) == []


def test_currency_amount_with_iso_code(qtbot, make_form):
    widget = make_form(one("currency", currency="eur"))
    editor = widget.row("q").editor
    assert editor.code.text() == "EUR"
    qtbot.keyClicks(editor.amount, "145,000.50")
    assert sent(widget) == [{"id": "q", "value": 145000.5}]
    editor.amount.selectAll()
    qtbot.keyClicks(editor.amount, "120000")
    assert sent(widget) == [{"id": "q", "value": 120000}]


def test_unknown_type_is_shown_read_only(qtbot, make_form):
    widget = make_form(
        [
            {"id": "u", "type": "e-signature", "text": "Signature", "required": True},
            {"id": "n", "type": "text", "text": "Notes"},
        ]
    )
    row = widget.row("u")
    assert row.editor.notice.text().startswith("Read only: Lever Desktop cannot edit “e-signature” fields")
    assert "complete this feedback in Lever" in row.message.text()
    assert not row.findChildren(QLineEdit) and not row.findChildren(QPushButton)
    assert not widget.can_approve()
    assert any("e-signature" in reason for reason in widget.blocking_reasons())
