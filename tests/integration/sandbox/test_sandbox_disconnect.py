"""A client killed while sending a POST body: a quiet debug line, no traceback, nothing stored."""

from __future__ import annotations

import base64
import logging
import socket
import threading
from urllib.parse import urlsplit

import httpx
import pytest

WATCHED = ("lever_desktop.sandbox", "uvicorn.error")


class _Outcome(logging.Handler):
    """Sets ``done`` once the sandbox has dealt with the request: its debug line, or any error."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.done = threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or "disconnected" in record.getMessage():
            self.done.set()


@pytest.fixture
def outcome(caplog):
    caplog.set_level(logging.DEBUG, logger="lever_desktop.sandbox")
    handler = _Outcome()
    for name in WATCHED:
        logging.getLogger(name).addHandler(handler)
    yield handler
    for name in WATCHED:
        logging.getLogger(name).removeHandler(handler)


def _send_half_a_post(sandbox, path: str, body: bytes) -> None:
    """Headers promising the whole body, half of it, then the socket closes (a killed client)."""
    url = urlsplit(sandbox.base_url)
    auth = base64.b64encode(f"{sandbox.api_key}:".encode()).decode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {url.netloc}\r\nAuthorization: Basic {auth}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    with socket.create_connection((url.hostname, url.port), timeout=5) as s:
        s.sendall(head + body[: len(body) // 2])


def test_a_feedback_post_cut_off_mid_body_is_dropped_quietly(sandbox, outcome, caplog):
    with httpx.Client(base_url=sandbox.admin_url, timeout=10) as admin:
        ex = admin.get("/examples").json()["everyFieldTypeInterview"]
        before = admin.get(f"/feedback/{ex['opportunityId']}").json()
        body = b'{"baseTemplateId": "%s", "completedAt": 1760000000000, "fieldValues": []}' % ex["templateId"].encode()
        _send_half_a_post(
            sandbox, f"/v1/opportunities/{ex['opportunityId']}/feedback?perform_as={ex['interviewerId']}", body
        )
        assert outcome.done.wait(10), "the sandbox never noticed the client going away"
        after = admin.get(f"/feedback/{ex['opportunityId']}").json()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert any(r.levelno == logging.DEBUG and "disconnected" in r.getMessage() for r in caplog.records)
    assert after == before  # nothing stored, not even an unsubmitted draft


def test_an_admin_post_cut_off_mid_body_changes_nothing(sandbox, outcome, caplog):
    with httpx.Client(base_url=sandbox.admin_url, timeout=10) as admin:
        _send_half_a_post(sandbox, "/_sandbox/faults", b'{"spec": "status=503,method=GET,path=*,count=1"}')
        assert outcome.done.wait(10), "the sandbox never noticed the client going away"
        faults = admin.get("/faults").json()
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert faults == []
