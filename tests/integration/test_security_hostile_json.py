"""Deeply nested JSON (a cheap way to exhaust Python's recursion limit) is refused as bad input.

The relay's webhook endpoint is public (Lever sends no token), so it must answer 400 — not 503,
which asks the sender to retry — and keep serving; the app's own parsers say "not valid JSON".
"""

from __future__ import annotations

import httpx

DEEP = "[" * 100_000 + "]" * 100_000


def test_the_relay_refuses_deeply_nested_json_as_a_bad_request(relay):
    body = '{"event": "candidateStageChange", "data": ' + DEEP + "}"
    for path, headers in (("/lever/webhooks", {}), ("/drafts", relay.ingest_headers())):
        resp = httpx.post(relay.url + path, content=body, headers={**headers, "content-type": "application/json"})
        assert resp.status_code == 400 and resp.json()["error"] == "invalid-json", resp.text
    assert httpx.get(relay.url + "/healthz").status_code == 200
    feed = httpx.get(relay.feed_url, params={"after": 0, "wait": 0}, headers=relay.reader_headers())
    assert feed.status_code == 200 and feed.json()["items"] == []
    assert "Traceback" not in relay.log_text()  # a refusal line, not an error with a stack
