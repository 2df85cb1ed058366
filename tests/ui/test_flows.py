"""The recruiter's paths through the window, against a real sandbox over loopback.

Every wait is on an effect (a widget state, a signal, what the sandbox stored),
never on time.
"""

from __future__ import annotations

import asyncio
import json
import time

import httpx
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPlainTextEdit, QPushButton, QTextEdit

from lever_desktop import config, sandbox_mode
from lever_desktop.review import lists
from lever_desktop.ui.first_run import FirstRunDialog
from lever_desktop.ui.shell import Shell
from lever_desktop.ui.table_models import format_ms_short

TIMEOUT = 30_000


def run(qtbot, coro, timeout: int = TIMEOUT):
    """Drive a coroutine on the qasync loop until it is done (Qt events flow meanwhile)."""
    future = asyncio.ensure_future(coro)
    qtbot.waitUntil(future.done, timeout=timeout)
    return future.result()


@pytest.fixture
def shell(runner, error_path, qtbot):
    s = Shell(runner, error_path)
    yield s
    run(qtbot, s.shutdown())


@pytest.fixture
def desktop(sandbox, shell, qtbot):
    """The main window connected to the sandbox, after its first sync.

    The sandbox is set up first so that it is stopped last: the app shuts down (its requests
    answered or closed) while Lever still answers, as when a recruiter quits. Stopped the other
    way round, a request cut off mid-connection left its socket for the garbage collector."""
    run(qtbot, shell.open_account(config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url)))
    qtbot.waitUntil(lambda: shell.session.engine.last_report is not None, timeout=TIMEOUT)
    assert shell.session.engine.last_report.ok
    return shell


def sandbox_draft(sandbox, flaw: str | None = "option-case") -> dict:
    with httpx.Client(base_url=sandbox.admin_url) as admin:
        return admin.post("/interviews/complete", json={"flaw": flaw}).raise_for_status().json()["draft"]


def lever_forms(sandbox, opportunity_id: str) -> list[dict]:
    with httpx.Client(base_url=sandbox.admin_url) as admin:
        return admin.get(f"/feedback/{opportunity_id}").raise_for_status().json()


def import_and_open(desktop, qtbot, tmp_path, doc) -> None:
    path = tmp_path / "draft.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    desktop.window.files_dropped.emit([str(path)])  # what a drop of the file does
    drafts = desktop.controller.drafts
    qtbot.waitUntil(lambda: drafts.draft_id == doc["draftId"] and drafts.form is not None, timeout=TIMEOUT)


def fix_flagged_values(desktop, qtbot) -> None:
    """Click what the reviewer clicks: accept the suggested fix, confirm unsure AI answers."""
    widget = desktop.controller.drafts.editor.form_widget
    for row in widget.rows:
        for button in (row.suggest_button, row.confirm_button):
            if isinstance(button, QPushButton) and button.isVisible() and row.needs_attention():
                qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert widget.can_approve(), widget.blocking_reasons()


def test_first_run_offers_the_sandbox_and_opens_it(shell, qtbot, monkeypatch):
    monkeypatch.setattr(sandbox_mode, "SANDBOX_OPPORTUNITIES", 30)
    monkeypatch.setattr(sandbox_mode, "INTERVIEW_EVERY_S", None)
    monkeypatch.setattr(sandbox_mode, "FIRST_RUN_DRAFTS", 2)
    main = asyncio.ensure_future(shell.main())
    qtbot.waitUntil(lambda: first_run_dialog() is not None, timeout=TIMEOUT)
    qtbot.mouseClick(first_run_dialog().try_sandbox, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.controller is not None, timeout=TIMEOUT)
    assert shell.window.sandbox_banner.isVisible()
    assert "not your Lever account" in shell.window.sandbox_banner.label.text()
    drafts = shell.controller.drafts
    # The sandbox's drafts travel sandbox -> relay -> feed poller -> review intake.
    qtbot.waitUntil(lambda: drafts.list.model.rowCount() == 2, timeout=TIMEOUT)
    shell.window.close()  # closing the window quits cleanly
    qtbot.waitUntil(main.done, timeout=TIMEOUT)
    assert main.result() == 0 and shell.session is None and shell.sandbox_env is None


def test_review_fix_approve_submits_to_lever(desktop, sandbox, qtbot, tmp_path):
    doc = sandbox_draft(sandbox)
    import_and_open(desktop, qtbot, tmp_path, doc)
    editor = desktop.controller.drafts.editor
    assert not editor.approve.isEnabled()  # a flagged value blocks approval
    assert "the interviewer" in editor.author.currentText()
    flagged = len(desktop.controller.drafts.view.record.flags)
    assert flagged >= 1 and f"{flagged} to check" in editor.flags.text() and "✓" not in editor.flags.text()
    fix_flagged_values(desktop, qtbot)
    # The pipeline's flags stay listed, ticked off now that the reviewer has dealt with them.
    assert "still to check" not in editor.flags.text() and editor.flags.text().count("✓ ") == flagged
    assert editor.flags.text().startswith("✔ ") and editor.flags.textFormat() == Qt.TextFormat.PlainText
    qtbot.waitUntil(editor.approve.isEnabled)
    desktop.window.activateWindow()
    qtbot.waitUntil(desktop.window.isActiveWindow)
    editor.form_widget.rows[0].editor.focus_target().setFocus()
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Submitted to Lever" in editor.outcome.text(), timeout=TIMEOUT)
    assert "differs" not in editor.outcome.text()  # read back from Lever: what was approved was stored
    stored = [f for f in lever_forms(sandbox, doc["opportunityId"]) if f.get("interview") == doc["interviewId"]]
    assert len(stored) == 1 and stored[0]["completedAt"]
    # The activity log names what was sent the way the reviewer knows it, not by draft id.
    form, name = desktop.controller.drafts.form.title, desktop.controller.drafts.view.candidate
    log = desktop.controller.activity.log
    qtbot.waitUntil(lambda: f"submitted {form} for {name} to Lever" in log.toPlainText(), timeout=TIMEOUT)


def two_drafts_listed(desktop, sandbox, qtbot, tmp_path):
    """Two sandbox drafts in the list, the first open, the window active; the drafts controller."""
    first, second = sandbox_draft(sandbox, None), sandbox_draft(sandbox, None)
    import_and_open(desktop, qtbot, tmp_path, first)
    drafts = desktop.controller.drafts
    (tmp_path / "second.json").write_text(json.dumps(second), encoding="utf-8")
    desktop.window.files_dropped.emit([str(tmp_path / "second.json")])
    qtbot.waitUntil(lambda: drafts.list.model.rowCount() == 2, timeout=TIMEOUT)
    desktop.window.activateWindow()
    qtbot.waitUntil(desktop.window.isActiveWindow)
    return drafts


def test_j_and_k_move_between_drafts_but_type_in_text_fields(desktop, sandbox, qtbot, tmp_path):
    drafts = two_drafts_listed(desktop, sandbox, qtbot, tmp_path)
    drafts.list.table.setFocus()
    start = drafts.draft_id
    qtbot.keyClick(drafts.list.table, Qt.Key.Key_J)
    qtbot.waitUntil(lambda: drafts.draft_id != start and drafts.form is not None, timeout=TIMEOUT)
    qtbot.keyClick(drafts.list.table, Qt.Key.Key_K)
    qtbot.waitUntil(lambda: drafts.draft_id == start and drafts.form is not None, timeout=TIMEOUT)
    texts = [
        r.editor.focus_target()
        for r in drafts.editor.form_widget.rows
        if isinstance(r.editor.focus_target(), (QLineEdit, QPlainTextEdit, QTextEdit))
    ]
    if texts:  # in a text answer, J is a letter, not "next draft"
        texts[0].setFocus()
        qtbot.keyClicks(texts[0], "j")
        assert drafts.draft_id == start
        assert "j" in (texts[0].text() if isinstance(texts[0], QLineEdit) else texts[0].toPlainText())


def test_sync_button_syncs_and_shows_progress_state(desktop, qtbot):
    sync = desktop.controller.sync
    with qtbot.waitSignal(sync.finished, timeout=TIMEOUT) as finished:
        desktop.window.sync_action.trigger()
    assert finished.args[0].ok
    assert desktop.window.status_connection.text() == "● Online"
    assert desktop.window.status_last_sync.text().startswith("Last sync")
    active = run(qtbot, desktop.session.store.call(lists.counts))["candidates"]
    assert active > 0
    qtbot.waitUntil(lambda: desktop.controller.candidates.model.rowCount() == active, timeout=TIMEOUT)


@pytest.mark.logs_warnings("Lever down or a task dying is logged")
def test_offline_banner_queues_approval_and_submits_when_lever_is_back(desktop, sandbox, qtbot, tmp_path):
    doc = sandbox_draft(sandbox)
    import_and_open(desktop, qtbot, tmp_path, doc)
    sandbox.stop()
    window = desktop.window
    window.sync_action.trigger()
    qtbot.waitUntil(window.offline_banner.isVisible, timeout=TIMEOUT)
    # The scheduler's own back-off is what retries, and the status line says when.
    qtbot.waitUntil(lambda: "can't be reached; trying again in" in window.status_connection.toolTip(), timeout=TIMEOUT)
    fix_flagged_values(desktop, qtbot)
    editor = desktop.controller.drafts.editor
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Outbox (1 pending" in window.nav.item(1).text(), timeout=TIMEOUT)
    assert "Submitted" not in editor.outcome.text()
    sandbox.start()  # same port: Lever is reachable again
    qtbot.waitUntil(lambda: "Submitted to Lever" in editor.outcome.text(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: not window.offline_banner.isVisible(), timeout=TIMEOUT)
    assert window.status_connection.toolTip() == ""  # no stale "trying again" once Lever answers
    stored = [f for f in lever_forms(sandbox, doc["opportunityId"]) if f.get("interview") == doc["interviewId"]]
    assert len(stored) == 1


def first_run_dialog() -> FirstRunDialog | None:
    from PySide6.QtWidgets import QApplication

    return next((w for w in QApplication.topLevelWidgets() if isinstance(w, FirstRunDialog) and w.isVisible()), None)


def test_quitting_as_the_outbox_is_woken_still_stops_it(desktop, qtbot):
    """A wake-up and the cancel of shutting down in the same loop turn: the outbox loop must stop,
    not swallow the cancel and wait out its recheck (Python 3.11's wait_for did: the app hung on
    SIGTERM about one start in ten)."""
    outbox = desktop.controller.outbox
    qtbot.waitUntil(lambda: desktop.session.outbox.waiting, timeout=TIMEOUT)  # idle at its wait
    outbox.wake(now=True)
    outbox.task.cancel()
    qtbot.waitUntil(outbox.task.done, timeout=5_000)  # the recheck is a minute away
    assert outbox.task.cancelled()


def test_a_hostile_draft_paints_nothing_in_the_main_window(desktop, sandbox, qtbot, tmp_path):
    """AI quotes, rationale and a rejected value carrying HTML are shown as the text they are."""
    from PySide6.QtWidgets import QLabel

    hostile = (
        "<h1 style='color:red'>APPROVED BY HIRING MANAGER</h1><img src='file:///etc/x.png'>"
        "<a href='https://evil.example/'>open</a>"
    )
    doc = sandbox_draft(sandbox, None)
    for f in doc["fields"]:
        f["evidence"], f["rationale"] = [{"quote": hostile}], hostile
    import_and_open(desktop, qtbot, tmp_path, doc)
    drafts = desktop.controller.drafts
    for row in drafts.editor.form_widget.rows:
        if row.ai_badge is not None and row.ai_badge.isCheckable():
            qtbot.mouseClick(row.ai_badge, Qt.MouseButton.LeftButton)
    # Lever's refusal quotes the value: the approval error is shown in the outcome line.
    choice = next(f for f in drafts.form.fields if f.definition.option_texts and f.kind.type_name != "multiple-select")
    run(qtbot, drafts.approve_draft(drafts.draft_id, {**drafts.values(), choice.id: hostile}, None))
    assert drafts.editor.outcome.text().startswith(f"Lever would reject some answers as they are: {choice.label}: ")
    assert "“<h1 style='color:red'>APPROVED" in drafts.editor.outcome.text()
    labels = desktop.window.findChildren(QLabel)
    showing = [label for label in labels if "APPROVED BY HIRING MANAGER" in label.text()]
    assert len(showing) >= 2 * len(doc["fields"]) + 1  # each quote and rationale, the outcome
    rich = [label.text() for label in labels if label.textFormat() != Qt.TextFormat.PlainText]
    assert not [text for text in rich if "APPROVED BY" in text or "<img" in text or "evil.example" in text]
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in showing)


# -- the interviewer's own feedback; amend and withdraw ------------------------------------------------


def _interviewer_id(sandbox, doc) -> str:
    with httpx.Client(base_url=sandbox.base_url, auth=(sandbox.api_key, "")) as lever:
        interviews = lever.get(f"/opportunities/{doc['opportunityId']}/interviews").raise_for_status().json()["data"]
    [iv] = [i for i in interviews if i["id"] == doc["interviewId"]]
    return next(p["id"] for p in iv["interviewers"] if p["email"] == doc["interviewerEmail"])


def _write_their_own_form(sandbox, doc) -> None:
    """The interviewer fills in the form in Lever themselves, after the last sync."""
    body = {
        "baseTemplateId": doc["templateId"],
        "panel": doc["panelId"],
        "interview": doc["interviewId"],
        "completedAt": doc["createdAt"],
        "fieldValues": [{"id": f["id"], "value": f["value"]} for f in doc["fields"]],
    }
    with httpx.Client(base_url=sandbox.base_url, auth=(sandbox.api_key, "")) as lever:
        lever.post(
            f"/opportunities/{doc['opportunityId']}/feedback",
            json=body,
            params={"perform_as": _interviewer_id(sandbox, doc)},
        ).raise_for_status()


def _message_box():
    from PySide6.QtWidgets import QMessageBox

    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    return boxes[0] if boxes else None


def _interview_forms(sandbox, doc) -> list[dict]:
    return [f for f in lever_forms(sandbox, doc["opportunityId"]) if f.get("interview") == doc["interviewId"]]


def test_their_own_form_in_lever_is_shown_and_a_second_one_needs_a_choice(desktop, sandbox, qtbot, tmp_path):
    doc = sandbox_draft(sandbox, None)
    _write_their_own_form(sandbox, doc)  # not in the cache: opening the draft asks Lever
    drafts = desktop.controller.drafts
    with qtbot.waitSignal(drafts.own_feedback_checked, timeout=TIMEOUT):
        import_and_open(desktop, qtbot, tmp_path, doc)
    editor = drafts.editor
    assert editor.own_feedback.isVisible() and editor.second_form.isVisible()
    assert editor.own_feedback.textFormat() == Qt.TextFormat.PlainText
    assert "submitted feedback for this interview just now" in editor.own_feedback.text()
    assert not editor.approve.isEnabled() and "second form" in editor.approve.toolTip()
    editor.second_form.setChecked(True)  # the reviewer read theirs and adds this one knowingly
    qtbot.waitUntil(editor.approve.isEnabled)
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Submitted to Lever" in editor.outcome.text(), timeout=TIMEOUT)
    assert len(_interview_forms(sandbox, doc)) == 2
    from lever_desktop.review import drafts as repo

    trail = run(qtbot, desktop.session.store.call(repo.audit_trail, doc["draftId"]))
    [approved] = [e for e in trail if e["event"] == "approved"]
    assert approved["detail"]["addSecondForm"] is True and len(approved["detail"]["ownFeedback"]) == 1


def test_amend_then_withdraw_a_submitted_form(desktop, sandbox, qtbot, tmp_path):
    doc = sandbox_draft(sandbox, None)
    import_and_open(desktop, qtbot, tmp_path, doc)
    drafts, editor = desktop.controller.drafts, desktop.controller.drafts.editor
    assert not editor.amend.isVisible() and not editor.withdraw.isVisible()  # nothing in Lever yet
    qtbot.waitUntil(editor.approve.isEnabled)
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Submitted to Lever" in editor.outcome.text() and editor.amend.isVisible(), timeout=TIMEOUT)
    [form] = _interview_forms(sandbox, doc)
    assert not editor.form_widget.isEnabled()

    qtbot.mouseClick(editor.amend, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: (
            drafts.view is not None
            and drafts.view.record.state == "amending"
            and editor.form_widget is not None
            and editor.form_widget.isEnabled()
        ),
        timeout=TIMEOUT,
    )
    assert editor.approve.text() == "Send amendment" and not editor.author.isEnabled()
    assert editor.amend.text() == "Cancel amendment" and not editor.discard.isVisible()
    editor.show_payload.setChecked(True)  # what will be sent: a PUT of the same form, as its author
    payload = json.loads(editor.preview.toPlainText())
    assert (payload["method"], payload["path"]) == (
        "PUT",
        f"/opportunities/{doc['opportunityId']}/feedback/{form['id']}",
    )
    assert payload["params"] == {"perform_as": form["user"]} and set(payload["body"]) == {"fieldValues"}
    row = next(r for r in editor.form_widget.rows if isinstance(r.editor.focus_target(), QPlainTextEdit))
    row.editor.focus_target().setPlainText("Amended after the debrief.")
    qtbot.waitUntil(editor.approve.isEnabled)
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: any(
            f["id"] == row.field.id and f["value"] == "Amended after the debrief."
            for f in _interview_forms(sandbox, doc)[0]["fields"]
        ),
        timeout=TIMEOUT,
    )
    assert [f["id"] for f in _interview_forms(sandbox, doc)] == [form["id"]]  # the same form, edited
    qtbot.waitUntil(lambda: drafts.view.record.state == "submitted" and editor.withdraw.isVisible(), timeout=TIMEOUT)

    qtbot.mouseClick(editor.withdraw, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: _message_box() is not None, timeout=TIMEOUT)
    box = _message_box()
    assert box.text().startswith("Delete ") and "feedback, submitted " in box.text()
    assert box.text().endswith(" from Lever?")
    [delete] = [b for b in box.buttons() if b.text() == "Withdraw from Lever"]
    qtbot.mouseClick(delete, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Withdrawn" in editor.outcome.text(), timeout=TIMEOUT)
    assert _interview_forms(sandbox, doc)[0]["deletedAt"]
    assert not editor.amend.isVisible() and not editor.withdraw.isVisible()


def test_a_duplicate_in_lever_is_removed_from_the_review_pane_after_confirming(desktop, sandbox, qtbot, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from lever_desktop.review import drafts as repo
    from lever_desktop.review import queue

    doc = sandbox_draft(sandbox, flaw=None)
    import_and_open(desktop, qtbot, tmp_path, doc)
    drafts, editor = desktop.controller.drafts, desktop.controller.drafts.editor
    qtbot.waitUntil(editor.approve.isEnabled)
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Submitted to Lever" in editor.outcome.text(), timeout=TIMEOUT)
    assert not editor.remove_duplicate.isVisible()
    # The first POST of a lost answer lands after the settle window; a read records the second form.
    store = desktop.session.store
    [entry] = run(qtbot, store.call(queue.entries, ["submitted"], [doc["draftId"]]))
    kept = run(qtbot, store.call(repo.get, doc["draftId"])).lever_feedback_id
    with httpx.Client(base_url=sandbox.base_url, auth=(sandbox.api_key, "")) as lever:
        extra = (
            lever.post(entry.path, params={"perform_as": entry.perform_as}, json=entry.body)
            .raise_for_status()
            .json()["data"]["id"]
        )
    run(qtbot, store.call(queue.record_duplicates, doc["draftId"], [extra]))
    drafts.open(doc["draftId"])
    qtbot.waitUntil(
        lambda: editor.remove_duplicate.isVisible() and "Duplicate in Lever" in editor.outcome.text(), timeout=TIMEOUT
    )
    # Withdrawing now would delete one form and leave the other in Lever: it says so and asks nothing.
    qtbot.mouseClick(editor.withdraw, Qt.MouseButton.LeftButton)
    assert editor.outcome.text().startswith("Lever holds this form twice: remove the duplicate first")
    assert extra not in editor.outcome.text()  # Lever's ids stay in Technical details (#14.11)
    assert _message_box() is None

    qtbot.mouseClick(editor.remove_duplicate, Qt.MouseButton.LeftButton)

    def confirmation():
        boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
        return boxes[0] if boxes else None

    qtbot.waitUntil(lambda: confirmation() is not None, timeout=TIMEOUT)
    box = confirmation()
    name = drafts.view.candidate
    assert name in box.text() and drafts.form.title in box.text() and extra not in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    box.button(QMessageBox.StandardButton.Yes).click()
    qtbot.waitUntil(lambda: not editor.remove_duplicate.isVisible(), timeout=TIMEOUT)
    forms = {f["id"]: f for f in lever_forms(sandbox, doc["opportunityId"])}
    assert forms[extra]["deletedAt"] and not forms[kept]["deletedAt"]
    assert "Submitted to Lever" in editor.outcome.text()


@pytest.mark.logs_warnings("Lever drops the POST on purpose: the lost answer is logged")
def test_a_lost_answer_shows_checking_in_the_review_pane_the_drafts_list_and_the_outbox_page(
    desktop, sandbox, qtbot, tmp_path
):
    """While the outbox re-reads Lever after a lost answer, the reviewer is told so wherever the draft
    is shown, and nothing is sent again meanwhile (the settle window is the app's ten minutes)."""
    from lever_desktop.sandbox.faults import parse_spec

    sandbox.faults.replace(parse_spec("drop,method=POST,path=*/feedback"))  # the POST left; no answer came
    doc = sandbox_draft(sandbox, flaw=None)
    import_and_open(desktop, qtbot, tmp_path, doc)
    editor, words = desktop.controller.drafts.editor, "Checking whether Lever stored it…"
    qtbot.waitUntil(editor.approve.isEnabled)
    sent = [int(time.time() * 1000)]
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)

    def listed(model) -> str | None:
        return next((r.state for r in model.rows() if r.draft_id == doc["draftId"]), None)

    qtbot.waitUntil(lambda: editor.outcome.text().startswith(words), timeout=TIMEOUT)
    sent.append(int(time.time() * 1000))
    assert "not sent again while Lever may still be storing it" in editor.outcome.text()
    qtbot.waitUntil(lambda: listed(desktop.controller.drafts.list.model) == words, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: listed(desktop.controller.outbox.page.model) == words, timeout=TIMEOUT)
    assert [f for f in lever_forms(sandbox, doc["opportunityId"]) if f.get("interview") == doc["interviewId"]] == []
    # and the outbox page says until when: ten minutes after the POST whose answer was lost
    [why] = [r.why for r in desktop.controller.outbox.page.model.rows() if r.draft_id == doc["draftId"]]
    said = {
        f"Sent again after {format_ms_short(t + 10 * 60_000)}, only if Lever does not hold it by then" for t in sent
    }
    assert why in said  # the POST left between the click and the first "Checking"


def test_the_outcome_line_shows_text_from_lever_as_typed(qtbot):
    from lever_desktop.ui.draft_editor import DraftEditor

    editor = DraftEditor()
    qtbot.addWidget(editor)
    editor.set_outcome("Lever did not delete form <img src=x>: <b>gone</b>", "error")
    assert editor.outcome.textFormat() == Qt.TextFormat.PlainText
    assert editor.outcome.text() == "Lever did not delete form <img src=x>: <b>gone</b>"


@pytest.mark.logs_warnings("Lever down or a task dying is logged")
def test_a_background_task_that_dies_restarts_and_the_status_bar_says_so(sandbox, shell, qtbot, monkeypatch):
    from lever_desktop.sync.scheduler import Scheduler

    original, runs = Scheduler.run, []

    async def flaky(self):
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("scheduler bug")
        await original(self)

    monkeypatch.setattr(Scheduler, "run", flaky)
    run(qtbot, shell.open_account(config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url)))
    bar = shell.window.statusBar()
    qtbot.waitUntil(
        lambda: "sync scheduler stopped unexpectedly (RuntimeError)" in bar.currentMessage(), timeout=TIMEOUT
    )
    qtbot.waitUntil(lambda: len(runs) == 2, timeout=TIMEOUT)  # back after its back-off
    qtbot.waitUntil(lambda: shell.session.engine.last_report is not None, timeout=TIMEOUT)
    assert shell.session.engine.last_report.ok


@pytest.mark.logs_warnings("Lever down or a task dying is logged")
def test_a_relay_poller_that_dies_comes_back_and_the_drafts_still_arrive(shell, qtbot, monkeypatch):
    """The poller task used to die for good on one unexpected error: nothing more from the relay."""
    from lever_desktop.relay.client import FeedPoller

    monkeypatch.setattr(sandbox_mode, "SANDBOX_OPPORTUNITIES", 30)
    monkeypatch.setattr(sandbox_mode, "INTERVIEW_EVERY_S", None)
    monkeypatch.setattr(sandbox_mode, "FIRST_RUN_DRAFTS", 2)
    original, polls = FeedPoller.poll_once, []

    async def first_poll_fails(self, wait=0):
        polls.append(wait)
        if len(polls) == 1:
            raise RuntimeError("unexpected poller bug")
        return await original(self, wait)

    monkeypatch.setattr(FeedPoller, "poll_once", first_poll_fails)
    main = asyncio.ensure_future(shell.main())
    qtbot.waitUntil(lambda: first_run_dialog() is not None, timeout=TIMEOUT)
    qtbot.mouseClick(first_run_dialog().try_sandbox, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.controller is not None, timeout=TIMEOUT)
    bar = shell.window.statusBar()
    qtbot.waitUntil(lambda: "relay poller stopped unexpectedly (RuntimeError)" in bar.currentMessage(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: shell.controller.drafts.list.model.rowCount() == 2, timeout=TIMEOUT)
    assert len(polls) > 1
    shell.window.close()
    qtbot.waitUntil(main.done, timeout=TIMEOUT)
    assert main.result() == 0


def test_the_window_ready_hook_runs_once_the_main_window_is_wired(runner, error_path, sandbox, qtbot):
    """The app tunes memory through this hook (the shell no longer imports the app back), once, after the
    candidate list has streamed in: a full collection on the GUI thread no longer delays its first screen,
    nor a first typed filter (#16.4)."""
    calls = []
    s = Shell(
        runner,
        error_path,
        window_ready=lambda: calls.append(s.controller is not None and s.controller.candidates.index is not None),
    )
    try:
        run(qtbot, s.open_account(config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url)))
        qtbot.waitUntil(lambda: bool(calls), timeout=TIMEOUT)
        assert calls == [True]  # the window was wired and its list had everything
        s.controller.candidates.page.search.setText("a")
        qtbot.waitUntil(lambda: not s.controller.candidates.filtering(), timeout=TIMEOUT)
        assert len(calls) == 1
    finally:
        run(qtbot, s.shutdown())


@pytest.mark.logs_warnings("the index's read error is reported")
def test_the_window_ready_hook_runs_also_when_the_candidate_index_cannot_be_read(qloop, sandbox, qtbot, monkeypatch):
    """The list goes on from SQLite without its index, and the start-up is over all the same: the app's
    log turns rotating and its memory settles (they waited for an index that never came)."""
    import sqlite3

    from lever_desktop.store.candidate_index import IndexReader
    from lever_desktop.ui.crash import ErrorPath
    from lever_desktop.ui.tasks import TaskRunner

    def unreadable(self, conn):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(IndexReader, "read_next", unreadable)
    errors = ErrorPath(None, dialogs=False)
    told: list[str] = []
    errors.reported.connect(lambda summary, _detail: told.append(summary))
    runner = TaskRunner(errors.report)
    calls = []
    s = Shell(runner, errors, window_ready=lambda: calls.append(s.controller is not None))
    try:
        run(qtbot, s.open_account(config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url)))
        qtbot.waitUntil(lambda: bool(calls), timeout=TIMEOUT)
        assert calls == [True]
        assert len(told) == 1  # the error path still says the index could not be read
        s.controller.candidates.page.search.setText("a")  # the list filters from SQLite
        qtbot.waitUntil(lambda: not s.controller.candidates.filtering(), timeout=TIMEOUT)
        assert calls == [True] and s.controller.candidates.index is None
    finally:
        run(qtbot, s.shutdown())


def test_the_counts_follow_events_not_a_timer(desktop, sandbox, qtbot, tmp_path):
    """An imported draft is counted when the import is done; nothing re-reads the counts on a clock."""
    from PySide6.QtCore import QTimer

    polling = [t for t in desktop.controller.findChildren(QTimer) if t.isActive() and not t.isSingleShot()]
    assert polling == []
    window = desktop.window
    qtbot.waitUntil(lambda: window.nav.item(0).text() == "Drafts to review (0)", timeout=TIMEOUT)
    import_and_open(desktop, qtbot, tmp_path, sandbox_draft(sandbox))
    qtbot.waitUntil(lambda: window.nav.item(0).text() == "Drafts to review (1)", timeout=TIMEOUT)
