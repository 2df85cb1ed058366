"""What an interviewer is shown: the first run's role, the candidate page, Settings → Privacy.

Against the sandbox over loopback; every wait is on an effect.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from test_flows import TIMEOUT, desktop, shell  # noqa: F401  (fixtures: the window on the sandbox)

from lever_desktop import config
from lever_desktop.ui.first_run import FirstRunDialog, SettingsDialog
from lever_desktop.ui.privacy_settings import PrivacySettings


def _opportunity_with_feedback(sandbox) -> str:
    st = sandbox.state
    row = next(
        r
        for r in range(st.opps.count)
        if r not in st.deleted_rows and st.opps.archive[r] < 0 and st.details_of(r).feedback
    )
    return st.opps.id_of(row)


def _select(desktop, qtbot, opportunity_id: str):
    candidates = desktop.controller.candidates
    qtbot.waitUntil(lambda: candidates.model.row_of(opportunity_id) >= 0, timeout=TIMEOUT)
    candidates.page.table.selectRow(candidates.model.row_of(opportunity_id))
    return candidates.page


def test_an_interviewer_sees_no_one_elses_feedback_until_they_choose_to(desktop, sandbox, qtbot):
    config.Settings(role="interviewer").save()
    page = _select(desktop, qtbot, _opportunity_with_feedback(sandbox))
    # The profile is refreshed from Lever on selection: wait until its interviews are there.
    qtbot.waitUntil(
        lambda: "Interviews" in page.profile.toPlainText() and not page.feedback_notice.isHidden(), timeout=TIMEOUT
    )
    qtbot.waitUntil(lambda: "None cached yet" not in page.profile.toPlainText(), timeout=TIMEOUT)
    assert "Submitted feedback" not in page.profile.toPlainText()
    assert "hidden" in page.feedback_notice.label.text()
    assert "until they submit their own" in page.feedback_notice.label.toolTip()

    qtbot.mouseClick(page.feedback_notice.show_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Submitted feedback" in page.profile.toPlainText(), timeout=TIMEOUT)
    assert page.feedback_notice.isHidden()
    assert " - " in page.profile.toPlainText().split("Submitted feedback", 1)[1]  # the overall ratings
    saved = config.Settings.load()
    assert saved.show_others_feedback is True and saved.role == "interviewer"


def test_a_recruiter_sees_feedback_without_a_notice(desktop, sandbox, qtbot):
    config.Settings(role="recruiter").save()
    page = _select(desktop, qtbot, _opportunity_with_feedback(sandbox))
    qtbot.waitUntil(lambda: "Submitted feedback" in page.profile.toPlainText(), timeout=TIMEOUT)
    assert page.feedback_notice.isHidden()


def test_the_first_run_asks_the_role_and_remembers_it_for_the_sandbox(runner, qtbot):
    dialog = FirstRunDialog(runner)
    qtbot.addWidget(dialog)
    assert not dialog.role.interviewer.isChecked() and not dialog.role.recruiter.isChecked()
    dialog.role.interviewer.click()
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.try_sandbox.click()
    saved = config.Settings.load()
    assert saved.role == "interviewer" and not saved.others_feedback_visible


def test_settings_privacy_turns_feedback_on_and_sets_the_retention(runner, qtbot):
    config.Settings(role="interviewer").save()
    dialog = SettingsDialog(runner)
    qtbot.addWidget(dialog)
    [box] = dialog.findChildren(PrivacySettings)
    assert not box.show_feedback.isChecked() and box.retention.value() == 90
    box.show_feedback.setChecked(True)
    box.retention.setValue(30)
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    saved = config.Settings.load()
    assert (saved.others_feedback_visible, saved.submitted_retention_days) == (True, 30)
