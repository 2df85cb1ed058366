"""Run ``lever-sandbox`` in its own process for the sync benchmarks.

In its own process the simulator's JSON rendering does not compete with the
app's event loop for the GIL, as a remote Lever would not.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SandboxProcess:
    def __init__(self, port: int, api_key: str = "sandbox-key") -> None:
        self.api_key = api_key
        self.base_url = f"http://127.0.0.1:{port}/v1"
        self.admin_url = f"http://127.0.0.1:{port}/_sandbox"

    def stats(self) -> dict:
        return httpx.get(self.admin_url + "/stats", timeout=10).json()

    def reset_stats(self) -> None:
        httpx.post(self.admin_url + "/stats/reset", timeout=10)

    def summary(self) -> dict:
        return httpx.get(self.admin_url + "/", timeout=10).json()


@contextlib.contextmanager
def sandbox_process(opportunities: int, rate: float = 100_000, burst: int = 100_000) -> Iterator[SandboxProcess]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "lever_desktop.sandbox",
            "--port",
            str(port),
            "--opportunities",
            str(opportunities),
            "--rate",
            str(rate),
            "--burst",
            str(burst),
            "--tick",
            "0",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ},
    )
    lever = SandboxProcess(port)
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                lever.summary()
                break
            except httpx.TransportError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("lever-sandbox did not start") from None
                time.sleep(0.1)  # polling the port until the sandbox answers
        yield lever
    finally:
        proc.terminate()
        proc.wait(30)
