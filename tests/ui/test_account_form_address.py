"""Settings shows the Lever API address really in effect: the environment overrides the fields,
and a refused address says why, as plain text."""

from __future__ import annotations

from PySide6.QtCore import Qt

from lever_desktop import config
from lever_desktop.ui.account_form import AccountForm


def test_settings_show_the_environment_override_in_effect(runner, qtbot, monkeypatch):
    monkeypatch.setenv("LEVER_BASE_URL", "http://127.0.0.1:8765/v1")
    monkeypatch.setenv("LEVER_ALLOW_CUSTOM_HOST", "lever-proxy.corp.example")
    form = AccountForm(runner, config.Settings(region="eu"))
    qtbot.addWidget(form)
    shown = form.address_in_effect.text()
    assert shown.startswith("http://127.0.0.1:8765/v1  (from LEVER_BASE_URL, which overrides the fields above)")
    assert "LEVER_ALLOW_CUSTOM_HOST=lever-proxy.corp.example" in shown
    assert form.api_address() == "http://127.0.0.1:8765/v1"  # the key is checked where it will be used
    assert form.address_in_effect.textFormat() == Qt.TextFormat.PlainText


def test_the_typed_address_is_shown_and_a_hostile_one_refused_as_you_type(runner, qtbot):
    form = AccountForm(runner, config.Settings(region="eu"))
    qtbot.addWidget(form)
    assert form.address_in_effect.text() == "https://api.eu.lever.co/v1"
    form.base_url.setText("https://api.lever.co.evil.com/v1")
    assert "✘ Lever base URL: api.lever.co.evil.com is not a Lever API host" in form.address_in_effect.text()
    form.base_url.setText("")
    form.region.setCurrentIndex(form.region.findData("us"))
    assert form.address_in_effect.text() == "https://api.lever.co/v1"


def test_only_the_latest_key_check_reports(runner, sandbox, qtbot):
    """A slow check started while typing must not overwrite the newer one's answer (#14.7)."""
    import httpx

    from lever_desktop.sandbox.faults import parse_spec

    user = httpx.get(f"{sandbox.base_url}/users", params={"limit": 1}, auth=(sandbox.api_key, "")).json()["data"][0]
    form = AccountForm(runner, config.Settings(base_url=sandbox.base_url))
    qtbot.addWidget(form)
    told: list[tuple[bool, str]] = []
    form.checked.connect(lambda ok, text: told.append((ok, text)))
    sandbox.faults.replace(parse_spec("latency=1.5,path=/users,count=1"))  # the first check is slow
    form.api_key.setText(sandbox.api_key)
    form.check_key()  # before the email was typed: "The key works. Add your email…", slowly
    form.email.setText(user["email"])
    form.check_key()
    qtbot.waitUntil(lambda: not runner.busy(), timeout=15_000)
    answer = f"Connected as {user['name']} — {user.get('accessRole') or 'user'}."
    assert told == [(True, answer)] and form.key_status.text() == f"✔ {answer}" and form.key_ok
