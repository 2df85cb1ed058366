"""A start whose keychain will not give the API key says so, instead of welcoming a first run."""

from __future__ import annotations

import asyncio

import pytest
from test_flows import TIMEOUT, first_run_dialog

from lever_desktop import config, secrets
from lever_desktop.ui.crash import ErrorPath
from lever_desktop.ui.shell import Shell

REFUSED = "The keychain refused to read a secret (KeyringError)."


class _RefusesEverything(secrets.MemoryBackend):
    def get(self, name: str) -> str | None:
        raise secrets.SecretStoreError(REFUSED)


@pytest.mark.logs_warnings("the keychain's refusal is logged")
def test_a_keychain_refusing_the_api_key_is_said_at_start_not_taken_for_a_first_run(runner, qtbot, monkeypatch):
    """The account is set up, its key in a keychain that is locked or refuses it: the start showed the welcome
    ("Try the sandbox", "Connect to Lever", whose note then said there was no keychain at all), and the
    keychain's words reached nobody. They are said once; the window stays until closed."""
    monkeypatch.delenv("LEVER_API_KEY", raising=False)
    config.Settings(region="eu").save()  # connecting the account saved its settings
    secrets.use_backend(_RefusesEverything())
    errors = ErrorPath(None, dialogs=False)
    shell = Shell(runner, errors)
    running = asyncio.ensure_future(shell.main())
    try:
        qtbot.waitUntil(lambda: bool(errors.errors), timeout=TIMEOUT)
        said = shell.window.statusBar().currentMessage()
        assert said.startswith("The Lever API key could not be read from the keychain:") and REFUSED in said
        assert first_run_dialog() is None and len(errors.errors) == 1
    finally:
        shell.quit()
        qtbot.waitUntil(running.done, timeout=TIMEOUT)
        if first_run_dialog() is not None:
            first_run_dialog().reject()
    assert running.result() == 1


@pytest.mark.logs_warnings("the keychain's refusal is logged")
def test_a_first_run_whose_keychain_refuses_is_still_welcomed(runner, error_path, qtbot, monkeypatch):
    """Nothing connected yet (no settings saved): the welcome, with the sandbox, as before."""
    monkeypatch.delenv("LEVER_API_KEY", raising=False)
    secrets.use_backend(_RefusesEverything())
    shell = Shell(runner, error_path)
    running = asyncio.ensure_future(shell.main())
    qtbot.waitUntil(lambda: first_run_dialog() is not None, timeout=TIMEOUT)
    first_run_dialog().reject()
    qtbot.waitUntil(running.done, timeout=TIMEOUT)
    assert running.result() == 0
