"""A recruiter's day in the window, end to end, against the sandbox over loopback (#14).

Open a draft and fix its flagged answers; approve, undo, approve again and watch it send; go
offline (the sandbox's outage), approve, come back. At every step the counts (sidebar and
status bar), the drafts list's State and ⚠, the status bar's connection and the outbox page
must tell the truth. Every wait is on an effect, never on time.
"""

from __future__ import annotations

import json

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_flows import (  # noqa: F401  (fixtures: the window on the sandbox)
    TIMEOUT,
    desktop,
    fix_flagged_values,
    import_and_open,
    lever_forms,
    sandbox_draft,
    shell,
)

from lever_desktop.sandbox.faults import parse_spec

GRACE_S = 2.0


def _interview_after_the_last_sync(sandbox) -> dict:
    """A draft for an interview scheduled and held since the app last synced: not in its cache."""
    with httpx.Client(base_url=sandbox.admin_url) as admin:
        panel = admin.post("/interviews/schedule", json={}).raise_for_status().json()
        interview = panel["panel"]["interviews"][0]["id"]
        return (
            admin.post(
                "/interviews/complete",
                json={"opportunityId": panel["opportunityId"], "interviewId": interview, "flaw": None},
            )
            .raise_for_status()
            .json()["draft"]
        )


def _row(app, draft_id):
    return next((r for r in app.controller.drafts.list.model.rows() if r.draft_id == draft_id), None)


def _state(app, draft_id) -> str | None:
    row = _row(app, draft_id)
    return row.state if row else None


def _told(app, *, review: int, pending: int, attention: int = 0) -> bool:
    """The sidebar and the status bar count the same thing, and the outbox page lists it."""
    w = app.window
    need = f", {attention} need{'s' if attention == 1 else ''} attention" if attention else ""
    outbox_rows = app.controller.outbox.page.model.rows()
    return (
        w.nav.item(0).text() == f"Drafts to review ({review})"
        and w.nav.item(1).text() == f"Outbox ({pending} pending{need})"
        and w.status_outbox.text() == f"Outbox: {pending}{need}"
        and len(outbox_rows) == pending + attention
    )


def _stored(sandbox, doc) -> int:
    return len(
        [
            f
            for f in lever_forms(sandbox, doc["opportunityId"])
            if f.get("interview") == doc["interviewId"] and not f.get("deletedAt")
        ]
    )


def _import(app, qtbot, tmp_path, *docs) -> None:
    paths = []
    for doc in docs:
        path = tmp_path / f"{doc['draftId']}.json"
        path.write_text(json.dumps(doc), encoding="utf-8")
        paths.append(str(path))
    app.window.files_dropped.emit(paths)
    qtbot.waitUntil(lambda: all(_row(app, d["draftId"]) for d in docs), timeout=TIMEOUT)


def _open(app, qtbot, draft_id) -> None:
    drafts = app.controller.drafts
    if drafts.draft_id != draft_id:
        drafts.list.table.setCurrentIndex(
            drafts.list.proxy.mapFromSource(drafts.list.model.index(drafts.list.model.row_of(draft_id), 0))
        )
    qtbot.waitUntil(
        lambda: (
            drafts.draft_id == draft_id
            and drafts.view is not None
            and drafts.view.record.draft_id == draft_id
            and drafts.form is not None
        ),
        timeout=TIMEOUT,
    )


@pytest.mark.logs_warnings("Lever is made unreachable on purpose: the client logs each retry")
def test_a_day_of_review_tells_the_truth_at_every_step(desktop, sandbox, qtbot, tmp_path):
    desktop.session.settings.undo_grace_seconds = GRACE_S
    window, drafts, editor = desktop.window, desktop.controller.drafts, desktop.controller.drafts.editor
    bar, log = drafts.undo_bar, desktop.controller.activity.log
    first, second = sandbox_draft(sandbox), sandbox_draft(sandbox, None)
    _import(desktop, qtbot, tmp_path, first, second)
    qtbot.waitUntil(lambda: _told(desktop, review=2, pending=0), timeout=TIMEOUT)

    # -- open a draft, fix its flagged answers: the list follows without reopening -------------
    _open(desktop, qtbot, first["draftId"])
    checks = len([f for f in drafts.view.record.flags if f.get("fieldId")])
    assert checks >= 1 and _row(desktop, first["draftId"]).flags == checks
    assert _state(desktop, first["draftId"]) == "To review" and not editor.approve.isEnabled()
    fix_flagged_values(desktop, qtbot)
    qtbot.waitUntil(
        lambda: _row(desktop, first["draftId"]).flags is None and _state(desktop, first["draftId"]) == "Edited",
        timeout=TIMEOUT,
    )
    assert "still to check" not in editor.flags.text() and editor.approve.isEnabled()
    fixed = dict(drafts.values())

    # -- approve: an Undo grace, and the editor moves on to the next draft ----------------------
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.isVisible() and drafts.draft_id == second["draftId"], timeout=TIMEOUT)
    _open(desktop, qtbot, second["draftId"])
    assert "sending in" in bar.text.text()
    qtbot.waitUntil(
        lambda: _state(desktop, first["draftId"]) == "Approved (Undo)" and _told(desktop, review=1, pending=1),
        timeout=TIMEOUT,
    )
    assert _stored(sandbox, first) == 0

    # -- undo (Ctrl+Z): back to review with the fixed values, nothing sent ------------------------
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    drafts.list.table.setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(
        lambda: (
            drafts.draft_id == first["draftId"] and drafts.view is not None and drafts.view.record.state == "in_review"
        ),
        timeout=TIMEOUT,
    )
    assert not bar.isVisible() and drafts.values() == fixed and editor.approve.isEnabled()
    qtbot.waitUntil(
        lambda: _state(desktop, first["draftId"]) == "Edited" and _told(desktop, review=2, pending=0), timeout=TIMEOUT
    )
    assert _stored(sandbox, first) == 0 and "Outbox: 0" == window.status_outbox.text()

    # -- approve again and watch it send once the grace is over -----------------------------------
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _state(desktop, first["draftId"]) == "Submitted", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: _told(desktop, review=1, pending=0), timeout=TIMEOUT)
    assert _stored(sandbox, first) == 1 and not bar.isVisible()
    assert window.status_connection.text() == "● Online"

    # -- offline: approve, it waits, counted; a draft arriving now carries a note, not a check ----
    sandbox.faults.replace(parse_spec("drop"))  # Lever's outage
    window.sync_action.trigger()
    qtbot.waitUntil(
        lambda: window.status_connection.text() == "○ Offline" and window.offline_banner.isVisible(), timeout=TIMEOUT
    )
    late = _interview_after_the_last_sync(sandbox)
    _import(desktop, qtbot, tmp_path, late)
    _open(desktop, qtbot, second["draftId"])
    fix_flagged_values(desktop, qtbot)
    qtbot.waitUntil(editor.approve.isEnabled)
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    _open(desktop, qtbot, late["draftId"])  # the editor moved on to it: the next draft to review
    # Its fields' checks are counted (here and in the list); "not in the cache" is a note, not a check.
    late_checks = len([f for f in drafts.view.record.flags if f.get("fieldId")])
    assert editor.flags.text().startswith(f"⚠ {late_checks} to check") and "ℹ Interview" in editor.flags.text()
    assert late_checks == len(drafts.view.record.flags) - 2 and editor.refresh.isVisible()
    qtbot.waitUntil(lambda: _row(desktop, late["draftId"]).flags == late_checks, timeout=TIMEOUT)
    assert not editor.approve.isEnabled()
    fix_flagged_values(desktop, qtbot)  # the checks done, the notes left: nothing "still to check"
    qtbot.waitUntil(
        lambda: editor.approve.isEnabled() and _row(desktop, late["draftId"]).flags is None, timeout=TIMEOUT
    )
    assert "to check" not in editor.flags.text() and "ℹ Interview" in editor.flags.text()
    qtbot.mouseClick(editor.refresh, Qt.MouseButton.LeftButton)  # offline: it says so, the note stays
    qtbot.waitUntil(lambda: "can't be reached" in editor.outcome.text(), timeout=TIMEOUT)
    assert "ℹ Interview" in editor.flags.text()
    # Past its grace, tried while Lever is down: still queued, still counted, still offline.
    qtbot.waitUntil(lambda: _state(desktop, second["draftId"]) == "Queued", timeout=TIMEOUT)
    assert _told(desktop, review=1, pending=1) and _stored(sandbox, second) == 0
    assert window.status_connection.text() == "○ Offline" and "reachable again" not in log.toPlainText()
    outbox_page = desktop.controller.outbox.page.model.rows()
    assert [r.state for r in outbox_page] == ["Queued"]

    # -- Lever is back: no manual sync; the outbox's next try gets through -----------------------
    sandbox.faults.replace([])
    qtbot.waitUntil(lambda: _state(desktop, second["draftId"]) == "Submitted", timeout=TIMEOUT)
    qtbot.waitUntil(
        lambda: (
            _told(desktop, review=1, pending=0)
            and not window.offline_banner.isVisible()
            and window.status_connection.text() in ("● Online", "⟳ Syncing")
        ),
        timeout=TIMEOUT,
    )
    assert _stored(sandbox, second) == 1 and _stored(sandbox, first) == 1
    assert log.toPlainText().count("Lever reachable again") == 1

    # -- the note is actionable: Refresh from Lever re-reads the candidate and clears it -----------
    qtbot.mouseClick(editor.refresh, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "is not in the cache" not in editor.flags.text() and not editor.refresh.isVisible(), timeout=TIMEOUT
    )
    assert drafts.draft_id == late["draftId"] and "can't be reached" not in editor.outcome.text()
    assert _told(desktop, review=1, pending=0)


@pytest.mark.logs_warnings("Lever refuses the form on purpose: the refusal is logged")
def test_a_draft_lever_refused_is_counted_where_the_outbox_is_counted(desktop, sandbox, qtbot, tmp_path):
    """The status bar said "Outbox: 0" while the sidebar said "1 needs attention": read as all clear."""
    sandbox.faults.replace(parse_spec("status=400,method=POST,path=*/feedback"))  # Lever will not take it
    doc = sandbox_draft(sandbox, flaw=None)
    import_and_open(desktop, qtbot, tmp_path, doc)
    editor = desktop.controller.drafts.editor
    qtbot.waitUntil(editor.approve.isEnabled)
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _state(desktop, doc["draftId"]) == "Needs attention", timeout=TIMEOUT)
    qtbot.waitUntil(lambda: _told(desktop, review=0, pending=0, attention=1), timeout=TIMEOUT)
    assert desktop.window.status_outbox.text() == "Outbox: 0, 1 needs attention"
