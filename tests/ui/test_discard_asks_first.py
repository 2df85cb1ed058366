"""Discard asks first, and Enter in that question keeps the draft.

Seen in the sandbox: Ctrl+D asked "Discard this draft?" ("This cannot be undone") with Discard as
the default button, so Enter — what a reviewer presses to get a dialog out of the way — threw the
draft away for good. Withdraw, Remove duplicate and "Author as someone else?" default to Cancel.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox
from test_flows import TIMEOUT, desktop, import_and_open, sandbox_draft, shell  # noqa: F401  (fixtures)

from lever_desktop.review.lifecycle import REVIEWABLE


def question() -> QMessageBox | None:
    shown = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    return shown[0] if shown else None


def test_enter_in_the_discard_question_keeps_the_draft(desktop, sandbox, qtbot, tmp_path):
    doc = sandbox_draft(sandbox, None)
    import_and_open(desktop, qtbot, tmp_path, doc)
    window, drafts = desktop.window, desktop.controller.drafts
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    drafts.list.table.setFocus()
    qtbot.keyClick(drafts.list.table, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: question() is not None, timeout=TIMEOUT)
    box = question()
    assert box is not None and box.windowTitle() == "Discard this draft?"
    pressed: list[QMessageBox.StandardButton] = []
    box.buttonClicked.connect(lambda button: pressed.append(box.standardButton(button)))
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: question() is None)
    assert pressed == [QMessageBox.StandardButton.Cancel]
    assert drafts.draft_id == doc["draftId"] and drafts.view.record.state in REVIEWABLE
