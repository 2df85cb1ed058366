"""The shell's promises: one error path (each distinct error once, hard crashes reported on the
next start), connecting an account with the key checked at once, secrets kept out of reach of a
missing keychain, and the window remembering its layout."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from lever_desktop import config, paths, secrets
from lever_desktop.ui.account_form import AccountForm
from lever_desktop.ui.crash import FAULT_FILE, ErrorDialog, ErrorPath
from lever_desktop.ui.first_run import FirstRunDialog
from lever_desktop.ui.main_window import MainWindow
from lever_desktop.ui.ui_state import UiState

TIMEOUT = 20_000


def _dialogs() -> list[ErrorDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, ErrorDialog) and w.isVisible()]


def _raise(exc: BaseException) -> BaseException:
    try:
        raise exc
    except BaseException as e:  # noqa: BLE001 - we want it with a traceback
        return e


@pytest.mark.logs_warnings("the errors shown are logged")
def test_each_distinct_error_is_shown_once_with_redacted_copyable_details(qapp, qtbot):
    from lever_desktop import log

    log.register_secret("very-secret-api-key")
    errors = ErrorPath(None)
    try:
        for _ in range(3):
            errors.report(_raise(RuntimeError("boom with very-secret-api-key inside")), "load draft")
        qtbot.waitUntil(lambda: len(_dialogs()) == 1)
        dialog = _dialogs()[0]
        assert "very-secret-api-key" not in dialog.details.toPlainText()
        assert "RuntimeError" in dialog.details.toPlainText()
        errors.report(_raise(ValueError("another bug")), "save")
        qtbot.waitUntil(lambda: len(_dialogs()) == 2)
        assert len(errors.errors) == 4  # all of them logged and kept, only two shown
    finally:
        for d in _dialogs():
            d.close()


@pytest.mark.logs_warnings("the errors shown are logged")
def test_known_errors_are_one_sentence_without_details(qapp, qtbot):
    errors = ErrorPath(None)
    seen = []
    errors.reported.connect(lambda summary, detail: seen.append((summary, detail)))
    errors.report(config.ConfigError("No Lever API key is configured."), "start")
    assert seen == [("No Lever API key is configured.", "")]
    for d in _dialogs():
        d.close()


def test_a_hard_crash_is_reported_on_the_next_start(qapp, tmp_path):
    (tmp_path / FAULT_FILE).write_text('Fatal Python error: Segmentation fault\n  File "x.py", line 1\n')
    errors = ErrorPath(tmp_path, dialogs=False)
    previous = errors.start_fault_log()
    errors.stop_fault_log()
    assert previous is not None and "Segmentation fault" in previous
    # A clean run leaves nothing behind, so the start after it reports nothing.
    again = ErrorPath(tmp_path, dialogs=False)
    assert again.start_fault_log() is None
    again.stop_fault_log()


def test_window_layout_and_last_view_are_remembered(qapp, qtbot):
    window = MainWindow()
    qtbot.addWidget(window)
    window.resize(1100, 700)  # above the window's minimum, 1024×640
    window.splitter.setSizes([230, 870])
    window.show_page("postings")
    state = UiState()
    state.save_window(window)
    state.save_splitter("main", window.splitter)
    state.last_view = window.current_page()
    state.sync()
    assert (paths.config_dir() / "window.ini").exists()
    again = MainWindow()
    qtbot.addWidget(again)
    restored = UiState()
    assert restored.restore_window(again)
    restored.restore_splitter("main", again.splitter)
    # Restored as saved, kept on the screen (a test screen may be narrower) and never below the minimum.
    screen = again.screen().availableGeometry().size()
    assert again.size() == window.size().boundedTo(screen).expandedTo(again.minimumSize())
    assert again.splitter.sizes()[0] == 230
    assert restored.last_view == "postings"


def test_connect_to_lever_checks_the_key_at_once_and_saves_secrets(runner, sandbox, qtbot):
    dialog = FirstRunDialog(runner)
    qtbot.addWidget(dialog)
    dialog.connect_lever.click()
    form = dialog.form
    form.base_url.setText(sandbox.base_url)
    form.email.setText("not-a-user@nowhere.example")
    form.api_key.setText("wrong-key")
    form.check_key()
    qtbot.waitUntil(lambda: form.key_status.text().startswith("✘"), timeout=TIMEOUT)
    assert "rejected the API key" in form.key_status.text()
    form.api_key.setText(sandbox.api_key)
    form.check_key()
    qtbot.waitUntil(lambda: form.key_status.text().startswith("✘"), timeout=TIMEOUT)
    assert "no active user" in form.key_status.text()  # the key works; the email is not a user
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert secrets.get_secret(secrets.API_KEY) == sandbox.api_key
    saved = config.Settings.load()
    assert saved.base_url == sandbox.base_url and sandbox.api_key not in paths.settings_path().read_text()


def test_no_secure_store_is_said_plainly_and_nothing_typed_is_lost(runner, qtbot, monkeypatch):
    class NoKeychain:
        def get(self, *_args):
            raise secrets.SecretStoreUnavailable("test")

        set = delete = get

    secrets.use_backend(NoKeychain())
    dialog = FirstRunDialog(runner)
    qtbot.addWidget(dialog)
    dialog.connect_lever.click()
    dialog.form.api_key.setText("a-real-looking-key")
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: "No secure password store" in dialog.problem.text(), timeout=TIMEOUT)
    assert dialog.isVisible() or not dialog.result()  # not accepted
    assert dialog.form.api_key.text() == "a-real-looking-key"
    assert not paths.settings_path().exists()


@pytest.mark.parametrize("text", ["candidateStageChange = abc\n bad line", '{"x": 1}'])
def test_webhook_tokens_with_a_typo_get_a_clear_message(runner, text):
    form = AccountForm(runner)
    form.webhook_tokens.setPlainText(text)
    with pytest.raises(ValueError, match="Webhook signature tokens"):
        form.webhook_token_map()
    form.deleteLater()
