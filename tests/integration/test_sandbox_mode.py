"""``--sandbox`` without the window: the sandbox and its relay on loopback, with an account for them.

(lever_desktop/sandbox_mode.py holds no Qt; the window only starts it off the GUI thread.)
"""

from __future__ import annotations

import httpx

from lever_desktop import log as applog
from lever_desktop import sandbox_mode


def test_the_sandbox_account_reaches_lever_and_the_relay_holds_its_first_draft():
    env = sandbox_mode.SandboxEnvironment(opportunities=5, tick=0, first_drafts=1)
    account = env.start()
    try:
        assert account.base_url.startswith("http://127.0.0.1:") and account.relay_url.startswith("http://127.0.0.1:")
        assert account.webhook_tokens  # the sandbox's signature tokens, in memory only
        assert not (sandbox_mode.sandbox_dir() / "webhook-tokens.json").exists()
        assert applog.redact(f"key {account.api_key}") != f"key {account.api_key}"  # never in a log
        opportunities = httpx.get(f"{account.base_url}/opportunities", auth=(account.api_key, ""), timeout=10)
        assert opportunities.status_code == 200 and len(opportunities.json()["data"]) == 5
        # The sandbox posted the first morning's draft (and its webhooks) to the relay: long polls
        # return as items arrive, so the wait ends with the draft.
        kinds: list[str] = []
        after = 0
        with httpx.Client(headers={"Authorization": f"Bearer {account.relay_token}"}, timeout=20) as relay:
            for _ in range(5):
                page = relay.get(f"{account.relay_url}/v1/feed", params={"after": after, "wait": 5}).json()
                kinds += [item["kind"] for item in page["items"]]
                after = page["next"]
                if "draft" in kinds:
                    break
        assert kinds.count("draft") == 1 and set(kinds) <= {"draft", "lever-webhook"}
        assert (sandbox_mode.sandbox_dir() / "drafts-seeded").exists()  # the next run does not seed again
        assert env.database_path.parent == sandbox_mode.sandbox_dir()
    finally:
        env.stop()
    assert env.server is None and env.relay is None


def test_sandbox_mode_drafts_with_the_sandbox_model_and_never_a_real_provider(monkeypatch):
    import os

    import anthropic
    from helpers.model_fixtures import ANTHROPIC_TOOLS, PROMPT

    # The user's shell points the SDK at the real Anthropic API with a real key: the sandbox must
    # not send a transcript there, and must give both back when it stops.
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-the-users-own")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://api.anthropic.com")
    monkeypatch.delenv("LEVER_DRAFTER_MODEL", raising=False)
    env = sandbox_mode.SandboxEnvironment(opportunities=5, tick=0, first_drafts=0)
    env.start()
    try:
        assert os.environ["LEVER_DRAFTER_PROVIDER"] == "anthropic"
        assert os.environ["ANTHROPIC_BASE_URL"] == env.server.model.anthropic_base_url
        assert os.environ["ANTHROPIC_BASE_URL"].startswith("http://127.0.0.1:")
        with anthropic.Anthropic(max_retries=0) as client:  # configured by the environment alone, like the drafter's
            message = client.messages.create(
                model=os.environ["LEVER_DRAFTER_MODEL"],
                max_tokens=4096,
                tools=ANTHROPIC_TOOLS,
                messages=[{"role": "user", "content": PROMPT}],
            )
        assert message.stop_reason == "tool_use" and message.model == "sandbox-model"
        # The demo's model paraphrases one field's evidence, for the drafter to reject.
        quotes = [e["quote"] for f in message.content[0].input["fields"] for e in f["evidence"]]
        assert sum(q.startswith("They explained that") for q in quotes) == 1
    finally:
        env.stop()
    assert os.environ["ANTHROPIC_API_KEY"] == "sk-ant-the-users-own"
    assert os.environ["ANTHROPIC_BASE_URL"] == "https://api.anthropic.com"
    assert "LEVER_DRAFTER_MODEL" not in os.environ
