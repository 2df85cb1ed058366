"""A filter that stops matching the open draft as the reviewer works on it never moves the editor
to another draft (#14.17): with the drafts list filtered to "To review", fixing the open draft's
answers makes it "Edited", its row leaves the list, and the editor stays on it. Against the sandbox."""

from __future__ import annotations

import json

from test_flows import TIMEOUT, desktop, fix_flagged_values, sandbox_draft, shell  # noqa: F401  (fixtures)

from lever_desktop.ui.table_models import KEY_ROLE


def test_the_open_draft_leaving_the_filter_keeps_the_editor_on_it(desktop, sandbox, qtbot, tmp_path):
    docs = [sandbox_draft(sandbox) for _ in range(3)]  # each with a flagged answer to fix
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps(docs), encoding="utf-8")
    desktop.window.files_dropped.emit([str(path)])
    drafts = desktop.controller.drafts
    qtbot.waitUntil(lambda: {d["draftId"] for d in docs} <= set(drafts.list.model.keys()), timeout=TIMEOUT)
    middle = docs[1]["draftId"]
    drafts.show_draft(middle)
    qtbot.waitUntil(
        lambda: drafts.view is not None and drafts.view.record.draft_id == middle and drafts.form is not None,
        timeout=TIMEOUT,
    )
    combo = drafts.filters.combos["state"]
    combo.setCurrentIndex(combo.findData("To review"))
    assert drafts.list.table.currentIndex().data(KEY_ROLE) == middle
    opened: list[str] = []
    drafts.loaded.connect(opened.append)

    fix_flagged_values(desktop, qtbot)  # edited: the list re-reads it as "Edited"
    qtbot.waitUntil(
        lambda: (
            middle not in [drafts.list.proxy.index(r, 0).data(KEY_ROLE) for r in range(drafts.list.proxy.rowCount())]
        ),
        timeout=TIMEOUT,
    )

    assert drafts.draft_id == middle and opened == []  # still the draft being worked on
    assert drafts.list.table.currentIndex().data(KEY_ROLE) in (None, middle)  # no other row pretends to be open
