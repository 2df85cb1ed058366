"""``webhooks setup`` against the sandbox over real loopback HTTP, from a fresh basedir.

It registers a real relay process for every event, keeps the tokens in the keychain, is
idempotent, sends nothing with --dry-run (the sandbox's request counts say so), never
replaces a webhook whose token is missing unless asked, and the tokens it stored let the
poller verify a real sandbox event delivered through the relay. Also: one account-wide
signature token in LEVER_WEBHOOK_TOKENS verifies deliveries end to end.
"""

from __future__ import annotations

import json

import httpx
import pytest
from helpers.relay_fixtures import signed_delivery
from helpers.waiting import wait_until

from lever_desktop import cli, config, secrets
from lever_desktop.lever.signatures import EVENTS


@pytest.fixture
def account(relay, sandbox, monkeypatch):
    monkeypatch.setenv("LEVER_API_KEY", sandbox.api_key)
    monkeypatch.setenv("LEVER_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("LEVER_RELAY_URL", relay.url)
    monkeypatch.setenv("LEVER_RELAY_TOKEN", relay.reader_token)
    httpx.post(sandbox.admin_url + "/stats/reset").raise_for_status()
    return relay, sandbox


def _setup(capsys, *flags: str, relay_url: str) -> tuple[int, dict]:
    code = cli.main(["webhooks", "setup", "--relay-url", relay_url, "--json", *flags])
    return code, json.loads(capsys.readouterr().out)


def _requests(sandbox) -> dict[str, int]:
    return httpx.get(sandbox.admin_url + "/stats").json()["requests"]


def _webhooks(sandbox) -> list[dict]:
    return httpx.get(sandbox.base_url + "/webhooks", auth=(sandbox.api_key, "")).json()["data"]


def _stored_tokens() -> dict[str, str]:
    return json.loads(secrets.get_secret(secrets.WEBHOOK_TOKENS) or "{}")


def _poll(capsys) -> dict:
    assert cli.main(["relay", "poll", "--once", "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_setup_is_idempotent_sends_nothing_on_dry_run_and_its_tokens_verify_a_real_event(account, capsys):
    relay, sandbox = account
    code, dry = _setup(capsys, "--dry-run", relay_url=relay.url)
    assert code == 0 and dry["dryRun"] and {s["status"] for s in dry["steps"]} == {"would-create"}
    assert "POST /webhooks" not in _requests(sandbox) and _webhooks(sandbox) == [] and _stored_tokens() == {}

    code, first = _setup(capsys, relay_url=relay.url)
    assert code == 0 and first["ok"]
    assert [s["event"] for s in first["steps"]] == list(EVENTS)
    assert {s["status"] for s in first["steps"]} == {"created"}
    assert first["webhookUrl"] == relay.url + "/lever/webhooks"
    assert "Integrations and API -> Webhooks" in first["nextStep"]
    hooks = _webhooks(sandbox)
    assert {(h["event"], h["url"]) for h in hooks} == {(e, relay.url + "/lever/webhooks") for e in EVENTS}
    tokens = _stored_tokens()
    assert set(tokens) == set(EVENTS)
    assert config.Settings.load().extra["webhook_ids"] == {h["event"]: h["id"] for h in hooks}

    code, second = _setup(capsys, relay_url=relay.url)
    assert code == 0 and {s["status"] for s in second["steps"]} == {"connected"}
    assert _requests(sandbox)["POST /webhooks"] == len(EVENTS) and "DELETE /webhooks/:id" not in _requests(sandbox)
    assert _stored_tokens() == tokens and len(_webhooks(sandbox)) == len(EVENTS)

    # A real sandbox event goes to the relay and the poller verifies it with the stored token.
    opp = httpx.get(sandbox.base_url + "/opportunities", params={"limit": 1}, auth=(sandbox.api_key, "")).json()
    opp_id = opp["data"][0]["id"]
    httpx.post(f"{sandbox.admin_url}/opportunities/{opp_id}/stage", json={"stage": "lead-new"}).raise_for_status()
    wait_until(
        lambda: any(
            d["succeeded"] and d["body"]["event"] == "candidateStageChange"
            for d in httpx.get(sandbox.admin_url + "/deliveries").json()
        ),
        what="the stage change delivered to the relay",
    )
    polled = _poll(capsys)
    assert polled["accepted"] == 1 and polled["rejected"] == {}


def test_a_webhook_without_our_token_is_reported_and_replaced_only_when_asked(account, capsys):
    relay, sandbox = account
    # Someone else (a script, another computer) registered the relay for one event; its token is theirs.
    theirs = httpx.post(
        sandbox.base_url + "/webhooks",
        auth=(sandbox.api_key, ""),
        json={"event": "candidateStageChange", "url": relay.url + "/lever/webhooks"},
    ).json()["data"]
    code, report = _setup(capsys, relay_url=relay.url)
    assert code == 1 and not report["ok"]
    step = next(s for s in report["steps"] if s["event"] == "candidateStageChange")
    assert step["status"] == "needs-token" and step["webhookId"] == theirs["id"]
    assert "candidateStageChange" not in _stored_tokens() and theirs["id"] in {h["id"] for h in _webhooks(sandbox)}
    # The words say what to do.
    assert cli.main(["webhooks", "setup", "--relay-url", relay.url]) == 1
    assert "--replace" in capsys.readouterr().out

    code, dry = _setup(capsys, "--dry-run", "--replace", relay_url=relay.url)
    assert (
        code == 0 and next(s for s in dry["steps"] if s["event"] == "candidateStageChange")["status"] == "would-replace"
    )
    assert theirs["id"] in {h["id"] for h in _webhooks(sandbox)}

    code, replaced = _setup(capsys, "--replace", relay_url=relay.url)
    step = next(s for s in replaced["steps"] if s["event"] == "candidateStageChange")
    assert code == 0 and step["status"] == "replaced" and step["webhookId"] != theirs["id"]
    stage_hooks = [h for h in _webhooks(sandbox) if h["event"] == "candidateStageChange"]
    assert [h["id"] for h in stage_hooks] == [step["webhookId"]]
    assert "candidateStageChange" in _stored_tokens()


def test_a_token_left_from_a_webhook_deleted_in_lever_is_not_taken_for_its_successor(account, capsys):
    relay, sandbox = account
    assert _setup(capsys, relay_url=relay.url)[0] == 0
    ours = next(h for h in _webhooks(sandbox) if h["event"] == "candidateHired")
    httpx.delete(f"{sandbox.base_url}/webhooks/{ours['id']}", auth=(sandbox.api_key, "")).raise_for_status()
    httpx.post(
        sandbox.base_url + "/webhooks",
        auth=(sandbox.api_key, ""),
        json={"event": "candidateHired", "url": relay.url + "/lever/webhooks"},
    ).raise_for_status()
    code, report = _setup(capsys, relay_url=relay.url)
    step = next(s for s in report["steps"] if s["event"] == "candidateHired")
    assert code == 1 and step["status"] == "needs-token" and "since deleted" in step["note"]


def test_a_create_whose_answer_is_lost_is_reported_and_never_repeated_blindly(account, capsys):
    relay, sandbox = account
    # Lever creates the webhook, then the connection drops before its answer (and its token) arrive.
    spec = "drop-after,method=POST,path=/webhooks,count=1"
    httpx.post(sandbox.admin_url + "/faults", json={"spec": spec}).raise_for_status()
    code, report = _setup(capsys, relay_url=relay.url)
    uncertain = [s["event"] for s in report["steps"] if s["status"] == "uncertain"]
    assert code == 1 and uncertain == [EVENTS[0]] and EVENTS[0] not in _stored_tokens()
    assert _requests(sandbox)["POST /webhooks"] == len(EVENTS)  # not retried
    code, again = _setup(capsys, relay_url=relay.url)
    step = next(s for s in again["steps"] if s["event"] == EVENTS[0])
    assert code == 1 and step["status"] == "needs-token" and "since deleted" not in step.get("note", "")
    assert _requests(sandbox)["POST /webhooks"] == len(EVENTS)


def test_a_keychain_that_refuses_the_token_leaves_no_webhook_behind(account, capsys):
    relay, sandbox = account

    class RefusingKeychain(secrets.MemoryBackend):
        def set(self, name, value):
            raise secrets.SecretStoreError("The keychain refused to store a secret (KeyringLocked).")

    secrets.use_backend(RefusingKeychain())
    assert cli.main(["webhooks", "setup", "--relay-url", relay.url]) == 1
    assert "refused to store a secret" in capsys.readouterr().err
    assert _webhooks(sandbox) == []


@pytest.mark.parametrize("relay_url", ["http://relay.example.com", "https://user:pw@relay.example.com"])
def test_a_bad_relay_url_is_refused_before_anything_reaches_lever(account, capsys, relay_url):
    _relay, sandbox = account
    assert cli.main(["webhooks", "setup", "--relay-url", relay_url]) == 2
    err = capsys.readouterr().err
    assert "relay URL" in err and "pw" not in err
    assert _requests(sandbox) == {}


@pytest.mark.logs_warnings("a forged delivery or a missing keychain is logged")
def test_one_account_wide_token_verifies_deliveries_end_to_end(account, capsys, monkeypatch):
    relay, sandbox = account
    wide = "accountwide0signing0token" + "0" * 23
    monkeypatch.setenv("LEVER_WEBHOOK_TOKENS", wide)
    opp = httpx.get(sandbox.base_url + "/opportunities", params={"limit": 1}, auth=(sandbox.api_key, "")).json()
    opp_id = opp["data"][0]["id"]
    for event in ("candidateStageChange", "candidateHired"):
        body = signed_delivery(event, {"opportunityId": opp_id}, wide)
        assert httpx.post(relay.url + "/lever/webhooks", json=body).status_code == 200
    forged = signed_delivery("candidateArchiveChange", {"opportunityId": opp_id}, "a-guessed-token-000000")
    assert httpx.post(relay.url + "/lever/webhooks", json=forged).status_code == 200
    polled = _poll(capsys)
    assert polled["accepted"] == 2 and polled["rejected"] == {"bad-signature": 1}


def test_the_webhook_address_pasted_as_the_relay_url_registers_the_relay_not_a_404(account, capsys):
    # Lever's webhook settings show the full address; pasting it must not register
    # .../lever/webhooks/lever/webhooks, where the relay answers 404 to every delivery.
    relay, sandbox = account
    code, report = _setup(capsys, relay_url=relay.url + "/lever/webhooks/")
    assert code == 0 and report["webhookUrl"] == relay.url + "/lever/webhooks"
    assert {h["url"] for h in _webhooks(sandbox)} == {relay.url + "/lever/webhooks"}
    code, again = _setup(capsys, relay_url=relay.url)
    assert code == 0 and {s["status"] for s in again["steps"]} == {"connected"}
    assert _requests(sandbox)["POST /webhooks"] == len(EVENTS)


@pytest.mark.logs_warnings("a forged delivery or a missing keychain is logged")
@pytest.mark.parametrize("dry_run", [True, False])
def test_without_a_keychain_setup_says_so_and_claims_no_progress(account, capsys, dry_run):
    relay, sandbox = account

    class NoKeychain(secrets.MemoryBackend):
        def get(self, name):
            raise secrets.SecretStoreUnavailable("keyring backend fail.Keyring")

    secrets.use_backend(NoKeychain())
    assert cli.main(["webhooks", "setup", "--relay-url", relay.url, *(["--dry-run"] if dry_run else [])]) == 1
    err = capsys.readouterr().err
    assert "No secure password store" in err and "webhook tokens" in err
    assert "created before this point" not in err  # nothing was, and nothing could be
    assert _webhooks(sandbox) == []
