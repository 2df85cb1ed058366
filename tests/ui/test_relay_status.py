"""The status bar's relay line says why there is no relay when the keychain would not give its token."""

from __future__ import annotations

import test_flows
from test_flows import TIMEOUT, run

from lever_desktop import config

shell = test_flows.shell  # fixture: the window's shell


def _open_with_a_relay(sandbox, shell, qtbot, **keychain_problem: str) -> None:
    """The sandbox's account with a relay set in Settings and what the keychain kept back, as config words it."""
    account = config.Account(
        api_key=sandbox.api_key, base_url=sandbox.base_url, relay_url="https://relay.example.com", **keychain_problem
    )
    run(qtbot, shell.open_account(account))


def test_a_relay_whose_token_the_keychain_refused_is_not_called_not_configured(sandbox, shell, qtbot):
    """A relay set in Settings, its reader token refused by the keychain: "Relay: not configured" sent the
    recruiter to look for a setting that is there; the line says the token was not read, and why."""
    refused = (  # as config.resolve_account words it
        "The relay's reader token could not be read from the keychain: "
        "The keychain refused to read a secret (KeyringError). Or set LEVER_RELAY_TOKEN."
    )
    _open_with_a_relay(sandbox, shell, qtbot, relay_token_problem=refused)
    relay = shell.window.status_relay
    qtbot.waitUntil(lambda: relay.text().startswith("Relay:"), timeout=TIMEOUT)
    assert relay.text() == "Relay: token not read"
    assert refused in relay.toolTip()
    qtbot.waitUntil(lambda: shell.session.engine.last_report is not None, timeout=TIMEOUT)  # ends before teardown


def test_webhook_tokens_the_keychain_kept_back_are_said_in_activity(sandbox, shell, qtbot):
    """Without the signature tokens every delivery the relay brings is refused as unsigned; the window said
    nothing of why. Activity says it, with the keychain's words and the way around it."""
    words = (  # as config.resolve_account words it
        "The webhook signature tokens could not be read from the keychain: "
        "The keychain refused to read a secret (KeyringError). Or set LEVER_WEBHOOK_TOKENS."
    )
    _open_with_a_relay(sandbox, shell, qtbot, webhook_tokens_problem=words)
    log = shell.controller.activity.log
    qtbot.waitUntil(lambda: words in log.toPlainText(), timeout=TIMEOUT)
    qtbot.waitUntil(lambda: shell.session.engine.last_report is not None, timeout=TIMEOUT)  # ends before teardown
