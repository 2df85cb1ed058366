"""After Ctrl+Enter the keyboard still works: the focus is never left on nothing.

Seen in the sandbox, by keyboard only: approving from inside the form locked the form under the
focus, and the focus went nowhere. The next draft opened, but J/K, 1–4 and Y/N did nothing until
the reviewer clicked somewhere or found their way back with Tab.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_flows import TIMEOUT, desktop, shell, two_drafts_listed  # noqa: F401  (fixtures: the window on the sandbox)


def test_approving_from_the_form_leaves_the_focus_in_the_drafts_list(desktop, sandbox, qtbot, tmp_path):
    drafts = two_drafts_listed(desktop, sandbox, qtbot, tmp_path)
    first = drafts.draft_id
    editor = drafts.editor
    qtbot.waitUntil(editor.approve.isEnabled, timeout=TIMEOUT)
    answer = editor.form_widget.rows[0].editor.focus_target()
    answer.setFocus()
    qtbot.waitUntil(answer.hasFocus)
    qtbot.keyClick(answer, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: drafts.draft_id not in (None, first), timeout=TIMEOUT)  # on to the next one
    assert QApplication.focusWidget() is drafts.list.table
    qtbot.keyClick(drafts.list.table, Qt.Key.Key_K)  # and the keys work: back to the approved one
    qtbot.waitUntil(lambda: drafts.draft_id == first, timeout=TIMEOUT)
