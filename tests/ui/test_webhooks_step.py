"""Settings' webhook part: tokens as customers have them, and "Connect webhooks" against the sandbox."""

from __future__ import annotations

import json

import httpx
import pytest
from PySide6.QtCore import Qt

from lever_desktop import config, secrets
from lever_desktop.lever.signatures import EVENTS
from lever_desktop.ui.first_run import SettingsDialog

TIMEOUT = 20_000
RELAY = "http://127.0.0.1:8790"  # setup only tells Lever where the relay is; it never calls it
WIDE = "accountwide0signing0token" + "0" * 23


def _stored() -> dict[str, str]:
    return json.loads(secrets.get_secret(secrets.WEBHOOK_TOKENS) or "{}")


def _settings(runner, qtbot, sandbox) -> SettingsDialog:
    secrets.set_secret(secrets.API_KEY, sandbox.api_key)  # saved earlier: the key field stays empty
    dialog = SettingsDialog(runner)
    qtbot.addWidget(dialog)
    dialog.form.base_url.setText(sandbox.base_url)
    dialog.form.relay_url.setText(RELAY)
    return dialog


def _connect(qtbot, dialog) -> str:
    step = dialog.form.connect_webhooks
    with qtbot.waitSignal(step.done, timeout=TIMEOUT):
        step.button.click()
    return step.report.text()


def _webhooks(sandbox) -> list[dict]:
    return httpx.get(sandbox.base_url + "/webhooks", auth=(sandbox.api_key, "")).json()["data"]


def test_connect_webhooks_stores_every_token_once_and_says_what_lever_still_needs(runner, qtbot, sandbox):
    dialog = _settings(runner, qtbot, sandbox)
    report = _connect(qtbot, dialog)
    assert dialog.form.connect_webhooks.report.textFormat() == Qt.TextFormat.PlainText
    assert f"{len(EVENTS)} created. Their signature tokens are in the keychain." in report
    assert "Super Admin must still switch these webhooks on" in report and "Integrations and API" in report
    assert set(_stored()) == set(EVENTS)
    assert {h["url"] for h in _webhooks(sandbox)} == {RELAY + "/lever/webhooks"}
    # The webhook ids are remembered with the settings the dialog will save.
    assert set(dialog.form.settings.extra["webhook_ids"]) == set(EVENTS)
    assert config.Settings.load().extra["webhook_ids"] == dialog.form.settings.extra["webhook_ids"]

    tokens = _stored()
    report = _connect(qtbot, dialog)
    assert f": {len(EVENTS)} already connected." in report
    assert _stored() == tokens and len(_webhooks(sandbox)) == len(EVENTS)


def test_a_webhook_whose_token_is_missing_is_replaced_only_when_ticked(runner, qtbot, sandbox):
    theirs = httpx.post(
        sandbox.base_url + "/webhooks",
        auth=(sandbox.api_key, ""),
        json={"event": "contactUpdated", "url": RELAY + "/lever/webhooks"},
    ).json()["data"]
    dialog = _settings(runner, qtbot, sandbox)
    report = _connect(qtbot, dialog)
    assert "Needs attention (token missing): contactUpdated." in report
    assert "tick “Replace webhooks missing a token” and connect again" in report
    assert "contactUpdated" not in _stored() and theirs["id"] in {h["id"] for h in _webhooks(sandbox)}
    dialog.form.connect_webhooks.replace.setChecked(True)
    report = _connect(qtbot, dialog)
    assert f"{len(EVENTS) - 1} already connected, 1 replaced." in report and "contactUpdated" in _stored()
    assert theirs["id"] not in {h["id"] for h in _webhooks(sandbox)}


def test_a_rejected_key_is_said_in_words_and_nothing_is_stored(runner, qtbot, sandbox):
    dialog = _settings(runner, qtbot, sandbox)
    dialog.form.api_key.setText("not-the-sandbox-key")
    assert "rejected the API key" in _connect(qtbot, dialog)
    assert _stored() == {} and _webhooks(sandbox) == []


def test_an_account_wide_token_typed_in_settings_joins_the_tokens_setup_stored(runner, qtbot, sandbox):
    secrets.set_secret(secrets.WEBHOOK_TOKENS, json.dumps({"candidateHired": "hired0signature0token0000"}))
    dialog = _settings(runner, qtbot, sandbox)
    dialog.form.webhook_tokens.setPlainText(f"{WIDE}\n")
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert _stored() == {"candidateHired": "hired0signature0token0000", "*": WIDE}
    assert config.resolve_account(env={}).webhook_tokens == _stored()


@pytest.mark.parametrize("shape", ["lines", "json"])
def test_per_event_tokens_typed_in_settings_replace_that_events_kept_token(runner, qtbot, sandbox, shape):
    """One token per event, as some customers' setup guides describe, typed as ``event = token``
    lines or as the JSON object: each replaces its event's kept token, the others stay."""
    hired, stage = "hired0signature0token0new0" + "1" * 22, "stage0signature0token0000" + "2" * 23
    secrets.set_secret(secrets.WEBHOOK_TOKENS, json.dumps({"candidateHired": "hired0signature0token0000", "*": WIDE}))
    dialog = _settings(runner, qtbot, sandbox)
    typed = {"candidateHired": hired, "candidateStageChange": stage}
    dialog.form.webhook_tokens.setPlainText(
        "\n".join(f"{e} = {t}" for e, t in typed.items()) if shape == "lines" else json.dumps(typed)
    )
    with qtbot.waitSignal(dialog.accepted, timeout=TIMEOUT):
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    assert _stored() == {"candidateHired": hired, "candidateStageChange": stage, "*": WIDE}
    assert config.resolve_account(env={}).webhook_tokens == _stored()


def test_a_relay_address_with_a_direction_mark_is_refused_in_the_report_never_drawn_reordered(runner, qtbot, sandbox):
    """The report quoted the relay's address from the settings, U+202E and all (it was registered with Lever
    so): the address is refused, in words, and the report holds no directional character."""
    dialog = _settings(runner, qtbot, sandbox)
    dialog.form.relay_url.setText(RELAY + "/\u202ex")
    report = _connect(qtbot, dialog)
    assert "\u202e" not in report and "holds a character no web address has" in report
