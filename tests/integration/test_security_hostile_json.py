"""Deeply nested JSON (a cheap way to exhaust Python's recursion limit) is refused as bad input.

The relay's webhook endpoint is public (Lever sends no token), so it must answer 400 — not 503,
which asks the sender to retry — and keep serving; the app's own parsers say "not valid JSON".
"""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest

DEEP = "[" * 100_000 + "]" * 100_000


def test_the_relay_refuses_deeply_nested_json_as_a_bad_request(relay):
    body = '{"event": "candidateStageChange", "data": ' + DEEP + "}"
    # A webhook body has to fit in the webhook limit (16 KB) to be parsed at all.
    deep_webhook = '{"event": "candidateStageChange", "data": ' + "[" * 7000 + "]" * 7000 + "}"
    for path, headers, content in (("/lever/webhooks", {}, deep_webhook), ("/drafts", relay.ingest_headers(), body)):
        resp = httpx.post(relay.url + path, content=content, headers={**headers, "content-type": "application/json"})
        assert resp.status_code == 400 and resp.json()["error"] == "invalid-json", resp.text
    # Past it, an anonymous body is never parsed: only a bounded record of it is kept.
    set_aside = httpx.post(relay.url + "/lever/webhooks", content=body, headers={"content-type": "application/json"})
    assert set_aside.status_code == 200
    assert httpx.get(relay.url + "/healthz").status_code == 200
    feed = httpx.get(relay.feed_url, params={"after": 0, "wait": 0}, headers=relay.reader_headers())
    assert feed.status_code == 200
    assert [(i["kind"], i["body"]["reason"], i["body"]["size"]) for i in feed.json()["items"]] == [
        ("rejected", "oversize", len(body))
    ]
    assert "Traceback" not in relay.log_text()  # a refusal line, not an error with a stack


def test_the_app_parsers_call_deep_nesting_invalid_json():
    from lever_desktop.relay.feed import RelayError, parse_feed
    from lever_desktop.review.document import DraftDocumentError, load_documents, parse_draft

    with pytest.raises(DraftDocumentError, match="not valid JSON"):
        load_documents(DEEP)
    with pytest.raises(DraftDocumentError, match="expected a JSON object"):  # text is never parsed twice
        parse_draft(DEEP)
    with pytest.raises(RelayError, match="not JSON"):
        parse_feed(('{"items": ' + DEEP + "}").encode())


def test_drafts_import_of_deep_nesting_is_a_sentence(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(DEEP, encoding="utf-8")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
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
            str(path),
        ],
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 1 and "not valid JSON" in run.stderr and "unexpected" not in run.stderr, run.stderr
