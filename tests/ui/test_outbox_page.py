"""The outbox page's actions in the window, against a real sandbox over loopback: Cancel takes a
queued draft back to review, Retry now sends it, the Sent history lists it with Lever's feedback id,
and Open the draft shows it in the review pane. Waits are on effects, never on time."""

from __future__ import annotations

import dataclasses
import json

import pytest
from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from test_flows import (  # noqa: F401  (fixtures)
    TIMEOUT,
    desktop,
    fix_flagged_values,
    import_and_open,
    lever_forms,
    sandbox_draft,
    shell,
)

from lever_desktop.sandbox.faults import parse_spec


class _Browser(QObject):
    """Stands in for the system browser: Qt hands it the URLs QDesktopServices.openUrl is given."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


def _click(qtbot, button) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def _queued_with_error(page) -> bool:
    return page.model.rowCount() == 1 and bool(page.model.index(0, page.model.column_of("last_error")).data())


@pytest.mark.logs_warnings("Lever answers 503 on purpose: the client logs each retry")
def test_cancel_then_retry_now_from_the_outbox_page(desktop, sandbox, qtbot, tmp_path):
    box = desktop.session.outbox
    box.backoff_base_ms = box.backoff_cap_ms = 600_000  # only Retry now brings a failed entry back
    sandbox.faults.replace(parse_spec("status=503,path=*/feedback"))  # Lever cannot take forms right now
    doc = sandbox_draft(sandbox, None)
    import_and_open(desktop, qtbot, tmp_path, doc)
    drafts, editor, window = desktop.controller.drafts, desktop.controller.drafts.editor, desktop.window
    outbox = desktop.controller.outbox
    page = outbox.page
    fix_flagged_values(desktop, qtbot)
    qtbot.waitUntil(editor.approve.isEnabled)
    _click(qtbot, editor.approve)
    window.show_page("outbox")
    qtbot.waitUntil(lambda: _queued_with_error(page), timeout=TIMEOUT)
    assert not page.retry.isEnabled() and not page.cancel.isEnabled()  # nothing chosen yet

    page.pending.table.selectRow(0)
    assert page.retry.isEnabled() and page.cancel.isEnabled() and page.open_draft.isEnabled()
    _click(qtbot, page.cancel)
    qtbot.waitUntil(
        lambda: page.model.rowCount() == 0 and drafts.view is not None and drafts.view.record.state == "in_review",
        timeout=TIMEOUT,
    )
    assert "back in review; nothing was sent" in page.message.text()
    qtbot.waitUntil(lambda: "Outbox (0 pending" in window.nav.item(1).text(), timeout=TIMEOUT)
    assert "cancelled " in desktop.controller.activity.log.toPlainText()
    assert editor.approve.text() == "Approve" and editor.form_widget.isEnabled()  # the reviewer can edit again

    qtbot.waitUntil(editor.approve.isEnabled)
    _click(qtbot, editor.approve)
    qtbot.waitUntil(lambda: _queued_with_error(page), timeout=TIMEOUT)
    assert [f for f in lever_forms(sandbox, doc["opportunityId"]) if f.get("interview") == doc["interviewId"]] == []
    sandbox.faults.replace([])  # Lever is fine again; the entry's back-off says ten minutes
    page.pending.table.selectRow(0)
    _click(qtbot, page.retry)
    qtbot.waitUntil(lambda: page.sent.model.rowCount() == 1 and page.model.rowCount() == 0, timeout=TIMEOUT)
    assert page.message.text() == "Sending now."
    [form] = [f for f in lever_forms(sandbox, doc["opportunityId"]) if f.get("interview") == doc["interviewId"]]
    sent = page.sent.model
    row = {c.field: sent.index(0, i).data() for i, c in enumerate(sent.columns)}
    assert row["feedback_id"] == form["id"] and row["state"] == "Submitted" and row["sent"]
    assert row["candidate"] == drafts.view.candidate and row["interviewer"] == doc["interviewerEmail"]

    page.sent.table.selectRow(0)
    assert not page.open_in_lever.isEnabled()  # the sandbox has no Lever web app to open
    # The same form seen from an EU account: Open in Lever opens its candidate page in the browser.
    desktop.session.account = dataclasses.replace(desktop.session.account, base_url="https://api.eu.lever.co/v1")
    page.sent.table.clearSelection()
    page.sent.table.selectRow(0)
    browser = _Browser()
    QDesktopServices.setUrlHandler("https", browser, "open")
    try:
        _click(qtbot, page.open_in_lever)
    finally:
        QDesktopServices.unsetUrlHandler("https")
    assert browser.opened == [f"https://hire.eu.lever.co/candidates/{doc['opportunityId']}"]
    other = sandbox_draft(sandbox, None)  # the reviewer has moved on to another draft
    (tmp_path / "other.json").write_text(json.dumps(other), encoding="utf-8")
    window.files_dropped.emit([str(tmp_path / "other.json")])
    qtbot.waitUntil(lambda: other["draftId"] in drafts.list.model.keys(), timeout=TIMEOUT)
    drafts.open(other["draftId"])
    qtbot.waitUntil(
        lambda: drafts.view is not None and drafts.view.record.draft_id == other["draftId"], timeout=TIMEOUT
    )
    window.show_page("outbox")
    _click(qtbot, page.open_sent_draft)
    qtbot.waitUntil(
        lambda: (
            window.current_page() == "review"
            and drafts.draft_id == doc["draftId"]
            and drafts.view is not None
            and drafts.view.record.state == "submitted"
        ),
        timeout=TIMEOUT,
    )
