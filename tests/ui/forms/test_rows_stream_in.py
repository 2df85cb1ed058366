"""A long form paints its first screen at once; the questions below stream in behind (#16.3).

Building the 60 rows of a long template at once cost ~75 ms of the window's thread; the first
screen of rows is what the reviewer sees first, so the rest follows a few rows per turn of the
event loop. Nothing may depend on the rest having arrived: F8, a refresh and ``rows`` build what
is missing first, a draft swapped in meanwhile reaches the rows not built yet, and a streamed
row is guarded against the wheel like the first ones.
"""

from __future__ import annotations

import copy

from bench.bench_form_build import THRESHOLD, other_draft, sixty_field_template
from helpers.form_looks import form_of, shown_in_a_scroll_area
from helpers.pointer import wheel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox

from lever_desktop.ui.forms import FeedbackFormWidget
from lever_desktop.ui.forms.field_row import FieldRow
from lever_desktop.ui.forms.form_widget import FIRST_SCREEN_ROWS


def built(widget: FeedbackFormWidget) -> list[FieldRow]:
    return widget.findChildren(FieldRow)


def test_the_first_screen_comes_at_once_and_the_rest_streams_in_by_itself(qtbot):
    template, draft = sixty_field_template()
    widget = FeedbackFormWidget(form_of(template, draft), confidence_threshold=THRESHOLD)
    assert len(built(widget)) == FIRST_SCREEN_ROWS and not widget.complete
    scroll = shown_in_a_scroll_area(qtbot, widget)
    qtbot.waitUntil(lambda: widget.complete)
    rows = built(widget)
    assert [r.field.id for r in rows] == [f.id for f in widget.form.fields]  # every question, in order
    assert all(r.isVisible() for r in rows)
    # laid out in the column in the questions' order, below the first screen
    ys = [r.mapTo(widget, r.rect().topLeft()).y() for r in rows]
    assert ys == sorted(ys) and ys[-1] > scroll.viewport().height()


def test_f8_reaches_a_question_below_the_first_screen_before_it_has_streamed_in(qtbot):
    template, draft = sixty_field_template()
    entries = [{**e, "confidence": 0.99} for e in draft["fields"]]
    entries[-1]["confidence"] = 0.1  # the one answer to confirm, far down
    form = form_of(template, {**draft, "fields": entries})
    for field in form.attention(THRESHOLD)[:-1]:  # the near misses the draft holds: fixed
        assert form.accept_suggestion(field.id)
    last = form.fields[-1].id
    assert [f.id for f in form.attention(THRESHOLD)] == [last]
    widget = FeedbackFormWidget(form, confidence_threshold=THRESHOLD)
    scroll = shown_in_a_scroll_area(qtbot, widget)
    scroll.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is scroll)
    built(widget)[0].editor.focus_target().setFocus()
    assert not widget.complete
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F8)
    landed = [r for r in built(widget) if r.landed]
    assert [r.field.id for r in landed] == [last]
    focused = QApplication.focusWidget()
    assert landed[0].isAncestorOf(focused)
    corner = focused.mapTo(scroll.viewport(), focused.rect().topLeft())
    assert scroll.viewport().rect().contains(corner)  # scrolled to, far below the first screen


def test_a_draft_swapped_in_before_the_rest_arrived_reaches_the_rows_built_later(qtbot):
    template, draft_a = sixty_field_template()
    draft_b = other_draft(template, draft_a)
    widget = FeedbackFormWidget(form_of(template, draft_a), confidence_threshold=THRESHOLD)
    form_b = form_of(template, draft_b)
    assert widget.fits(form_b) and not widget.complete
    widget.load(form_b, THRESHOLD)
    _scroll = shown_in_a_scroll_area(qtbot, widget)  # it owns the form: kept while the test runs
    qtbot.waitUntil(lambda: widget.complete)
    late = [r for r in built(widget)[FIRST_SCREEN_ROWS:] if r.field.definition.type == "textarea"]
    assert late, "the template has long-text questions below the first screen"
    for row in late:
        assert row.form is form_b and form_b.get(row.field.id).startswith("Draft B: ")
        assert row.editor.focus_target().toPlainText().startswith("Draft B: ")


def test_the_wheel_over_a_streamed_in_dropdown_changes_nothing(qtbot):
    template, draft = sixty_field_template()
    widget = FeedbackFormWidget(form_of(template, draft), confidence_threshold=THRESHOLD)
    _scroll = shown_in_a_scroll_area(qtbot, widget)  # it owns the form: kept while the test runs
    qtbot.waitUntil(lambda: widget.complete)
    late = [r for r in built(widget)[FIRST_SCREEN_ROWS:] if r.findChildren(QComboBox)]
    assert late, "the template has dropdowns below the first screen"
    combo = late[-1].findChildren(QComboBox)[0]
    combo.setFocus(Qt.FocusReason.MouseFocusReason)
    answers = copy.deepcopy(widget.form.state())
    for notches in (1, -1, 3):
        wheel(combo, notches)
    assert widget.form.state() == answers
