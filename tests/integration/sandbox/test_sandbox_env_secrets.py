"""``lever-sandbox`` takes its API key and the relay's ingest token from the environment, so
neither has to sit on a command line (which other users of the machine can read)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from helpers.waiting import wait_until


@dataclass
class Sandbox:
    proc: subprocess.Popen
    base_url: str
    admin_url: str
    printed: str  # what it told the terminal before serving


def _start(*args: str, **env: str) -> Sandbox:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "lever_desktop.sandbox", "--port", "0", "--tick", "0", "--opportunities", "20", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**clean, **env},
    )
    printed = []
    for line in proc.stdout:  # blocks until the server prints its addresses (API, then admin)
        printed.append(line)
        admin = re.search(r"admin:\s+(\S+?)/?\s", line)
        if admin:
            api = re.search(r"API:\s+(\S+/v1)", "".join(printed))
            return Sandbox(proc, api.group(1), admin.group(1), "".join(printed))
    proc.wait(10)
    raise AssertionError(f"no admin line; stderr: {proc.stderr.read()}")


def _stop(sandbox: Sandbox) -> None:
    proc = sandbox.proc
    proc.send_signal(signal.SIGTERM)
    proc.wait(15)
    proc.stdout.close()
    proc.stderr.close()


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM, /proc")
def test_the_api_key_comes_from_the_environment_and_is_neither_on_the_command_line_nor_printed():
    key = "k-from-env-8c41f0"
    sandbox = _start(LEVER_SANDBOX_API_KEY=key)
    try:
        with httpx.Client(base_url=sandbox.base_url) as c:
            assert c.get("/users", auth=(key, "")).status_code == 200
            assert c.get("/users", auth=("sandbox-key", "")).status_code == 401
        cmdline = Path(f"/proc/{sandbox.proc.pid}/cmdline").read_bytes().decode()
        assert key not in cmdline and key not in sandbox.printed
        assert "LEVER_SANDBOX_API_KEY" in sandbox.printed
    finally:
        _stop(sandbox)


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
def test_drafts_reach_the_relay_with_the_ingest_token_from_the_environment(relay):
    sandbox = _start("--relay", relay.url, LEVER_RELAY_INGEST_TOKEN=relay.ingest_token)
    try:
        with httpx.Client() as c:
            done = c.post(sandbox.admin_url + "/interviews/complete", json={"flaw": None})
            assert done.status_code == 200, done.text
            draft_id = done.json()["draft"]["draftId"]

            def drafts_on_relay():
                items = c.get(relay.feed_url, headers=relay.reader_headers()).json()["items"]
                return [i["body"]["draftId"] for i in items if i["kind"] == "draft"]

            assert wait_until(drafts_on_relay, timeout=20, what="the draft on the relay") == [draft_id]
        assert relay.ingest_token not in Path(f"/proc/{sandbox.proc.pid}/cmdline").read_bytes().decode()
    finally:
        _stop(sandbox)
