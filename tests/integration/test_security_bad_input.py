"""Bad input through the real CLI: a clear sentence on stderr, a non-zero exit, nothing lost.

Each case runs ``python -m lever_desktop --basedir ...`` as a user would and checks that
stderr reads as a message (no Python traceback) and that good data next to bad survives.
"""

from __future__ import annotations

import copy
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from helpers.relay_fixtures import signed_delivery

from lever_desktop.resources import resource_path

SAMPLE = json.loads(resource_path("samples/draft-every-field-type.json").read_text(encoding="utf-8"))


def _cli(basedir: Path, *argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
    return subprocess.run(
        [sys.executable, "-m", "lever_desktop", "--basedir", str(basedir), *argv],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _says(run: subprocess.CompletedProcess[str], *words: str) -> None:
    """Failed, with a short readable message that contains ``words`` and no traceback."""
    assert run.returncode != 0, run
    err = run.stderr.strip()
    assert err and "Traceback" not in err and 'File "' not in err, err
    assert len(err.splitlines()) <= 3, err
    for w in words:
        assert w in err, err


def _free_loopback_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def basedir(tmp_path) -> Path:
    return tmp_path / "app"


@pytest.fixture
def write(tmp_path):
    def make(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    return make


def test_import_of_malformed_json_names_the_file_and_the_problem(basedir, write):
    path = write("broken.json", '{"draftId": "d1", ')
    _says(_cli(basedir, "drafts", "import", "--offline", str(path)), str(path), "not valid JSON")


def test_import_of_a_file_that_is_not_text_or_not_there(basedir, write, tmp_path):
    binary = write("photo.json", b"\xff\xd8\xff\xe0 not json")
    _says(_cli(basedir, "drafts", "import", "--offline", str(binary)), str(binary))
    _says(_cli(basedir, "drafts", "import", "--offline", str(tmp_path / "missing.json")), "missing.json")
    _says(_cli(basedir, "drafts", "import", "--offline", str(tmp_path)), str(tmp_path))


def test_a_non_draft_next_to_a_good_draft_loses_only_itself(basedir, write):
    path = write("mixed.json", json.dumps([{"hello": "world"}, SAMPLE, 42]))
    run = _cli(basedir, "drafts", "import", "--offline", "--json", str(path))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    results = json.loads(run.stdout)["results"]
    assert [r["status"] for r in results] == ["invalid", "received", "invalid"]
    assert "draftId is missing" in results[0]["problems"]
    shown = _cli(basedir, "drafts", "show", SAMPLE["draftId"], "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["values"] == {f["id"]: f["value"] for f in SAMPLE["fields"]}


def test_a_draft_with_wrong_values_and_unknown_fields_is_kept_with_flags(basedir, write, sandbox):
    env = {"LEVER_API_KEY": sandbox.api_key, "LEVER_BASE_URL": sandbox.base_url}
    assert _cli(basedir, "sync", **env).returncode == 0
    doc = copy.deepcopy(SAMPLE)
    doc["draftId"] = "hostile-values"
    doc["fields"][0]["value"] = {"nested": ["not", "text"]}
    doc["fields"].append({"id": "no-such-field", "value": 99, "confidence": 0.9})
    run = _cli(basedir, "drafts", "import", "--json", str(write("hostile.json", json.dumps(doc))), **env)
    assert "Traceback" not in run.stderr
    [result] = json.loads(run.stdout)["results"]
    assert result["status"] == "received", result  # kept for the reviewer, with what is wrong said plainly
    assert {f["code"] for f in result["flags"]} == {"invalid_value", "template_drift"}
    assert any("no-such-field" in f["message"] for f in result["flags"])
    shown = json.loads(_cli(basedir, "drafts", "show", "hostile-values", "--json").stdout)
    assert shown["aiValues"][doc["fields"][0]["id"]] == {"nested": ["not", "text"]}  # nothing dropped
    _says(_cli(basedir, "drafts", "approve", "hostile-values", **env))  # and it cannot be sent as it is


def test_sync_refuses_plain_http_to_a_remote_host(basedir):
    run = _cli(basedir, "sync", LEVER_API_KEY="k-123456", LEVER_BASE_URL="http://example.com")
    _says(run, "Refusing plain http://", "example.com")
    assert run.returncode == 2
    relay = _cli(
        basedir,
        "relay",
        "poll",
        "--once",
        LEVER_API_KEY="k-123456",
        LEVER_RELAY_URL="http://example.com",
        LEVER_RELAY_TOKEN="t-123456",
    )
    _says(relay, "example.com")


def test_unreachable_lever_is_a_sentence_not_a_traceback(basedir, write):
    url = f"http://127.0.0.1:{_free_loopback_port()}/v1"
    _says(_cli(basedir, "sync", LEVER_API_KEY="k-123456", LEVER_BASE_URL=url), "could not be reached")

    path = write("one.json", json.dumps(SAMPLE))
    run = _cli(basedir, "drafts", "import", "--json", str(path), LEVER_API_KEY="k-123456", LEVER_BASE_URL=url)
    assert "Traceback" not in run.stderr
    assert json.loads(run.stdout)["results"][0]["status"] == "received"  # kept, to be checked once online


def test_malformed_webhook_tokens_setting_is_explained(basedir):
    run = _cli(
        basedir,
        "sync",
        LEVER_API_KEY="k-123456",
        LEVER_BASE_URL="http://127.0.0.1:9/v1",
        LEVER_WEBHOOK_TOKENS="{not json",
    )
    _says(run, "LEVER_WEBHOOK_TOKENS")


def test_a_damaged_cache_is_explained_and_left_untouched(basedir):
    db = basedir / "data" / "lever-desktop.sqlite3"
    db.parent.mkdir(parents=True)
    damaged = b"this is not an SQLite file " * 40
    db.write_bytes(damaged)
    env = {
        "LEVER_API_KEY": "k-123456",
        "LEVER_BASE_URL": "http://127.0.0.1:9/v1",
        "LEVER_RELAY_URL": "http://127.0.0.1:9",
        "LEVER_RELAY_TOKEN": "t-123456",
    }
    for argv in (["drafts", "list"], ["sync"], ["relay", "poll", "--once"]):
        _says(_cli(basedir, *argv, **env), "is damaged", "not a database", "left as it is")
    assert db.read_bytes() == damaged


def test_a_basedir_that_is_a_file_is_refused_with_a_message(tmp_path):
    not_a_dir = tmp_path / "notes.txt"
    not_a_dir.write_text("keep me", encoding="utf-8")
    run = _cli(not_a_dir, "drafts", "list")
    _says(run, "cannot keep files in", "Not a directory" if os.name == "posix" else "")
    assert run.returncode == 2 and not_a_dir.read_text(encoding="utf-8") == "keep me"


def test_relay_items_wait_on_the_relay_while_lever_is_unreachable(basedir, relay, sandbox):
    signature = "stage-signature-token-" + "q" * 16
    env = {
        "LEVER_API_KEY": sandbox.api_key,
        "LEVER_RELAY_URL": relay.url,
        "LEVER_RELAY_TOKEN": relay.reader_token,
        "LEVER_WEBHOOK_TOKENS": json.dumps({"candidateStageChange": signature}),
    }
    opp = httpx.get(sandbox.base_url + "/opportunities", params={"limit": 1}, auth=(sandbox.api_key, "")).json()
    delivery = signed_delivery("candidateStageChange", {"opportunityId": opp["data"][0]["id"]}, signature)
    assert httpx.post(relay.url + "/lever/webhooks", json=delivery).status_code == 200

    down = f"http://127.0.0.1:{_free_loopback_port()}/v1"
    _says(_cli(basedir, "relay", "poll", "--once", LEVER_BASE_URL=down, **env), "could not be reached")
    back = _cli(basedir, "relay", "poll", "--once", "--json", LEVER_BASE_URL=sandbox.base_url, **env)
    assert back.returncode == 0, back.stderr
    assert json.loads(back.stdout)["accepted"] == 1  # the delivery was not lost while Lever was down
