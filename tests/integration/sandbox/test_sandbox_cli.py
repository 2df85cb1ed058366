"""``lever-sandbox`` as a stranger runs it: a real process, stopped with SIGTERM."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys

import httpx
import pytest


def start(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "lever_desktop.sandbox", "--port", "0", "--tick", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    for line in proc.stdout:  # blocks until the server prints its address
        m = re.search(r"API:\s+(\S+/v1)", line)
        if m:
            return proc, m.group(1)
    proc.wait(10)
    raise AssertionError(f"no API line; stderr: {proc.stderr.read()}")


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
def test_cli_serves_lever_and_stops_on_sigterm(tmp_path):
    tokens = tmp_path / "tokens.json"
    proc, base = start(
        "--opportunities", "300", "--seed", "3", "--relay", "http://127.0.0.1:9", "--webhook-tokens-file", str(tokens)
    )
    try:
        with httpx.Client(base_url=base, auth=("sandbox-key", "")) as c:
            body = c.get("/opportunities", params={"limit": 100}).json()
            assert len(body["data"]) == 100 and body["hasNext"]
            assert len(c.get("/webhooks").json()["data"]) == len(json.loads(tokens.read_text()))
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        proc.stdout.close()
        proc.stderr.close()


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
def test_cli_serves_the_sandbox_model_with_its_faults():
    import anthropic
    from helpers.model_fixtures import ANTHROPIC_TOOLS, PROMPT

    proc, _ = start("--model-faults", "overloaded,count=1")
    try:
        line = next(line for line in proc.stdout if "model:" in line)
        base = re.search(r"ANTHROPIC_BASE_URL=(\S+)", line).group(1)
        with anthropic.Anthropic(base_url=base, api_key="any", max_retries=0) as client:

            def ask():
                return client.messages.create(
                    model="m", max_tokens=100, tools=ANTHROPIC_TOOLS, messages=[{"role": "user", "content": PROMPT}]
                )

            with pytest.raises(anthropic.OverloadedError):
                ask()
            assert ask().stop_reason == "tool_use"
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        proc.stdout.close()
        proc.stderr.close()


def test_cli_refuses_a_bad_fault_spec():
    done = subprocess.run(
        [sys.executable, "-m", "lever_desktop.sandbox", "--port", "0", "--faults", "explode"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "unknown fault kind" in done.stderr
    done = subprocess.run(
        [sys.executable, "-m", "lever_desktop.sandbox", "--port", "0", "--model-faults", "explode"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2 and "unknown model fault 'explode'" in done.stderr


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
@pytest.mark.parametrize("drift_every", [None, "10"])
def test_the_clock_leaves_templates_alone_unless_asked(drift_every):
    # Someone following the README imports the sample drafts minutes after starting the
    # sandbox: a template the clock edited every 5 minutes would make them unapprovable.
    from helpers.waiting import wait_until

    proc, base = start("--tick", "0.05", *(["--drift-every", drift_every] if drift_every else []))
    admin = base.removesuffix("/v1") + "/_sandbox"
    try:
        with httpx.Client(base_url=base, auth=("sandbox-key", "")) as c:
            before = {t["id"]: t["updatedAt"] for t in c.get("/feedback_templates").json()["data"]}
            wait_until(
                lambda: httpx.get(admin + "/").json()["clockTicks"] >= 12, timeout=60, what="a dozen clock ticks"
            )
            after = {t["id"]: t["updatedAt"] for t in c.get("/feedback_templates").json()["data"]}
        changed = [tid for tid in before if after[tid] != before[tid]]
        assert (changed == []) == (drift_every is None), changed
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(15) == 0
        proc.stdout.close()
        proc.stderr.close()
