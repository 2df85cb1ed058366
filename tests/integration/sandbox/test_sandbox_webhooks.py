"""Webhook management, signed deliveries, retries, and the --relay wiring."""

from __future__ import annotations

import json
import os
import stat

import pytest
from helpers.waiting import wait_until
from receiver import Receiver
from sandbox_http import client

from lever_desktop.lever.signatures import verify
from lever_desktop.sandbox.webhooks import EVENTS


@pytest.fixture
def hook_receiver():
    with Receiver() as r:
        yield r


def register(c, url, event):
    r = c.post("/webhooks", json={"url": url, "event": event})
    assert r.status_code == 201, r.text
    return r.json()["data"]


def a_stage_move(c):
    opp = c.get("/opportunities", params={"limit": 1}).json()["data"][0]
    target = next(s["id"] for s in c.get("/stages").json()["data"] if s["id"] != opp["stage"])
    assert c.put(f"/opportunities/{opp['id']}/stage", json={"stage": target}).status_code == 200
    return opp, target


def test_management_returns_the_signature_token_only_once(sandbox, hook_receiver):
    with client(sandbox) as c:
        hook = register(c, hook_receiver.url + "/hook", "candidateStageChange")
        assert len(hook["configuration"]["signatureToken"]) >= 32
        listed = c.get("/webhooks").json()["data"]
        assert [h["id"] for h in listed] == [hook["id"]]
        assert "signatureToken" not in listed[0]["configuration"]
        assert c.post("/webhooks", json={"url": hook_receiver.url, "event": "feedbackCreated"}).status_code == 400
        assert c.post("/webhooks", json={"url": "http://example.com/x", "event": "candidateHired"}).status_code == 400
        assert (
            c.post("/webhooks", json={"url": "https://relay.example.com/x", "event": "candidateHired"}).status_code
            == 201
        )
        assert c.delete(f"/webhooks/{hook['id']}").status_code == 204
        assert c.delete(f"/webhooks/{hook['id']}").status_code == 404


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("http://127.0.0.2:8790/lever/webhooks", 201),  # loopback is 127.0.0.0/8, as in lever/urls.py
        ("http://[::1]:8790/lever/webhooks", 201),
        ("http://localhost:8790/lever/webhooks", 201),
        ("http://relay.localhost:8790/lever/webhooks", 400),  # a name, not loopback
        ("http://127.0.0.1.nip.io/lever/webhooks", 400),
    ],
)
def test_plain_http_webhooks_follow_the_one_loopback_policy(sandbox, url, status):
    with client(sandbox) as c:
        assert c.post("/webhooks", json={"url": url, "event": "candidateHired"}).status_code == status


@pytest.mark.parametrize("configuration", ["origins", {"conditions": ["applied"]}])
def test_a_configuration_that_is_not_an_object_is_refused(sandbox, configuration):
    with client(sandbox) as c:
        r = c.post(
            "/webhooks",
            json={"url": "https://relay.example.com/x", "event": "candidateHired", "configuration": configuration},
        )
        assert r.status_code == 400 and "configuration" in r.json()["message"]
        assert c.get("/webhooks").json()["data"] == []
        conditions = {"origins": ["applied"]}
        r = c.post(
            "/webhooks",
            json={
                "url": "https://relay.example.com/x",
                "event": "applicationCreated",
                "configuration": {"conditions": conditions},
            },
        )
        assert r.status_code == 201 and r.json()["data"]["configuration"]["conditions"] == conditions


def test_stage_change_delivers_a_lever_signed_webhook(sandbox, hook_receiver):
    with client(sandbox) as c:
        token = register(c, hook_receiver.url + "/hook", "candidateStageChange")["configuration"]["signatureToken"]
        opp, target = a_stage_move(c)
    got = hook_receiver.wait_for(lambda r: len(r) >= 1)[0]
    body = got["body"]
    assert set(body) == {"id", "event", "triggeredAt", "token", "signature", "data"}
    assert body["event"] == "candidateStageChange" and len(body["token"]) == 48
    assert verify(body, token) and not verify(body, "some-other-token")
    assert body["data"] == {
        "opportunityId": opp["id"],
        "candidateId": opp["contact"],
        "contactId": opp["contact"],
        "toStageId": target,
        "fromStageId": opp["stage"],
    }
    assert got["headers"]["Content-Type"] == "application/json"


def test_non_2xx_is_retried_with_growing_gaps_and_the_same_body(sandbox):
    with Receiver(statuses=[500, 302, 503, 404]) as rec, client(sandbox) as c:
        register(c, rec.url + "/hook", "candidateStageChange")
        a_stage_move(c)
        got = rec.wait_for(lambda r: len(r) >= 5)
    assert [g["status"] for g in got] == [500, 302, 503, 404, 200]
    assert len({json.dumps(g["body"], sort_keys=True) for g in got}) == 1  # same token: receivers de-duplicate
    gaps = [b["at"] - a["at"] for a, b in zip(got, got[1:])]
    assert gaps[-1] > gaps[0]  # configured 0.05, 0.1, 0.15, 0.2


@pytest.mark.logs_warnings("the sandbox logs a delivery it gives up on")
def test_gives_up_after_five_retries(sandbox):
    with Receiver(statuses=[500] * 10) as rec, client(sandbox) as c:
        register(c, rec.url + "/hook", "candidateStageChange")
        a_stage_move(c)
        rec.wait_for(lambda r: len(r) >= 6)

        done = wait_until(lambda: [d for d in c.get(sandbox.admin_url + "/deliveries").json() if d["done"]])
    assert done and len(done[0]["attempts"]) == 6 and not done[0]["succeeded"]
    assert len(rec.received) == 6


def test_archive_and_hire_emit_their_events(sandbox, hook_receiver):
    with client(sandbox) as c:
        tokens = {
            e: register(c, hook_receiver.url + "/" + e, e)["configuration"]["signatureToken"]
            for e in ("candidateArchiveChange", "candidateHired")
        }
        opp = c.get("/opportunities", params={"archived": "false", "limit": 1}).json()["data"][0]
        hired = next(r["id"] for r in c.get("/archive_reasons").json()["data"] if r["type"] == "hired")
        assert c.put(f"/opportunities/{opp['id']}/archived", json={"reason": "nope"}).status_code == 400
        r = c.put(f"/opportunities/{opp['id']}/archived", json={"reason": hired})
        assert r.status_code == 200 and r.json()["data"]["archived"]["reason"] == hired
        assert r.json()["data"]["updatedAt"] > opp["updatedAt"]
    got = hook_receiver.wait_for(lambda r: len(r) >= 2)
    assert {g["body"]["event"] for g in got} == {"candidateArchiveChange", "candidateHired"}
    for g in got:
        assert verify(g["body"], tokens[g["body"]["event"]])


def test_admin_stage_move_emits_a_webhook(sandbox, hook_receiver):
    with client(sandbox) as c:
        register(c, hook_receiver.url + "/hook", "candidateStageChange")
        opp = c.get("/opportunities", params={"limit": 1}).json()["data"][0]
        r = c.post(f"{sandbox.admin_url}/opportunities/{opp['id']}/stage", json={"stage": "lead-new"})
        assert r.status_code == 204
    assert hook_receiver.wait_for(lambda r: r)[0]["body"]["data"]["toStageId"] == "lead-new"


def test_deliveries_queued_while_offline_go_out_after_restart(sandbox, hook_receiver):
    with client(sandbox) as c:
        register(c, hook_receiver.url + "/hook", "candidateStageChange")
        opp = c.get("/opportunities", params={"limit": 1}).json()["data"][0]
    sandbox.stop()
    sandbox.activity.change_stage(sandbox.state.row(opp["id"]), "lead-new")  # happens while we are away
    sandbox.start()
    assert hook_receiver.wait_for(lambda r: r)[0]["body"]["event"] == "candidateStageChange"


def test_relay_gets_every_event_and_the_app_gets_the_tokens(sandbox_factory, tmp_path, hook_receiver):
    tokens_file = tmp_path / "tokens" / "webhook-tokens.json"
    s = sandbox_factory(
        relay_url=hook_receiver.url, relay_ingest_token="ingest-secret", webhook_tokens_file=tokens_file
    )
    tokens = json.loads(tokens_file.read_text())
    assert set(tokens) == set(EVENTS)
    if os.name == "posix":
        assert stat.S_IMODE(tokens_file.stat().st_mode) == 0o600
    with client(s) as c:
        hooks = c.get("/webhooks").json()["data"]
        assert {h["event"] for h in hooks} == set(EVENTS)
        assert {h["url"] for h in hooks} == {hook_receiver.url + "/lever/webhooks"}
        record = c.post(s.admin_url + "/interviews/complete", json={}).json()
    got = hook_receiver.wait_for(lambda r: {g["path"] for g in r} >= {"/drafts", "/lever/webhooks"})
    draft = next(g for g in got if g["path"] == "/drafts")
    assert draft["headers"]["Authorization"] == "Bearer ingest-secret"
    assert draft["body"] == record["draft"]
    event = next(g for g in got if g["path"] == "/lever/webhooks")["body"]
    assert event["event"] == "interviewUpdated" and verify(event, tokens["interviewUpdated"])
    # A restart does not register the relay twice.
    s.stop()
    s.start()
    with client(s) as c:
        assert len(c.get("/webhooks").json()["data"]) == len(EVENTS)
