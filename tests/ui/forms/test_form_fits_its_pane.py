"""The review form is as wide as its pane, never wider, whatever the AI's badges say.

Seen in the sandbox at the window's minimum size (1024×640, where the review pane is about
500 px wide): a question whose AI answer is unsure ("Would you like to work with this person?  *"
beside "⚠ AI 48% · confirm · 2 quotes") made the whole form wider than its pane. A horizontal
scroll bar appeared, the comments and badges were cut at the right edge, and F8, landing on that
question, scrolled the form sideways: every question's title lost its first letters ("ore skills",
"ommunication"). Answering the question widens its badge further ("✎ Edited · AI was 48% · …"):
the form must not start to scroll sideways under the reviewer's hands either.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QScrollArea

from lever_desktop.ui.forms import FeedbackFormWidget

PANE = 480  # px: a little narrower than the review pane at the window's minimum size
QUOTES = [{"quote": "I like pairing.", "atMs": 60_000}, {"quote": "We measured p99 latency.", "atMs": 90_000}]

PHONE_SCREEN: dict[str, Any] = {
    "id": "t-phone",
    "text": "Phone screen",
    "fields": [
        {"id": "q-summary", "type": "textarea", "text": "Summary of the conversation", "required": True},
        {"id": "q-work", "type": "yes-no", "text": "Would you like to work with this person?", "required": True},
        {
            "id": "q-next",
            "type": "dropdown",
            "text": "Recommended next step for this candidate",
            "required": False,
            "options": [{"text": "Move to on-site"}, {"text": "Second phone screen"}, {"text": "Reject"}],
        },
    ],
}
UNSURE_DRAFT: dict[str, Any] = {
    "schema": "lever-desktop/draft@1",
    "draftId": "d-unsure",
    "templateId": "t-phone",
    "fields": [
        {"id": "q-summary", "value": "Struggled with on-call at first.", "confidence": 0.48, "evidence": QUOTES},
        {"id": "q-work", "value": "no", "confidence": 0.48, "evidence": QUOTES},
        {"id": "q-next", "value": "Reject", "confidence": 0.48, "evidence": QUOTES},
    ],
}


@pytest.fixture
def pane(make_scrolled_form) -> tuple[QScrollArea, FeedbackFormWidget]:
    """The unsure draft in a scroll area as the review screen has it, at its narrowest."""
    return make_scrolled_form(400, width=PANE, template=PHONE_SCREEN, draft=UNSURE_DRAFT)


def sideways(area: QScrollArea) -> int:
    """How far the form scrolls sideways (0: it fits its pane), once laid out as it will paint."""
    QApplication.processEvents()
    return area.horizontalScrollBar().maximum()


def test_unsure_answers_do_not_make_the_form_wider_than_its_pane(pane):
    area, widget = pane
    assert all("confirm" in row.ai_badge.text() for row in widget.rows if row.ai_badge is not None)
    assert sideways(area) == 0


def test_answering_an_unsure_question_does_not_widen_the_form(pane, qtbot):
    area, widget = pane
    row = widget.row("q-work")
    qtbot.mouseClick(row.editor.row.buttons[0], Qt.MouseButton.LeftButton)  # Yes, where the AI said No
    assert row.ai_badge is not None and row.ai_badge.text().startswith("✎ Edited")
    assert sideways(area) == 0


def test_f8_never_scrolls_the_form_sideways(pane):
    area, widget = pane
    for _ in widget.rows:  # every unsure question in turn, and round again
        assert widget.focus_next_attention() is not None
        assert area.horizontalScrollBar().value() == 0
