"""The Feedback due page against a real sandbox over loopback: rows, filters, Write feedback to Lever.

Every wait is on an effect (rows on the page, a draft in the editor, what the sandbox stored).
"""

from __future__ import annotations

import asyncio
import random

import pytest
import test_flows
from helpers.due_support import happened
from PySide6.QtCore import Qt
from test_flows import TIMEOUT, lever_forms

from lever_desktop import sandbox_mode
from lever_desktop.sandbox.drafts import sample_value
from lever_desktop.ui.due_controller import DueController
from lever_desktop.ui.table_models import KEY_ROLE

shell, desktop = test_flows.shell, test_flows.desktop  # fixtures: the window on the sandbox


@pytest.fixture
def due_page(desktop, sandbox, qtbot):
    """The page after interviews happened in Lever and the recent-interviews pass read them."""
    just_now = happened(sandbox, 2)
    desktop.session.scheduler.sync_now()  # the next pass sees the activity, then the page reads Lever
    due: DueController = desktop.controller.due
    want = {i for ids in just_now.values() for i in ids}
    qtbot.waitUntil(lambda: {r.interview_id for r in due.rows.values()} == want, timeout=TIMEOUT)
    desktop.window.show_page("due")
    return due


def select(due: DueController, key: str) -> None:
    model, table = due.page.list.model, due.page.list.table
    index = due.page.list.proxy.mapFromSource(model.index(model.keys().index(key), 0))
    table.setCurrentIndex(index)


def test_rows_filters_and_the_count_in_the_navigation(due_page, desktop, qtbot):
    due = due_page
    rows = list(due.rows.values())
    page = due.page
    assert (
        page.list.model.rowCount() == len(rows) and desktop.window.nav.item(2).text() == f"Feedback due ({len(rows)})"
    )
    # Oldest first, each with its marker; the interviews just happened, so Lever's reminder is hours away.
    dates = [
        page.list.proxy.index(i, page.list.model.column_of("date")).data(Qt.ItemDataRole.UserRole)
        for i in range(page.list.proxy.rowCount())
    ]
    assert dates == sorted(dates)
    assert all(
        page.list.model.index(i, page.list.model.column_of("due")).data().startswith("Due in ")
        for i in range(len(rows))
    )
    someone = rows[0].interviewer_id
    page.interviewer.setCurrentIndex(page.interviewer.findData(someone))
    assert {r.interviewer_id for r in due.rows.values()} == {someone}
    assert page.list.model.rowCount() == sum(r.interviewer_id == someone for r in rows)
    page.interviewer.setCurrentIndex(0)
    # "Only mine": the email in Settings.
    desktop.session.settings.extra["reviewer_email"] = rows[-1].interviewer_email.upper()
    page.mine.setChecked(True)
    assert {r.interviewer_email for r in due.rows.values()} == {rows[-1].interviewer_email}
    page.mine.setChecked(False)
    assert len(due.rows) == len(rows)
    # Without an email in Settings "mine" cannot be told: it says so and filters nothing.
    desktop.session.settings.extra["reviewer_email"] = ""
    page.mine.setChecked(True)
    assert "Add your email in Settings" in page.note.text() and len(due.rows) == len(rows)
    page.mine.setChecked(False)
    assert page.note.text() == ""


def test_a_row_clicked_offers_write_feedback_and_draft_with_ai(due_page, qtbot):
    """Seen in a real-account window: a row chosen with the mouse was highlighted, but Write
    feedback and Draft with AI… stayed greyed out (the keyboard, which moves the current row and
    the selection together, enabled them)."""
    due = due_page
    table = due.page.list.table
    for row in range(table.model().rowCount()):
        cell = table.visualRect(table.model().index(row, 0)).center()
        qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell)
        assert due.selected() is not None and due.selected().key == table.model().index(row, 0).data(KEY_ROLE)
        assert due.page.write.isEnabled() and due.page.draft_ai.isEnabled()


def test_write_feedback_opens_the_blank_form_and_approving_stores_it_in_lever(due_page, desktop, sandbox, qtbot):
    due = due_page
    row = next(iter(due.rows.values()))
    select(due, row.key)
    qtbot.mouseClick(due.page.write, Qt.MouseButton.LeftButton)
    drafts = desktop.controller.drafts
    qtbot.waitUntil(
        lambda: (
            drafts.form is not None and drafts.view is not None and drafts.view.record.interview_id == row.interview_id
        ),
        timeout=TIMEOUT,
    )
    assert desktop.window.current_page() == "review"
    assert drafts.view.record.source == "manual" and drafts.view.record.document["model"] is None
    editor = drafts.editor
    assert not editor.approve.isEnabled()  # a blank form lacks its required answers
    # Fill in the form as the interviewer would, then approve: the outbox sends it to Lever once.
    rng, values = random.Random(1), {}
    for field in drafts.view.record.template["fields"]:
        values[field["id"]] = sample_value(field, rng, 1_700_000_000_000)
    for field_id, value in values.items():
        if value is not None:
            drafts.form.set(field_id, value)
    editor.form_widget.refresh()
    qtbot.waitUntil(editor.approve.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Submitted to Lever" in editor.outcome.text(), timeout=TIMEOUT)
    stored = [
        f
        for f in lever_forms(sandbox, row.opportunity_id)
        if f["interview"] == row.interview_id and f["user"] == row.interviewer_id
    ]
    assert len(stored) == 1
    answered = {f["id"]: f["value"] for f in stored[0]["fields"]}
    assert all(answered[k] == v for k, v in values.items() if v is not None)
    # The slot is closed: its row leaves the page.
    qtbot.waitUntil(lambda: row.key not in due.rows, timeout=TIMEOUT)


def sandbox_window(shell, qtbot, monkeypatch) -> asyncio.Future:
    """``lever-desktop --sandbox`` as a first run chooses it (a small account, two interviews that
    just happened, their pipeline drafts); returns the app's main task."""
    monkeypatch.setattr(sandbox_mode, "SANDBOX_OPPORTUNITIES", 30)
    monkeypatch.setattr(sandbox_mode, "INTERVIEW_EVERY_S", None)
    monkeypatch.setattr(sandbox_mode, "FIRST_RUN_DRAFTS", 2)
    main = asyncio.ensure_future(shell.main())
    qtbot.waitUntil(lambda: test_flows.first_run_dialog() is not None, timeout=TIMEOUT)
    qtbot.mouseClick(test_flows.first_run_dialog().try_sandbox, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.controller is not None, timeout=TIMEOUT)
    return main


def test_in_the_sandbox_the_interviews_that_just_happened_are_due_and_their_ai_drafts_shown(shell, qtbot, monkeypatch):
    main = sandbox_window(shell, qtbot, monkeypatch)
    due = shell.controller.due
    # Interview webhooks (through the relay) bring the two interviews; the pipeline's drafts arrive
    # for one interviewer of each, and their rows say so.
    qtbot.waitUntil(
        lambda: (
            len({r.interview_id for r in due.rows.values()}) == 2
            and sum(r.draft_id is not None for r in due.rows.values()) == 2
        ),
        timeout=TIMEOUT,
    )
    drafted = [r for r in due.rows.values() if r.draft_id]
    assert all(r.draft_state in ("received", "in_review") for r in drafted)
    # Its form is already drafted: the row opens that draft instead of starting a second form.
    shell.window.show_page("due")
    select(due, drafted[0].key)
    assert due.page.write.text() == "Open its draft"
    qtbot.mouseClick(due.page.write, Qt.MouseButton.LeftButton)
    drafts = shell.controller.drafts
    qtbot.waitUntil(
        lambda: drafts.view is not None and drafts.view.record.draft_id == drafted[0].draft_id, timeout=TIMEOUT
    )
    assert shell.window.current_page() == "review"
    shell.window.close()
    qtbot.waitUntil(main.done, timeout=TIMEOUT)
