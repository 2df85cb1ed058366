"""Approve (Ctrl+Enter) pressed while the next draft is still opening must never send the answers on
screen — the previous draft's — as the next draft's feedback (#14.13). Against the sandbox."""

from __future__ import annotations

import json

from test_flows import TIMEOUT, desktop, run, sandbox_draft, shell  # noqa: F401  (fixtures)

from lever_desktop.review import drafts as drafts_core


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
        desktop, sandbox, qtbot, tmp_path):
    first, second = _two_on_one_form(sandbox)
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps([first, second]), encoding="utf-8")
    desktop.window.files_dropped.emit([str(path)])
    drafts = desktop.controller.drafts
    qtbot.waitUntil(lambda: {first["draftId"], second["draftId"]} <= set(drafts.list.model.keys()), timeout=TIMEOUT)
    drafts.show_draft(first["draftId"])
    qtbot.waitUntil(lambda: drafts.view is not None and drafts.view.record.draft_id == first["draftId"]
                    and drafts.form is not None and drafts.editor.approve.isEnabled(), timeout=TIMEOUT)
    shown = dict(drafts._values())  # the first draft's answers, on screen

    drafts.open(second["draftId"])  # Next: the second draft is being read from the cache...
    drafts.approve_current()  # ...and Ctrl+Enter lands before it is on screen
    qtbot.waitUntil(lambda: drafts.view is not None and drafts.view.record.draft_id == second["draftId"],
                    timeout=TIMEOUT)
    # An approval, had one started, wrote in the store before the second draft's view was read back:
    # the store runs calls in order on its one thread, so this read comes after it.

    rec = run(qtbot, desktop.session.store.call(drafts_core.get, second["draftId"]))
    assert rec.state in ("received", "in_review"), (rec.state, rec.values == shown)  # not approved unseen
    assert (run(qtbot, desktop.session.store.call(drafts_core.get, first["draftId"]))).state in (
        "received", "in_review")  # nor the first, which was no longer the open draft
