"""The review CLI prints what drafts carry with control characters escaped, and reads only
regular draft files of at most 10 MB (a FIFO must not hang it, a device not be read)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from helpers.review_seed import draft_doc

from lever_desktop import cli, paths
from lever_desktop.review import drafts
from lever_desktop.review.lifecycle import DraftState

RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")  # all but \t \n
TEN_MB = 10 * 1024 * 1024
HOSTILE_ID = "d-\x1b]0;pwned\x07\x1b[2J\u202eevil"


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--basedir", str(paths.basedir()), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _legacy(conn, draft_id: str, **document) -> None:
    """A draft stored before intake refused control characters (lone surrogates only survive in
    its JSON columns: SQLite refuses them in plain text)."""
    doc = draft_doc(draft_id, **document)
    drafts.add(
        conn,
        {
            "draft_id": draft_id,
            "state": DraftState.RECEIVED.value,
            "source": "relay",
            "opportunity_id": "opp-1",
            "template_id": "tpl-every",
            "panel_id": "pan-1",
            "interview_id": "int-1",
            "interviewer_email": "ana\x1b[8m@example.com",
            "document": drafts.dumps(doc),
            "flags_json": drafts.dumps([{"code": "low_confidence", "message": "x\x1b[31m\ud83d"}]),
        },
        actor="intake",
        detail={},
    )


def test_import_prints_a_hostile_draft_id_escaped(capsys, tmp_path):
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps([draft_doc(HOSTILE_ID, createdAt=True)]), encoding="utf-8")
    code, out, _ = _cli(capsys, "drafts", "import", "--offline", str(path))
    assert code == 1 and not RAW.search(out)
    assert out.startswith(
        "d-\\x1b]0;pwned\\x07\\x1b[2J\\u202eevil: invalid (draftId: contains a control "
        "character U+001B; createdAt: Input should be a valid integer"
    )


def test_list_and_show_escape_what_was_stored_before_and_json_stays_exact(store, capsys):
    store.call_sync(_legacy, HOSTILE_ID)
    store.call_sync(_legacy, "d-two\nd-forged: approved")
    code, out, _ = _cli(capsys, "drafts", "list")
    assert code == 0 and not RAW.search(out)
    assert len(out.splitlines()) == 2  # a newline in an id cannot forge a line
    assert "d-two\\nd-forged: approved" in out and "ana\\x1b[8m@example.com" in out
    code, out, _ = _cli(capsys, "drafts", "show", HOSTILE_ID)
    assert code == 0 and not RAW.search(out) and "low_confidence: x\\x1b[31m\\ud83d" in out
    code, out, _ = _cli(capsys, "drafts", "list", "--json")
    assert code == 0 and not RAW.search(out)
    ids = [d["draftId"] for d in json.loads(out)["drafts"]]
    assert sorted(ids) == sorted([HOSTILE_ID, "d-two\nd-forged: approved"])


def test_a_string_in_a_drafts_array_is_not_parsed_again(capsys, tmp_path):
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps([json.dumps(draft_doc("d-inner"))]), encoding="utf-8")
    code, out, _ = _cli(capsys, "drafts", "import", "--offline", str(path), "--json")
    [result] = json.loads(out)["results"]
    assert code == 1 and result["status"] == "invalid"
    assert result["problems"] == ["expected a JSON object, got a string"]


def test_a_file_over_10_mb_is_refused_before_reading(capsys, tmp_path):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * TEN_MB + b"[]")
    code, out, err = _cli(capsys, "drafts", "import", "--offline", str(path))
    assert (code, out) == (1, "")
    assert err.strip() == f"lever-desktop: {path}: too large (10.0 MB); a drafts file may have at most 10 MB"


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "drafts.json"
    os.mkfifo(fifo)  # nobody writes to it: opening it for reading would block forever
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "lever_desktop",
            "--basedir",
            str(tmp_path / "app"),
            "drafts",
            "import",
            "--offline",
            str(fifo),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1
    assert run.stderr.strip() == (
        f"lever-desktop: {fifo}: a FIFO (named pipe), not a drafts file; give the path of a JSON file"
    )


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="no /dev/null")
def test_a_device_is_refused(capsys):
    code, _, err = _cli(capsys, "drafts", "import", "--offline", "/dev/null")
    assert code == 1 and "a device, not a drafts file" in err
