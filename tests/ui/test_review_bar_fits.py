"""At the window's minimum size the review bar's buttons are there in full for a submitted draft too.

Seen in the sandbox at 1024×640 on a submitted draft: Previous, Next, Technical details,
Withdraw from Lever…, Amend and a greyed-out Approve did not fit the review pane; "Withdraw from
Lever…" read "hdraw from Lev", "Technical details" lost its first letter and Approve ran past the
window's edge. Approve is no longer shown where it can never apply. A draft being amended was ~80 px too
wide with "Cancel amendment" and "Send amendment": Withdraw from Lever… waits until the amendment is sent
or cancelled. (tests/ui/test_minimum_size.py checks a draft still to review.)
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton
from test_flows import TIMEOUT, desktop, import_and_open, sandbox_draft, shell  # noqa: F401  (fixtures)
from test_minimum_size import clipped

from lever_desktop.ui.main_window import MINIMUM_SIZE


def cut_buttons(editor) -> list[str]:
    """What the review pane shows cut (test_minimum_size's ``clipped``: a button's text too), and the
    review bar's buttons that reach past the pane."""
    out = clipped(editor)
    for button in editor.findChildren(QAbstractButton):
        if not button.isVisible() or editor.form_widget is not None and editor.form_widget.isAncestorOf(button):
            continue
        right = button.mapTo(editor, button.rect().topRight()).x()
        if button.text() and right > editor.width():
            out.append(f"{button.text()!r}: right edge at {right} of {editor.width()}")
    return out


def _submitted_at_the_minimum_size(desktop, sandbox, qtbot, tmp_path):
    window = desktop.window
    window.resize(MINIMUM_SIZE)
    qtbot.waitUntil(lambda: window.size() == MINIMUM_SIZE)
    import_and_open(desktop, qtbot, tmp_path, sandbox_draft(sandbox, None))
    editor = desktop.controller.drafts.editor
    qtbot.waitUntil(editor.approve.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Submitted to Lever" in editor.outcome.text() and editor.amend.isVisible(), timeout=TIMEOUT)
    return editor


def test_a_submitted_draft_shows_its_buttons_whole(desktop, sandbox, qtbot, tmp_path):
    editor = _submitted_at_the_minimum_size(desktop, sandbox, qtbot, tmp_path)
    desktop.window.layout().activate()
    assert editor.withdraw.isVisible()
    assert cut_buttons(editor) == [], "\n".join(cut_buttons(editor))


def test_a_draft_being_amended_shows_its_buttons_whole(desktop, sandbox, qtbot, tmp_path):
    editor = _submitted_at_the_minimum_size(desktop, sandbox, qtbot, tmp_path)
    qtbot.mouseClick(editor.amend, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.amend.text() == "Cancel amendment" and editor.approve.isVisible(), timeout=TIMEOUT)
    desktop.window.layout().activate()
    assert editor.approve.text() == "Send amendment"
    assert not editor.withdraw.isVisible()  # once the amendment is sent or cancelled
    assert cut_buttons(editor) == [], "\n".join(cut_buttons(editor))
    qtbot.mouseClick(editor.amend, Qt.MouseButton.LeftButton)  # Cancel amendment: Withdraw is offered again
    qtbot.waitUntil(lambda: editor.amend.text() == "Amend" and editor.withdraw.isVisible(), timeout=TIMEOUT)
