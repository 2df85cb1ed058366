"""Approve (Ctrl+Enter) pressed while the next draft is still opening must never send the answers on
screen — the previous draft's — as the next draft's feedback (#14.13). Against the sandbox."""

from __future__ import annotations

import asyncio
import json
import time

from PySide6.QtCore import Qt
from test_flows import TIMEOUT, desktop, run, sandbox_draft, shell  # noqa: F401  (fixtures)

from lever_desktop.review import drafts as drafts_core
from lever_desktop.review import editing


def _two_on_one_form(sandbox) -> tuple[dict, dict]:
    """Two clean drafts on the same form: the other's answers would pass Lever's checks."""
    seen: dict[str, dict] = {}
    for _ in range(30):
        doc = sandbox_draft(sandbox, None)
        if doc["templateId"] in seen:
            return seen[doc["templateId"]], doc
        seen[doc["templateId"]] = doc
    raise AssertionError("the sandbox made no two drafts on one form")


def test_approve_during_the_switch_to_another_draft_never_sends_the_shown_answers_as_its(
    desktop, sandbox, qtbot, tmp_path
):
    first, second = _two_on_one_form(sandbox)
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps([first, second]), encoding="utf-8")
    desktop.window.files_dropped.emit([str(path)])
    drafts = desktop.controller.drafts
    qtbot.waitUntil(lambda: {first["draftId"], second["draftId"]} <= set(drafts.list.model.keys()), timeout=TIMEOUT)
    drafts.show_draft(first["draftId"])
    qtbot.waitUntil(
        lambda: (
            drafts.view is not None
            and drafts.view.record.draft_id == first["draftId"]
            and drafts.form is not None
            and drafts.editor.approve.isEnabled()
        ),
        timeout=TIMEOUT,
    )
    shown = dict(drafts.values())  # the first draft's answers, on screen

    drafts.open(second["draftId"])  # Next: the second draft is being read from the cache...
    drafts.approve_current()  # ...and Ctrl+Enter lands before it is on screen
    qtbot.waitUntil(
        lambda: drafts.view is not None and drafts.view.record.draft_id == second["draftId"], timeout=TIMEOUT
    )
    # An approval, had one started, wrote in the store before the second draft's view was read back:
    # the store runs calls in order on its one thread, so this read comes after it.

    rec = run(qtbot, desktop.session.store.call(drafts_core.get, second["draftId"]))
    assert rec.state in ("received", "in_review"), (rec.state, rec.values == shown)  # not approved unseen
    assert (run(qtbot, desktop.session.store.call(drafts_core.get, first["draftId"]))).state in (
        "received",
        "in_review",
    )  # nor the first, which was no longer the open draft


def _busy_store(conn) -> None:
    time.sleep(1.0)  # the slow work itself (a sync's bulk upsert), not a wait for something to happen


def test_an_approval_refused_after_the_reviewer_moved_on_is_still_told(desktop, sandbox, qtbot, tmp_path):
    """The cache was busy, so Approve's answer came after Next: the refusal names the draft in the
    status bar, instead of landing on (and being erased by) the next draft's editor."""
    first, second = sandbox_draft(sandbox, None), sandbox_draft(sandbox, None)
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps([first, second]), encoding="utf-8")
    desktop.window.files_dropped.emit([str(path)])
    drafts, bar = desktop.controller.drafts, desktop.controller.drafts.undo_bar
    qtbot.waitUntil(lambda: {first["draftId"], second["draftId"]} <= set(drafts.list.model.keys()), timeout=TIMEOUT)
    drafts.show_draft(first["draftId"])
    qtbot.waitUntil(
        lambda: (
            drafts.view is not None
            and drafts.view.record.draft_id == first["draftId"]
            and drafts.form is not None
            and drafts.editor.approve.isEnabled()
        ),
        timeout=TIMEOUT,
    )
    store = desktop.session.store
    asyncio.ensure_future(store.call(_busy_store))
    # Meanwhile the draft is discarded elsewhere (``drafts discard`` in a terminal): Approve is refused.
    asyncio.ensure_future(store.call(editing.discard, first["draftId"], "rita"))

    qtbot.mouseClick(drafts.editor.approve, Qt.MouseButton.LeftButton)
    drafts.open(second["draftId"])  # Next, before the answer

    qtbot.waitUntil(lambda: bar.isVisible() and "was not approved" in bar.text.text(), timeout=TIMEOUT)
    assert " for " in bar.text.text() and first["draftId"] not in bar.text.text()  # the form and candidate, no id
    assert drafts.draft_id == second["draftId"] and "cannot be approved" not in drafts.editor.outcome.text()
