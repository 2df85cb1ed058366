"""At the window's minimum size the Undo bar still says how long is left to take an approval back.

Seen in the sandbox at 1024×640: the bar read "Approved Portfolio review for Evelyn Sammet [Undo]",
its "— sending in 9 s" cut off without a tooltip. The status bar keeps room for the sync progress
while it is hidden (so nothing moves when a sync starts), and the bar's text was what gave way.
Now the draft's name gives way, shortened with "…", and the whole sentence is the tooltip.
"""

from __future__ import annotations

import re

from PySide6.QtWidgets import QApplication
from test_flows import TIMEOUT, desktop, shell, two_drafts_listed  # noqa: F401  (fixtures: the window on the sandbox)

from lever_desktop.ui.main_window import MINIMUM_SIZE
from lever_desktop.ui.undo_bar import UndoBar


def test_the_countdown_is_shown_whole_at_the_minimum_size(desktop, sandbox, qtbot, tmp_path):
    desktop.session.settings.undo_grace_seconds = 60.0
    drafts = two_drafts_listed(desktop, sandbox, qtbot, tmp_path)
    window = desktop.window
    window.resize(MINIMUM_SIZE)
    qtbot.waitUntil(lambda: window.size() == MINIMUM_SIZE)
    qtbot.waitUntil(drafts.editor.approve.isEnabled, timeout=TIMEOUT)
    drafts.editor.approve.click()
    bar = drafts.undo_bar
    qtbot.waitUntil(bar.isVisible, timeout=TIMEOUT)
    QApplication.processEvents()  # laid out as it will paint
    label = bar.text
    shown = label.text()
    assert shown.startswith("Approved ") and " — sending in " in shown and shown.endswith(" s")
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width(), shown
    assert "sending in" in label.toolTip() and drafts.view.candidate in label.toolTip()


def test_with_room_the_sentence_is_whole(qtbot):
    bar = UndoBar()
    qtbot.addWidget(bar)
    bar.resize(900, 30)
    bar.offer("d-1", "Phone screen for Ada Lovelace", 9)
    bar.show()
    qtbot.waitExposed(bar)
    assert bar.text.text() == "Approved Phone screen for Ada Lovelace — sending in 9 s"
    bar.resize(260, 30)  # narrower than the sentence: the name gives way, the countdown stays
    qtbot.waitUntil(lambda: "…" in bar.text.text())
    assert re.search(r" — sending in \d+ s$", bar.text.text()), bar.text.text()
    bar.resize(900, 30)  # room again: whole again
    qtbot.waitUntil(lambda: "…" not in bar.text.text())
