"""``lever-desktop relay poll --once --json`` against a real relay and the sandbox."""

from __future__ import annotations

import json

import httpx
import pytest
from helpers.relay_fixtures import signed_delivery

from lever_desktop import cli

SIG = {"candidateStageChange": "stage-signature-token-" + "z" * 20}


def _configure(monkeypatch, relay, sandbox) -> None:
    monkeypatch.setenv("LEVER_API_KEY", sandbox.api_key)
    monkeypatch.setenv("LEVER_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("LEVER_RELAY_URL", relay.url)
    monkeypatch.setenv("LEVER_RELAY_TOKEN", relay.reader_token)
    monkeypatch.setenv("LEVER_WEBHOOK_TOKENS", json.dumps(SIG))


@pytest.mark.logs_warnings("rejected relay items are logged")
def test_poll_once_reports_accepted_rejected_and_duplicates(relay, sandbox, monkeypatch, capsys):
    _configure(monkeypatch, relay, sandbox)
    opp = httpx.get(sandbox.base_url + "/opportunities", params={"limit": 1}, auth=(sandbox.api_key, "")).json()
    opp_id = opp["data"][0]["id"]
    genuine = signed_delivery("candidateStageChange", {"opportunityId": opp_id}, SIG["candidateStageChange"])
    forged = {**signed_delivery("candidateStageChange", {"opportunityId": opp_id}, "guess"), "id": "forged"}
    for body in (genuine, genuine, forged):
        assert httpx.post(relay.url + "/lever/webhooks", json=body).status_code == 200

    assert cli.main(["relay", "poll", "--once", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["accepted"] == 1 and report["duplicates"] == 1
    assert report["rejected"] == {"bad-signature": 1}
    assert report["cursor"] == 3 and report["state"] == "connected"
    assert report["stored"] == {"accepted": 1, "rejected": {"bad-signature": 1}}

    assert cli.main(["relay", "poll", "--once"]) == 0  # nothing new: resumes after the cursor
    out = capsys.readouterr().out
    assert "cursor 3" in out and "accepted 0, duplicates 0" in out


def test_poll_without_a_relay_says_what_to_set(monkeypatch, capsys):
    monkeypatch.setenv("LEVER_API_KEY", "k")
    assert cli.main(["relay", "poll", "--once"]) == 2
    assert "LEVER_RELAY_URL" in capsys.readouterr().err


@pytest.mark.logs_warnings("rejected relay items are logged")
def test_poll_reports_an_unreachable_relay(relay, sandbox, monkeypatch, capsys):
    _configure(monkeypatch, relay, sandbox)
    relay.stop()
    assert cli.main(["relay", "poll", "--once", "--json"]) == 1
    captured = capsys.readouterr()
    assert json.loads(captured.out)["state"] == "unreachable"
    assert "relay unreachable" in captured.err and relay.reader_token not in captured.err + captured.out
