"""Next/Previous between two drafts of one template in the review pane, against a real sandbox.

The pane reuses the form built for the template (issue #16.3): each draft must still show exactly
its own answers, fixes, flags and marks, and what the reviewer typed in one draft is kept for that
draft only, in the review pane and in the cache.
"""

from __future__ import annotations

import copy
import json

from helpers.form_looks import looks
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit
from test_flows import TIMEOUT, desktop, fix_flagged_values, import_and_open, run, sandbox_draft, shell  # noqa: F401

from lever_desktop.forms import FeedbackForm
from lever_desktop.review import drafts as stored_drafts
from lever_desktop.ui.forms import FeedbackFormWidget
from lever_desktop.ui.table_models import KEY_ROLE


def fresh_look(drafts, qtbot) -> list:
    """The open draft as a form built from scratch would show it."""
    view, rec = drafts.view, drafts.view.record
    form = FeedbackForm.from_template(view.template)
    form.apply_draft(rec.document)
    if rec.values is not None:
        form.restore({"values": rec.values})
    widget = FeedbackFormWidget(form, confidence_threshold=drafts.session.settings.confidence_threshold)
    qtbot.addWidget(widget)
    return looks(widget)


def go_to(drafts, qtbot, draft_id: str) -> None:
    proxy = drafts.list.proxy
    rows = [proxy.index(r, 0).data(KEY_ROLE) for r in range(proxy.rowCount())]
    button = drafts.editor.next if rows.index(draft_id) > rows.index(drafts.draft_id) else drafts.editor.previous
    with qtbot.waitSignal(drafts.loaded, timeout=TIMEOUT, check_params_cb=lambda d: d == draft_id):
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def saved(desktop, qtbot, draft_id: str) -> dict:
    rec = run(qtbot, desktop.session.store.call(stored_drafts.get, draft_id))
    return rec.values or {}


def text_rows(widget) -> list:
    return [r for r in widget.rows if isinstance(r.editor.focus_target(), (QLineEdit, QPlainTextEdit))]


def type_into(qtbot, row, words: str) -> None:
    target = row.editor.focus_target()
    target.setFocus()
    qtbot.keyClicks(target, words)


def test_flipping_between_drafts_of_one_template_shows_each_drafts_own_state(desktop, sandbox, qtbot, tmp_path):
    a = sandbox_draft(sandbox, "option-case")
    import_and_open(desktop, qtbot, tmp_path, a)
    drafts, editor = desktop.controller.drafts, desktop.controller.drafts.editor
    texts = {f.id for f in drafts.form.fields if f.definition.type in ("text", "textarea")}
    assert texts, "the sandbox template has a text question"
    # Draft B, same template: its own words, sure of them, and no answer where A had a choice.
    b = copy.deepcopy(a)
    b["draftId"] = a["draftId"] + "-b"
    b["fields"] = [
        {**e, "value": f"B says: {e['value']}", "confidence": 0.99, "evidence": []}
        for e in b["fields"]
        if e["id"] in texts
    ]
    (tmp_path / "b.json").write_text(json.dumps(b), encoding="utf-8")
    desktop.window.files_dropped.emit([str(tmp_path / "b.json")])
    qtbot.waitUntil(lambda: drafts.list.model.rowCount() == 2, timeout=TIMEOUT)

    # The reviewer works on A: fixes, confirms, types, opens evidence, scrolls, ticks.
    form_widget = editor.form_widget
    fix_flagged_values(desktop, qtbot)
    a_row = text_rows(form_widget)[0]
    type_into(qtbot, a_row, " A-edit")
    badge = next(r.ai_badge for r in form_widget.rows if r.ai_badge is not None and r.ai_badge.isCheckable())
    qtbot.mouseClick(badge, Qt.MouseButton.LeftButton)
    form_widget.show_all_problems()
    editor.form_scroll.verticalScrollBar().setValue(editor.form_scroll.verticalScrollBar().maximum())
    editor.second_form.setChecked(True)
    a_flags = editor.flags.text()

    go_to(drafts, qtbot, b["draftId"])
    assert editor.form_widget is form_widget  # reused, not rebuilt
    assert looks(form_widget) == fresh_look(drafts, qtbot)
    assert editor.form_scroll.verticalScrollBar().value() == 0
    assert not editor.second_form.isChecked()
    assert not form_widget.isAncestorOf(QApplication.focusWidget())
    assert form_widget.isEnabled() and editor.flags.text() != a_flags
    assert " A-edit" not in a_row.editor.value() and a_row.editor.value().startswith("B says: ")
    qtbot.waitUntil(lambda: " A-edit" in str(saved(desktop, qtbot, a["draftId"])), timeout=TIMEOUT)

    type_into(qtbot, a_row, " B-edit")
    go_to(drafts, qtbot, a["draftId"])  # saves B's edit for B
    assert looks(form_widget) == fresh_look(drafts, qtbot)
    assert " A-edit" in a_row.editor.value() and " B-edit" not in a_row.editor.value()
    assert not any(r.evidence is not None and r.evidence.isVisible() for r in form_widget.rows)
    qtbot.waitUntil(lambda: " B-edit" in str(saved(desktop, qtbot, b["draftId"])), timeout=TIMEOUT)
    assert " A-edit" not in str(saved(desktop, qtbot, b["draftId"]))
    assert " B-edit" not in str(saved(desktop, qtbot, a["draftId"]))

    go_to(drafts, qtbot, b["draftId"])  # B as it was saved, with its own edit only
    assert looks(form_widget) == fresh_look(drafts, qtbot)
    assert " B-edit" in a_row.editor.value() and " A-edit" not in a_row.editor.value()
