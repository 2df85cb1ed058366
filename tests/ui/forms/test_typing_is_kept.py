"""#14.2: what the reviewer types into a number or date box is never read as another value.

Text that is not an amount or a date stays in the box as typed, the row says why in words,
and the draft cannot be approved until it is fixed; the typed text survives a reload.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt

from lever_desktop.forms import FeedbackForm


def one(field_type: str, **extra) -> list[dict]:
    return [{"id": "q", "type": field_type, "text": "Salary", "required": False, **extra}]


def type_into(qtbot, box, text: str) -> None:
    box.selectAll()
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    qtbot.keyClicks(box, text)


@pytest.mark.parametrize("typed", ["13O000", "1,3", "130,5", "12.345", "130k", "-5", ".5"])
def test_an_amount_that_does_not_read_is_shown_as_typed_and_refused(qtbot, make_form, typed):
    widget = make_form(one("currency", currency="usd"))
    row = widget.row("q")
    type_into(qtbot, row.editor.amount, typed)
    assert row.editor.amount.text() == typed  # not a keystroke dropped, nothing rewritten
    assert widget.form.field_values(strict=False) == []  # nothing is sent for it
    assert not widget.can_approve()
    assert any(typed in reason for reason in widget.blocking_reasons())
    assert row.message.isVisible() and typed in row.message.text()
    assert row.needs_attention()


@pytest.mark.parametrize(
    ("typed", "amount"), [("13000", 13000), ("145,000.50", 145000.5), (" 1,300 ", 1300), ("0.5", 0.5)]
)
def test_an_amount_that_reads_is_sent_as_typed(qtbot, make_form, typed, amount):
    widget = make_form(one("currency", currency="usd"))
    type_into(qtbot, widget.row("q").editor.amount, typed)
    assert widget.form.field_values() == [{"id": "q", "value": amount}]
    assert widget.can_approve()


def test_fixing_the_amount_clears_the_refusal(qtbot, make_form):
    widget = make_form(one("currency", currency="usd"))
    row = widget.row("q")
    type_into(qtbot, row.editor.amount, "13O000")
    with qtbot.waitSignal(widget.approvableChanged) as flipped:
        type_into(qtbot, row.editor.amount, "130000")
    assert flipped.args == [True]
    assert widget.form.field_values() == [{"id": "q", "value": 130000}]
    assert row.message.isHidden()


@pytest.mark.parametrize("typed", ["2024-02-31", "2024-13-01", "1899-12-31", "2024-02", "31/01/2024", "tomorrow"])
def test_a_date_that_does_not_read_is_shown_as_typed_and_refused(qtbot, make_form, typed):
    widget = make_form(one("date"))
    row = widget.row("q")
    type_into(qtbot, row.editor.date_line, typed)
    assert row.editor.date_line.text() == typed
    assert widget.form.field_values(strict=False) == []
    assert not widget.can_approve()
    assert row.message.isVisible() and typed in row.message.text()


def test_a_date_typed_exactly_is_sent_as_that_day(qtbot, make_form):
    widget = make_form(one("date"))
    type_into(qtbot, widget.row("q").editor.date_line, "2024-02-29")
    midnight = int(datetime(2024, 2, 29, tzinfo=UTC).timestamp() * 1000)
    assert widget.form.field_values() == [{"id": "q", "value": midnight}]


def test_typed_text_survives_saving_and_reopening_the_draft(qtbot, make_form):
    """The draft keeps the text (form.state() is what is saved); the reopened form shows it."""
    fields = one("currency", currency="usd") + [{"id": "d", "type": "date", "text": "Start", "required": False}]
    widget = make_form(fields)
    type_into(qtbot, widget.row("q").editor.amount, "13O000")
    type_into(qtbot, widget.row("d").editor.date_line, "2024-02-31")
    saved = widget.form.state()
    reopened = FeedbackForm.from_template({"id": "t", "text": "Test form", "fields": fields})
    reopened.restore(saved)
    again = make_form({"id": "t", "text": "Test form", "fields": fields})
    again.load(reopened, 0.6)
    assert again.row("q").editor.amount.text() == "13O000"
    assert again.row("d").editor.date_line.text() == "2024-02-31"
    assert not again.can_approve()


def test_an_ai_amount_that_does_not_read_is_shown_with_its_fix(qtbot, make_form):
    draft = {"templateId": "t", "fields": [{"id": "q", "value": "$130k", "confidence": 0.9}]}
    widget = make_form(one("currency", currency="usd"), draft)
    row = widget.row("q")
    assert row.editor.amount.text() == "$130k"
    assert not row.suggest_button.isHidden()
    row.suggest_button.click()
    assert row.editor.amount.text() == "130,000"
    assert widget.form.field_values() == [{"id": "q", "value": 130000}]
