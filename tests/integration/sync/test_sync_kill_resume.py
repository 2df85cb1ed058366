"""`lever-desktop sync` killed with SIGKILL mid-walk: the cache stays consistent and the next run completes it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys

import pytest
from helpers.waiting import wait_until
from sync_support import cached, consistent, live_ids, set_faults

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGKILL")


def _stored(db) -> int:
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("SELECT COUNT(*) FROM opportunities").fetchone()[0]
        finally:
            con.close()
    except sqlite3.OperationalError:  # not created or not migrated yet
        return 0


def _sync(basedir, lever, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "LEVER_API_KEY": lever.api_key, "LEVER_BASE_URL": lever.base_url}
    return subprocess.Popen(
        [sys.executable, "-m", "lever_desktop", "--basedir", str(basedir), "sync", "--json", *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_kill_mid_walk_then_resume(sandbox_factory, tmp_path):
    lever = sandbox_factory(opportunities=1000)
    set_faults(lever, "latency=0.2,path=/opportunities")  # ten slow pages: time to be killed mid-walk
    basedir = tmp_path / "killed"
    db = basedir / "data" / "lever-desktop.sqlite3"

    victim = _sync(basedir, lever)

    def two_pages_committed() -> bool:
        assert victim.poll() is None, victim.communicate()
        return _stored(db) >= 200

    wait_until(two_pages_committed, timeout=60, what="the sync committing two pages")
    victim.send_signal(signal.SIGKILL)
    victim.communicate()
    assert victim.returncode == -signal.SIGKILL

    kept = _stored(db)
    assert 200 <= kept < len(live_ids(lever))
    assert consistent(db)
    assert cached(db, "SELECT value FROM sync_state WHERE key = 'watermark:opportunities'") == []

    set_faults(lever, None)
    survivor = _sync(basedir, lever)
    out, err = survivor.communicate(timeout=120)
    assert survivor.returncode == 0, err
    summary = json.loads(out)
    assert summary["ok"] and summary["counts"]["opportunities"] <= len(live_ids(lever)) - kept + 100
    assert {r[0] for r in cached(db, "SELECT id FROM opportunities")} == live_ids(lever)
    assert consistent(db)
    assert cached(db, "SELECT COUNT(*) FROM sync_state WHERE key LIKE 'cursor:%'") == [(0,)]
