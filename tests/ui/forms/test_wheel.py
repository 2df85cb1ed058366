"""#14.1: the mouse wheel over a question scrolls the form and never changes an answer.

Real QWheelEvents are sent to the control under the pointer (the deepest child, as Qt
would), focused and unfocused, in a form inside the scroll area the review screen uses.
"""

from __future__ import annotations

import copy

import pytest
from helpers.pointer import wheel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QWidget

from lever_desktop.ui.forms import FeedbackFormWidget


@pytest.fixture
def scrolled_form(make_scrolled_form):
    return make_scrolled_form(300)  # there is room to scroll both ways


def controls(widget: FeedbackFormWidget) -> dict[str, QWidget]:
    """One control per editor type that the wheel could reach."""
    e = {row.field.definition.type: row.editor for row in widget.rows}
    return {
        "dropdown": e["dropdown"].combo,
        "date": e["date"].date_line,
        "score-system": e["score-system"].row.buttons[1],
        "score": e["score"].row.buttons[0],
        "scorecard": e["scorecard"].rows[0].buttons[2],
        "scorecard comment": e["scorecard"].comments[0],
        "multiple-choice": e["multiple-choice"].buttons[0],
        "multiple-select": e["multiple-select"].boxes[0],
        "yes-no": e["yes-no"].row.buttons[0],
        "currency": e["currency"].amount,
        "text": e["text"].line,
    }


@pytest.mark.parametrize("focused", [False, True], ids=["unfocused", "focused"])
@pytest.mark.parametrize(
    "kind",
    [
        "dropdown",
        "date",
        "score-system",
        "score",
        "scorecard",
        "scorecard comment",
        "multiple-choice",
        "multiple-select",
        "yes-no",
        "currency",
        "text",
    ],
)
def test_a_wheel_over_a_control_scrolls_the_form_and_changes_nothing(qtbot, scrolled_form, kind, focused):
    area, widget = scrolled_form
    control = controls(widget)[kind]
    bar = area.verticalScrollBar()
    area.ensureWidgetVisible(control, 0, 120)
    if focused:
        control.setFocus(Qt.FocusReason.MouseFocusReason)
        assert control.hasFocus()
    answers = copy.deepcopy(widget.form.state())
    down = bar.value() < bar.maximum()  # scroll whichever way there is room
    before = bar.value()
    wheel(control, 1 if down else -1)
    assert widget.form.state() == answers
    assert (bar.value() > before) if down else (bar.value() < before)


def test_the_wheel_over_a_dropdown_outside_a_scroll_area_changes_nothing(qtbot, make_form):
    widget = make_form(
        [{"id": "q", "type": "dropdown", "text": "Level", "options": [{"text": "Senior"}, {"text": "Staff"}]}]
    )
    combo = widget.row("q").editor.combo
    assert isinstance(combo, QComboBox)
    combo.setCurrentIndex(1)
    for notches in (1, -1, 3):
        wheel(combo, notches)
    assert combo.currentIndex() == 1 and widget.form.get("q") == "Senior"


def test_the_wheel_over_authored_as_does_not_change_the_author(qtbot):
    from lever_desktop.ui.draft_editor import DraftEditor

    editor = DraftEditor()
    qtbot.addWidget(editor)
    editor.author.addItems(["Frances Haddad (interviewer)", "Recruiting service account"])
    editor.author.setCurrentIndex(0)
    editor.set_actions_enabled(True)  # as when a draft is open
    editor.show()
    qtbot.waitExposed(editor)
    wheel(editor.author, 1)  # down: towards the service account
    assert editor.author.currentIndex() == 0


def test_the_wheel_over_a_text_boxs_scroll_bar_scrolls_its_text_not_the_form(qtbot, scrolled_form):
    """A scroll bar changes no answer: it keeps the wheel for what it scrolls (a long answer, a
    dropdown's list), rather than having it taken for the form."""
    area, widget = scrolled_form
    box = widget.row("f-summary").editor.text
    box.setPlainText("\n".join(f"Line {i} of a long answer" for i in range(60)))
    area.ensureWidgetVisible(box, 0, 0)
    qtbot.waitUntil(lambda: box.verticalScrollBar().isVisible())
    own, form_bar = box.verticalScrollBar(), area.verticalScrollBar()
    answers = copy.deepcopy(widget.form.state())
    before_own, before_form = own.value(), form_bar.value()
    wheel(own, 1)  # down
    assert own.value() > before_own and form_bar.value() == before_form
    assert widget.form.state() == answers
