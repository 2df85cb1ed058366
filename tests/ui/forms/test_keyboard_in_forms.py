"""#14.16 inside the form: a visible focus ring on choice buttons, Space and 1–4 choose a
score, F8 scrolls to the question it lands on and rings it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from lever_desktop.ui.forms.buttons import FOCUS_RING


def ring_pixels(button) -> list[QColor]:
    """Colours where the focus ring is drawn: just inside the button's edge, mid-height."""
    image = button.grab().toImage()
    ratio = image.devicePixelRatio()
    x, y = int((FOCUS_RING + 1) * ratio), int(button.height() / 2 * ratio)
    return [image.pixelColor(x + dx, y) for dx in range(int(FOCUS_RING * ratio))]


@pytest.mark.parametrize("chosen", [False, True], ids=["plain", "chosen"])
def test_a_focused_score_button_shows_a_ring(qtbot, make_form, chosen):
    widget = make_form([{"id": "q", "type": "score", "text": "Culture", "required": False}])
    choice = widget.row("q").editor.row
    if chosen:
        choice.set_index(1)
    button = choice.buttons[1]
    ink = button.palette().color(QPalette.ColorRole.ButtonText)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    choice.buttons[0].setFocus(Qt.FocusReason.TabFocusReason)
    assert ink not in ring_pixels(button)
    button.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(button.hasFocus)
    assert ink in ring_pixels(button)  # drawn in the text colour: readable on the chosen face too


def test_space_and_number_keys_choose_a_score(qtbot, make_form):
    widget = make_form([{"id": "q", "type": "score", "text": "Culture", "required": False}])
    choice = widget.row("q").editor.row
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    choice.buttons[2].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(choice.buttons[2], Qt.Key.Key_Space)
    assert widget.form.get("q") == 3
    qtbot.keyClick(choice.buttons[2], Qt.Key.Key_1)
    assert widget.form.get("q") == 1
    qtbot.keyClick(choice.buttons[2], Qt.Key.Key_4)
    assert widget.form.get("q") == 4
    choice.buttons[3].setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(choice.buttons[3], Qt.Key.Key_Space)  # Space on the chosen score clears it
    assert widget.form.get("q") is None


def test_f8_scrolls_to_the_question_and_rings_it_until_it_is_answered(qtbot, make_scrolled_form):
    area, widget = make_scrolled_form(260)
    area.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is area)
    widget.row("f-summary").editor.text.setFocus()
    highlight = widget.palette().color(QPalette.ColorRole.Highlight)
    for expected in ("f-start", "f-level", "f-location", "f-relocate"):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_F8)
        row = widget.row(expected)
        assert [r.field.id for r in widget.rows if r.landed] == [expected]
        focused = QApplication.focusWidget()
        assert row.isAncestorOf(focused)
        corner = focused.mapTo(area.viewport(), focused.rect().topLeft())
        assert area.viewport().rect().contains(corner), expected  # scrolled into view
        top = row.grab().toImage()
        assert top.pixelColor(top.width() // 2, 0) == highlight  # the ring, across the top edge
    last = widget.row("f-relocate")
    qtbot.keyClick(last.editor.row.buttons[0], Qt.Key.Key_Y)  # answering it ends the ring
    assert not last.landed


def test_the_ai_badge_tells_a_screen_reader_how_sure_the_ai_was(qtbot, make_form):
    draft = {"templateId": "t", "fields": [{"id": "q", "value": 3, "confidence": 0.4}]}
    widget = make_form([{"id": "q", "type": "score", "text": "Culture", "required": False}], draft)
    row = widget.row("q")
    assert row.ai_badge.accessibleName() == "AI answer for Culture: show evidence"
    assert row.ai_badge.accessibleDescription() == row.ai_badge.text() == "⚠ AI 40% · confirm"
    row.confirm_button.click()
    assert row.ai_badge.accessibleDescription() == "✓ AI 40% · confirmed"
