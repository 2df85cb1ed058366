"""SIGTERM (logout, ``kill``, a service manager) closes the app as its window's close button does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from helpers.waiting import wait_until

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _wait_for_log(base, text: str, proc: subprocess.Popen) -> str:
    def logged() -> str | None:
        assert proc.poll() is None, f"the app exited ({proc.returncode}) before logging {text!r}"
        logs = list(base.rglob("lever-desktop.log"))
        content = logs[0].read_text(encoding="utf-8") if logs else ""
        return content if text in content else None

    return wait_until(logged, timeout=60, what=f"{text!r} in the app's log")


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_termination_signal_shuts_down_cleanly(tmp_path, sig):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    base = tmp_path / "base"
    proc = subprocess.Popen(
        [sys.executable, "-m", "lever_desktop", "--basedir", str(base), "--sandbox"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        _wait_for_log(base, "main window ready", proc)
        proc.send_signal(sig)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    log = next(base.rglob("lever-desktop.log")).read_text(encoding="utf-8")
    assert proc.returncode == 0, err.decode(errors="replace")
    assert f"{sig.name} received: closing" in log and "Lever Desktop closed" in log
    # The orderly path ran: the window's layout was saved, and the sandbox's cache was closed
    # (a checkpointed WAL database leaves no -wal file behind).
    assert list(base.rglob("window.ini"))
    databases = list(base.rglob("*.sqlite3"))
    assert databases and not [p for p in base.rglob("*.sqlite3-wal") if p.stat().st_size]


def test_sigterm_while_the_first_run_dialog_is_open_closes_the_app(tmp_path):
    """Nothing configured: the app waits in its welcome dialog, and a logout must not hang on it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    base = tmp_path / "base"
    proc = subprocess.Popen(
        [sys.executable, "-m", "lever_desktop", "--basedir", str(base)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        _wait_for_log(base, "first run: asking", proc)
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err.decode(errors="replace")
    assert "Lever Desktop closed" in next(base.rglob("lever-desktop.log")).read_text(encoding="utf-8")
