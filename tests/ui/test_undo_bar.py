"""Approve's Undo bar: it counts down, asks once, and says when it is too late (#14.13)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from lever_desktop.ui.undo_bar import UndoBar


def test_the_bar_counts_down_offers_undo_then_goes(qtbot):
    bar = UndoBar()
    qtbot.addWidget(bar)
    asked: list[str] = []
    bar.undoRequested.connect(asked.append)
    bar.offer("d-1", "Phone screen for <b>Ada</b>", 0.6)
    assert bar.isVisible() and bar.text.text() == "Approved Phone screen for <b>Ada</b> — sending in 1 s"
    assert bar.text.textFormat() == Qt.TextFormat.PlainText  # names come from Lever and drafts
    qtbot.mouseClick(bar.button, Qt.MouseButton.LeftButton)
    assert asked == ["d-1"]
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=5_000)  # the grace is over
    assert bar.draft_id is None


def test_too_late_is_said_in_the_same_place_without_a_button(qtbot):
    bar = UndoBar()
    qtbot.addWidget(bar)
    bar.offer("d-1", "Phone screen for Ada", 5)
    bar.withdraw("d-2")  # another draft moved on: this offer stays
    assert bar.isVisible() and bar.draft_id == "d-1"
    bar.tell("Too late to undo: it is already on its way to Lever.", 0.3)
    assert bar.isVisible() and not bar.button.isVisible() and bar.text.text().startswith("Too late")
    qtbot.waitUntil(lambda: not bar.isVisible(), timeout=5_000)
