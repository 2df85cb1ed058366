"""File → Import drafts… says which file it could not read, and why, where the reviewer looks.

Seen in the sandbox: importing a malformed JSON file showed only "Imported drafts: 1 unreadable" in
the status bar for 8 seconds; which file and what was wrong with it were only in the Activity page.
"""

from __future__ import annotations

import json

from test_flows import TIMEOUT, desktop, sandbox_draft, shell  # noqa: F401  (fixtures: the window on the sandbox)


def _imported(desktop, qtbot, *files) -> str:
    """What the status bar says once File → Import drafts… has read ``files``."""
    bar = desktop.window.statusBar()
    desktop.controller.import_files([str(f) for f in files])
    qtbot.waitUntil(lambda: bar.currentMessage().startswith("Imported drafts:"), timeout=TIMEOUT)
    return bar.currentMessage()


def test_an_unreadable_file_is_named_with_its_reason_in_the_status_bar(desktop, qtbot, tmp_path):
    broken = tmp_path / "interview-notes.json"
    broken.write_text('{"schema": "lever-desktop/draft@1", "fields": [', encoding="utf-8")
    said = _imported(desktop, qtbot, broken)
    assert "1 unreadable" in said and "interview-notes.json" in said and "not valid JSON" in said
    assert "\n" not in said  # one line


def test_a_good_file_beside_a_bad_one_is_imported_and_the_bad_one_named(desktop, sandbox, qtbot, tmp_path):
    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    doc = sandbox_draft(sandbox, None)
    good.write_text(json.dumps(doc), encoding="utf-8")
    bad.write_text("[1, 2", encoding="utf-8")
    said = _imported(desktop, qtbot, good, bad)
    assert "1 received" in said and "1 unreadable" in said and "bad.json" in said and "good.json" not in said
    drafts = desktop.controller.drafts
    qtbot.waitUntil(lambda: drafts.list.model.rowCount() == 1, timeout=TIMEOUT)  # nothing lost


def test_a_file_name_with_a_direction_mark_is_named_with_the_mark_never_reordered(desktop, qtbot, tmp_path):
    """A name like "notes\u202enosj.exe" reads as "notesexe.json" when drawn: the status bar, like every
    other place the window shows outside text, shows U+202E as a mark."""
    broken = tmp_path / "notes\u202enosj.exe.json"
    broken.write_text("{", encoding="utf-8")
    said = _imported(desktop, qtbot, broken)
    assert "\u202e" not in said and "notes\ufffdnosj.exe.json" in said
