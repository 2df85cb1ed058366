"""Secrets never land on disk, in output or in the relay's log; the files that hold PII are private.

A real flow through the real CLI (one process per command, as a user runs it): sync against
the sandbox, a relay process fed by the sandbox's webhooks, ``relay poll --once``, approve,
``submit``, plus failure paths (a wrong API key -> 401, a wrong relay token -> 401). Every
secret is a distinctive marker; afterwards every byte under the basedir (cache, WAL, logs,
config), everything the commands printed and the relay's log are searched for the markers.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from helpers.waiting import wait_until

from lever_desktop.store import Store

API_KEY = "apikey-MARKER-7f3c1a9e5d"
WRONG_KEY = "wrongkey-MARKER-2b8d6e4f0a"
READER = "reader-MARKER-91ce5a0b37"
WRONG_READER = "badreader-MARKER-5e0f7c2d19"
INGEST = "ingest-MARKER-c4a82f61de"
EXTRA_SIGNATURE = "sigtoken-MARKER-0d5b3e9a7c"  # a webhook token the user configured beyond the sandbox's

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _cli(basedir: Path, env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
    return subprocess.run(
        [sys.executable, "-m", "lever_desktop", "--basedir", str(basedir), *argv],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def world(relay_factory, sandbox_factory, tmp_path):
    relay = relay_factory(ingest_token=INGEST, reader_token=READER)
    tokens_file = tmp_path / "sandbox" / "webhook-tokens.json"
    sandbox = sandbox_factory(
        api_key=API_KEY,
        relay_url=relay.url,
        relay_ingest_token=INGEST,
        webhook_tokens_file=tokens_file,
        opportunities=15,
    )
    signature_tokens = json.loads(tokens_file.read_text(encoding="utf-8"))
    env = {
        "LEVER_API_KEY": API_KEY,
        "LEVER_BASE_URL": sandbox.base_url,
        "LEVER_RELAY_URL": relay.url,
        "LEVER_RELAY_TOKEN": READER,
        "LEVER_WEBHOOK_TOKENS": json.dumps({**signature_tokens, "applicationCreated": EXTRA_SIGNATURE}),
    }
    return relay, sandbox, tokens_file, signature_tokens, env


def _wait_for_log(relay, text: str, timeout: float = 10.0) -> str:
    def logged() -> str | None:
        log = relay.log_text()
        return log if text in log else None

    return wait_until(logged, timeout, what=f"{text!r} in the relay's log")


def _all_bytes(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_real_flow_leaves_no_secret_on_disk_in_output_or_in_the_relay_log(world, tmp_path):
    relay, sandbox, _tokens_file, signature_tokens, env = world
    basedir = tmp_path / "app"
    runs = [_cli(basedir, env, "-v", "sync", "--json")]  # -v: debug logging (httpx, httpcore) on stderr too
    assert runs[-1].returncode == 0, runs[-1].stderr

    # Lever sends webhooks (signed with the signature tokens) and a draft through the relay.
    resp = httpx.post(sandbox.admin_url + "/interviews/complete", json={"flaw": None})
    assert resp.status_code == 200, resp.text
    draft_id = resp.json()["draft"]["draftId"]
    runs.append(_cli(basedir, env, "-v", "relay", "poll", "--once", "--json"))
    assert runs[-1].returncode == 0, runs[-1].stderr
    polled = json.loads(runs[-1].stdout)
    assert polled["accepted"] >= 1 and polled["drafts"] == {"received": 1}

    runs.append(_cli(basedir, env, "drafts", "approve", draft_id, "--json"))
    assert runs[-1].returncode == 0, runs[-1].stderr
    runs.append(_cli(basedir, env, "-v", "submit", "--json"))
    assert runs[-1].returncode == 0, runs[-1].stderr
    assert json.loads(runs[-1].stdout)["submitted"] == [draft_id]

    # Failure paths: Lever and the relay refuse the credentials.
    wrong = _cli(basedir, {**env, "LEVER_API_KEY": WRONG_KEY}, "-v", "sync")
    assert wrong.returncode != 0 and "rejected the API key" in wrong.stderr
    runs.append(wrong)
    wrong_relay = _cli(basedir, {**env, "LEVER_RELAY_TOKEN": WRONG_READER}, "-v", "relay", "poll", "--once")
    assert wrong_relay.returncode != 0
    runs.append(wrong_relay)
    # An approved draft meets the wrong key: the outbox pauses and records why (in SQLite, in the log).
    resp = httpx.post(sandbox.admin_url + "/interviews/complete", json={"flaw": None})
    second = resp.json()["draft"]["draftId"]
    runs.append(_cli(basedir, env, "relay", "poll", "--once"))
    runs.append(_cli(basedir, env, "drafts", "approve", second))
    assert runs[-1].returncode == 0, runs[-1].stderr
    paused = _cli(basedir, {**env, "LEVER_API_KEY": WRONG_KEY}, "-v", "submit", "--json")
    assert paused.returncode != 0 and json.loads(paused.stdout)["paused"], paused.stdout
    runs.append(paused)

    markers = [API_KEY, WRONG_KEY, READER, WRONG_READER, INGEST, EXTRA_SIGNATURE, *signature_tokens.values()]
    files = _all_bytes(basedir)
    assert any(p.name.endswith(".sqlite3") for p in files) and any(p.suffix == ".log" for p in files)
    for path, data in files.items():
        for marker in markers:
            assert marker.encode() not in data, f"{marker} found in {path.relative_to(basedir)}"
    for run in runs:
        for marker in markers:
            assert marker not in run.stdout + run.stderr, f"{marker} printed by {run.args[4:]}"
    assert "Traceback" not in wrong.stderr + wrong_relay.stderr

    # A misconfigured client putting tokens in query strings: the relay's access log must not keep them.
    for path, params in (
        ("/v1/feed", {"token": READER, "access_token": WRONG_READER}),
        ("/drafts", {"ingest": INGEST, "signatureToken": EXTRA_SIGNATURE}),
    ):
        assert httpx.get(relay.url + path, params=params).status_code in (401, 405)
    relay_log = _wait_for_log(relay, "GET /drafts?")  # access lines are written after the response
    for marker in markers:
        assert marker not in relay_log, f"{marker} in the relay's log"


@posix_only
def test_files_holding_pii_or_secrets_are_private_after_a_real_sync(world, tmp_path):
    _relay, _sandbox, tokens_file, _tokens, env = world
    basedir = tmp_path / "app"
    old = os.umask(0o022)  # a typical desktop umask: anything created with defaults would be 0644
    try:
        run = _cli(basedir, env, "sync")
        assert run.returncode == 0, run.stderr
        db = basedir / "data" / "lever-desktop.sqlite3"
        # SQLite removes -wal/-shm when the last connection closes: look while one is open (the GUI's case).
        store = Store.open(db)
        try:
            store.wait_for_backup()  # its .tmp file is renamed meanwhile: list the files once it is in place
            store.call_sync(lambda conn: conn.exec_driver_sql("CREATE TABLE security_probe (x)"))
            sides = [db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
            for path in [db, *sides, basedir / "log" / "lever-desktop.log", tokens_file]:
                assert path.exists(), path
            _assert_private([*basedir.rglob("*"), tokens_file])
        finally:
            store.close()
    finally:
        os.umask(old)


def _assert_private(paths: list[Path]) -> None:
    for path in paths:
        mode = stat.S_IMODE(path.stat().st_mode)
        want = 0o700 if path.is_dir() else 0o600
        assert mode & ~want == 0 and mode & 0o077 == 0, f"{path} is {oct(mode)}"
