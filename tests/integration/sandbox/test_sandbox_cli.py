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
    proc = subprocess.Popen([sys.executable, "-m", "lever_desktop.sandbox", "--port", "0", "--tick", "0", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:  # blocks until the server prints its address
        m = re.search(r"API:\s+(\S+/v1)", line)
        if m:
            return proc, m.group(1)
    proc.wait(10)
    raise AssertionError(f"no API line; stderr: {proc.stderr.read()}")


@pytest.mark.skipif(os.name != "posix", reason="SIGTERM")
def test_cli_serves_lever_and_stops_on_sigterm(tmp_path):
    tokens = tmp_path / "tokens.json"
    proc, base = start("--opportunities", "300", "--seed", "3", "--relay", "http://127.0.0.1:9",
                       "--webhook-tokens-file", str(tokens))
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


def test_cli_refuses_a_bad_fault_spec():
    done = subprocess.run([sys.executable, "-m", "lever_desktop.sandbox", "--port", "0", "--faults", "explode"],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "unknown fault kind" in done.stderr
