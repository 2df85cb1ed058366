"""Draft with AI from Feedback due: where the data goes, what is sent, progress, Cancel, faults, the draft.

The window runs against the sandbox over loopback. Most tests name an OpenAI-compatible address on
loopback that is never reached: the preview is built by the real drafter without sending, and the
model's call is replaced at the drafter's boundary to make progress, faults and Cancel happen on
cue. The last test drafts for real, through the official SDK, with the sandbox model.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
import test_feedback_due
import test_flows
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_flows import TIMEOUT

from lever_desktop.drafting.drafter import DraftOutcome
from lever_desktop.review.intake import receive_draft
from lever_desktop.ui import draft_ai_dialog
from lever_desktop.ui.draft_ai_dialog import DraftWithAIDialog

shell, desktop, due_page = test_flows.shell, test_flows.desktop, test_feedback_due.due_page  # fixtures

TRANSCRIPT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Interviewer>Tell me about a system you designed.

00:00:05.000 --> 00:00:12.000
<v Candidate>I designed the billing pipeline and cut its latency in half.
"""


@pytest.fixture(autouse=True)
def provider_on_loopback(monkeypatch):
    for name, value in (
        ("LEVER_DRAFTER_PROVIDER", "openai"),
        ("LEVER_DRAFTER_MODEL", "local-model"),
        ("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"),
        ("OPENAI_API_KEY", "test-key"),
    ):
        monkeypatch.setenv(name, value)


def open_dialog(due, qtbot, tmp_path) -> DraftWithAIDialog:
    row = next(iter(due.rows.values()))
    test_feedback_due.select(due, row.key)
    qtbot.mouseClick(due.page.draft_ai, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _dialog() is not None, timeout=TIMEOUT)
    dialog = _dialog()
    path = tmp_path / "interview.vtt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    dialog.use_file(str(path))
    qtbot.waitUntil(lambda: dialog.draft.isEnabled(), timeout=TIMEOUT)
    return dialog


def _dialog() -> DraftWithAIDialog | None:
    found = [w for w in QApplication.topLevelWidgets() if isinstance(w, DraftWithAIDialog) and w.isVisible()]
    return found[0] if found else None


def test_it_names_where_data_goes_and_shows_the_exact_request_anonymised_on_request(due_page, qtbot, tmp_path):
    dialog = open_dialog(due_page, qtbot, tmp_path)
    row = dialog.row
    assert dialog.provider.text() == "Sent to: OpenAI-compatible API, model local-model, data goes to 127.0.0.1"
    assert dialog.provider.textFormat() == Qt.TextFormat.PlainText and "2 lines" in dialog.status.text()
    qtbot.mouseClick(dialog.show_sent, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.preview.isVisible, timeout=TIMEOUT)
    sent = dialog.preview.toPlainText()
    assert "billing pipeline" in sent and "record_feedback_draft" in sent and row.candidate in sent
    dialog.anonymise.setChecked(True)
    qtbot.waitUntil(lambda: row.candidate not in dialog.preview.toPlainText(), timeout=TIMEOUT)
    assert "the candidate" in dialog.preview.toPlainText()
    dialog.reject()


def test_the_draft_opens_in_the_drafts_page(due_page, desktop, qtbot, tmp_path, monkeypatch):
    asked = {}

    async def drafted(session, **plan):  # what the drafter hands to review: a document through intake
        asked.update(plan, reviewer=session.reviewer)
        doc = {
            "schema": "lever-desktop/draft@1",
            "draftId": "ai-test-1",
            "opportunityId": plan["opportunity_id"],
            "templateId": plan["template_id"],
            "interviewId": plan["interview_id"],
            "interviewerEmail": session.reviewer,
            "createdAt": 1,
            "model": "local-model",
            "fields": [],
        }
        result = await receive_draft(session.store, doc, "ai")
        return DraftOutcome(result.draft_id, provider="openai", model="local-model")

    monkeypatch.setattr(draft_ai_dialog, "draft_interview", drafted)
    dialog = open_dialog(due_page, qtbot, tmp_path)
    row = dialog.row
    qtbot.mouseClick(dialog.draft, Qt.MouseButton.LeftButton)
    drafts = desktop.controller.drafts
    qtbot.waitUntil(lambda: drafts.view is not None and drafts.view.record.draft_id == "ai-test-1", timeout=TIMEOUT)
    assert desktop.window.current_page() == "review" and _dialog() is None
    # Drafted for this row's interviewer and interview, with the transcript read from the file.
    assert asked["reviewer"] == row.interviewer_email and asked["interview_id"] == row.interview_id
    assert len(asked["transcript"].lines) == 2 and asked["anonymize"] is False


def failed_drafting(due, qtbot, tmp_path, monkeypatch, calls: list) -> DraftWithAIDialog:
    """The dialog after Draft met an overloaded provider (each call's plan kept in ``calls``)."""

    async def overloaded(session, **plan):
        calls.append(plan)
        return DraftOutcome(None, problems=["The provider is overloaded (HTTP 529); try again in a minute."])

    monkeypatch.setattr(draft_ai_dialog, "draft_interview", overloaded)
    dialog = open_dialog(due, qtbot, tmp_path)
    qtbot.mouseClick(dialog.draft, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.retry.isVisible, timeout=TIMEOUT)
    return dialog


def test_a_fault_reads_in_words_with_retry_and_write_by_hand(due_page, desktop, qtbot, tmp_path, monkeypatch):
    calls = []
    dialog = failed_drafting(due_page, qtbot, tmp_path, monkeypatch, calls)
    row = dialog.row
    assert dialog.status.text() == "No draft: The provider is overloaded (HTTP 529); try again in a minute."
    assert dialog.by_hand.isVisible() and not dialog.busy.isVisible()
    qtbot.mouseClick(dialog.retry, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(calls) == 2 and dialog.retry.isVisible(), timeout=TIMEOUT)
    qtbot.mouseClick(dialog.by_hand, Qt.MouseButton.LeftButton)
    drafts = desktop.controller.drafts
    qtbot.waitUntil(lambda: drafts.view is not None and drafts.view.record.source == "manual", timeout=TIMEOUT)
    assert drafts.view.record.interview_id == row.interview_id


def test_cancel_stops_the_drafting_and_nothing_reaches_review(due_page, desktop, qtbot, tmp_path, monkeypatch):
    started, stopped = asyncio.Event(), []

    async def slow(session, **plan):
        started.set()
        try:
            await asyncio.Event().wait()  # the model thinking
        except asyncio.CancelledError:
            stopped.append(True)
            raise

    monkeypatch.setattr(draft_ai_dialog, "draft_interview", slow)
    dialog = open_dialog(due_page, qtbot, tmp_path)
    qtbot.mouseClick(dialog.draft, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(started.is_set, timeout=TIMEOUT)
    assert dialog.busy.isVisible() and not dialog.draft.isEnabled()
    qtbot.mouseClick(dialog.cancel, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: stopped == [True], timeout=TIMEOUT)
    assert dialog.status.text() == "Cancelled. Nothing was saved." and not dialog.busy.isVisible()
    assert dialog.isVisible() and dialog.draft.isEnabled()
    dialog.reject()


def test_settings_name_where_drafts_go_and_edit_when_feedback_is_due(runner, qtbot):
    from lever_desktop import config
    from lever_desktop.ui.due_settings import DueSettings

    settings = config.Settings()
    group = DueSettings(settings, runner)
    qtbot.addWidget(group)
    qtbot.waitUntil(lambda: "127.0.0.1" in group.provider.text(), timeout=TIMEOUT)
    assert group.provider.text() == "OpenAI-compatible API, model local-model, data goes to 127.0.0.1"
    group.due_hours.setValue(8)
    group.lookback.setValue(14)
    assert (settings.feedback_due_hours, settings.feedback_due_lookback_days) == (8, 14)


def test_the_sample_transcript_is_the_interviews_own_else_one_for_the_same_form(tmp_path):
    import dataclasses
    import json

    from lever_desktop.review.due import DueRow
    from lever_desktop.ui.draft_ai_dialog import sample_transcript

    for name in ("a.vtt", "b.srt", "c.txt"):
        (tmp_path / name).write_text("Interviewer: hello", encoding="utf-8")
    (tmp_path / "index.json").write_text(
        json.dumps(
            {
                "transcripts": [
                    {"file": "a.vtt", "interviewId": "i-a", "template": "Phone screen"},
                    {"file": "b.srt", "interviewId": "i-b", "template": "Onsite technical"},
                    {"file": "missing.vtt", "interviewId": "i-c", "template": "Culture"},
                    {"file": "c.txt", "interviewId": "i-d", "template": "Culture"},
                ]
            }
        ),
        encoding="utf-8",
    )
    row = DueRow(
        key="k",
        opportunity_id="o",
        candidate="Ada",
        interview_id="i-b",
        panel_id=None,
        subject="Phone screen with Ada",
        interviewer_id="u",
        interviewer="Ana",
        interviewer_email="a@x.io",
        date=1,
        ended_at=1,
        due_at=1,
        overdue=True,
        reminder=None,
        template_id="t",
        posting_id=None,
        posting=None,
        draft_id=None,
        draft_state=None,
    )
    assert sample_transcript(row, tmp_path) == tmp_path / "b.srt"
    assert sample_transcript(dataclasses.replace(row, interview_id="new"), tmp_path) == tmp_path / "a.vtt"
    other = dataclasses.replace(row, interview_id="new", subject="Culture chat with Ada")
    assert sample_transcript(other, tmp_path) == tmp_path / "c.txt"  # a listed file that is missing is skipped
    assert sample_transcript(dataclasses.replace(other, subject="Lunch"), tmp_path) == tmp_path / "a.vtt"
    assert sample_transcript(row, tmp_path / "nowhere") is None


def test_end_to_end_with_the_sandbox_model_a_transcript_becomes_a_form_in_lever(
    due_page, desktop, sandbox, qtbot, tmp_path, monkeypatch
):
    from lever_desktop.sandbox.model import SandboxModelServer

    model = SandboxModelServer().start()
    try:
        for name, value in (
            ("LEVER_DRAFTER_PROVIDER", "anthropic"),
            ("LEVER_DRAFTER_MODEL", "sandbox-model"),
            ("ANTHROPIC_BASE_URL", model.anthropic_base_url),
            ("ANTHROPIC_API_KEY", "any"),
        ):
            monkeypatch.setenv(name, value)
        dialog = open_dialog(due_page, qtbot, tmp_path)
        row = dialog.row
        assert dialog.provider.text().endswith("data goes to 127.0.0.1")
        qtbot.mouseClick(dialog.draft, Qt.MouseButton.LeftButton)
        drafts = desktop.controller.drafts
        qtbot.waitUntil(
            lambda: drafts.view is not None and drafts.view.record.source == "ai" and drafts.form is not None,
            timeout=60_000,
        )
        rec = drafts.view.record
        assert rec.interview_id == row.interview_id and rec.interviewer_email == row.interviewer_email
        quotes = [e["quote"] for f in rec.document["fields"] for e in f.get("evidence") or []]
        assert quotes and all(q in TRANSCRIPT for q in quotes)  # every quote kept is in the transcript
        test_flows.fix_flagged_values(desktop, qtbot)
        qtbot.waitUntil(drafts.editor.approve.isEnabled, timeout=TIMEOUT)
        approved = {v["id"]: v["value"] for v in drafts.form.field_values()}
        qtbot.mouseClick(drafts.editor.approve, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Submitted to Lever" in drafts.editor.outcome.text(), timeout=TIMEOUT)
        stored = [
            f
            for f in test_flows.lever_forms(sandbox, row.opportunity_id)
            if f["interview"] == row.interview_id and f["user"] == row.interviewer_id
        ]
        assert len(stored) == 1
        assert {f["id"]: f["value"] for f in stored[0]["fields"] if f["value"] is not None} == approved
    finally:
        model.stop()


def test_in_the_sandbox_a_sample_transcript_drafts_with_no_key(shell, qtbot, monkeypatch):
    main = test_feedback_due.sandbox_window(shell, qtbot, monkeypatch)
    due = shell.controller.due
    qtbot.waitUntil(lambda: any(not r.draft_id for r in due.rows.values()), timeout=TIMEOUT)
    row = next(r for r in due.rows.values() if not r.draft_id)  # an interviewer the pipeline left alone
    shell.window.show_page("due")
    test_feedback_due.select(due, row.key)
    qtbot.mouseClick(due.page.draft_ai, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _dialog() is not None, timeout=TIMEOUT)
    dialog = _dialog()
    assert dialog.sample.isVisible()
    qtbot.waitUntil(lambda: "sandbox-model" in dialog.provider.text(), timeout=TIMEOUT)  # no key, no real provider
    qtbot.mouseClick(dialog.sample, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(dialog.draft.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(dialog.draft, Qt.MouseButton.LeftButton)
    drafts = shell.controller.drafts
    qtbot.waitUntil(lambda: drafts.view is not None and drafts.view.record.source == "ai", timeout=60_000)
    assert (drafts.view.record.interview_id, drafts.view.record.interviewer_email) == (
        row.interview_id,
        row.interviewer_email,
    )
    qtbot.waitUntil(
        lambda: due.rows.get(row.key) is not None and due.rows[row.key].draft_id is not None, timeout=TIMEOUT
    )
    shell.window.close()
    qtbot.waitUntil(main.done, timeout=TIMEOUT)


def test_write_by_hand_after_the_interview_was_cancelled_says_so_and_writes_no_form(
    due_page, desktop, sandbox, qtbot, tmp_path, monkeypatch
):
    dialog = failed_drafting(due_page, qtbot, tmp_path, monkeypatch, [])
    row = dialog.row
    # Meanwhile the interview is cancelled in Lever; its webhook re-reads the interviews, the page reloads.
    with httpx.Client(base_url=sandbox.admin_url) as admin:
        admin.delete(f"/opportunities/{row.opportunity_id}/interviews/{row.interview_id}").raise_for_status()
    due_page.runner.run(
        desktop.session.engine.refresh_interviews(row.opportunity_id),
        owner=due_page.page,
        on_success=lambda _found: due_page.reload(),
        name="interview webhook",
    )
    qtbot.waitUntil(lambda: row.key not in due_page.rows and bool(due_page.rows), timeout=TIMEOUT)
    others = set(due_page.rows)
    assert due_page.selected() is not None  # the selection moved on to another slot
    qtbot.mouseClick(dialog.by_hand, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no longer waiting for feedback" in due_page.page.note.text(), timeout=TIMEOUT)
    assert set(due_page.rows) == others and not [r for r in due_page.rows.values() if r.draft_id]  # no form begun
    assert desktop.controller.drafts.view is None


def test_settings_keep_the_providers_api_key_in_the_keychain_and_drafting_uses_it(runner, qtbot, monkeypatch):
    from lever_desktop import config, paths, secrets
    from lever_desktop.drafting.providers import provider_from_settings
    from lever_desktop.ui.first_run import SettingsDialog

    monkeypatch.delenv("OPENAI_API_KEY")  # "enter the key in Settings", as the error without one says
    dialog = SettingsDialog(runner)
    qtbot.addWidget(dialog)
    key = dialog.due.key
    qtbot.waitUntil(key.isEnabled, timeout=TIMEOUT)
    assert key.echoMode() == key.EchoMode.Password and "keychain" in key.placeholderText()
    dialog.form.api_key.setText("lever-key-1234")
    key.setText("sk-local-model-5678")
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert secrets.get_secret(secrets.OPENAI_API_KEY) == "sk-local-model-5678"
    assert provider_from_settings(config.Settings.load()).api_key == "sk-local-model-5678"
    assert "sk-local-model" not in paths.settings_path().read_text()

    monkeypatch.setenv("OPENAI_API_KEY", "from-the-environment")  # the environment overrides: nothing to type
    again = SettingsDialog(runner)
    qtbot.addWidget(again)
    qtbot.waitUntil(lambda: "environment" in again.due.key.placeholderText(), timeout=TIMEOUT)
    assert not again.due.key.isEnabled()


def test_settings_fit_a_1024x640_screen_with_save_in_view(runner, qtbot):
    from lever_desktop.ui.first_run import SettingsDialog

    dialog = SettingsDialog(runner)
    qtbot.addWidget(dialog)
    assert dialog.minimumSizeHint().height() <= 560 and dialog.minimumSizeHint().width() <= 1000
    dialog.resize(dialog.minimumSizeHint().width(), 560)  # 640 less a title bar and a panel
    dialog.show()
    qtbot.waitUntil(lambda: dialog.buttons.isVisible(), timeout=TIMEOUT)
    save = dialog.buttons.button(dialog.buttons.StandardButton.Save)
    assert dialog.rect().contains(save.geometry().translated(dialog.buttons.pos()))
