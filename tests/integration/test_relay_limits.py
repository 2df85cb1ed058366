"""Slow and greedy clients against a real relay process: deadlines, the connection cap, quiet logs."""

from __future__ import annotations

import logging
import socket
import threading
import time

import httpx
from helpers.relay_fixtures import wait_for_reader

from lever_desktop.relay.limits import RateLimitFilter


def _connect(url: str) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    s = socket.create_connection((host, int(port)), timeout=10)
    return s


def _closed_by_server(s: socket.socket, within: float) -> bool:
    """True when the relay closes (or resets) the connection within ``within`` seconds."""
    s.settimeout(within)
    try:
        while True:
            data = s.recv(4096)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except TimeoutError:
        return False


def test_a_request_head_that_never_ends_is_cut_off(relay_factory):
    relay = relay_factory(None, "--header-timeout", "1")
    s = _connect(relay.url)
    s.sendall(b"GET /healthz HTTP/1.1\r\nHost: relay\r\n")  # ...and the blank line never comes
    started = time.monotonic()

    def trickle():  # a byte now and then used to keep the socket open forever
        for _ in range(20):
            try:
                s.sendall(b"X")
            except OSError:
                return
            time.sleep(0.2)

    threading.Thread(target=trickle, daemon=True).start()
    assert _closed_by_server(s, within=5)
    assert time.monotonic() - started < 3
    s.close()


def test_a_body_that_trickles_is_refused_with_408(relay_factory):
    relay = relay_factory(None, "--body-timeout", "1")
    s = _connect(relay.url)
    s.sendall(
        b"POST /lever/webhooks HTTP/1.1\r\nHost: relay\r\nContent-Type: application/json\r\n"
        b'Content-Length: 100\r\n\r\n{"a":'
    )
    s.settimeout(5)
    answer = s.recv(4096)
    assert answer.startswith(b"HTTP/1.1 408"), answer
    s.close()
    assert httpx.get(relay.feed_url, params={"after": 0}, headers=relay.reader_headers()).json()["items"] == []


def test_at_the_connection_cap_the_longest_idle_connection_makes_room(relay_factory):
    relay = relay_factory(None, "--max-connections", "20", "--header-timeout", "60")
    waiting: dict = {}

    def long_poll():  # a request in progress is never shed
        waiting["resp"] = httpx.get(
            relay.feed_url, params={"after": 0, "wait": 20}, headers=relay.reader_headers(), timeout=30
        )

    reader = threading.Thread(target=long_poll)
    reader.start()
    wait_for_reader(relay, reader)
    slow = []
    for _ in range(60):
        s = _connect(relay.url)
        s.sendall(b"GET /healthz HTTP/1.1\r\n")
        slow.append(s)
    started = time.monotonic()
    health = httpx.get(relay.url + "/healthz", timeout=5)
    assert health.status_code == 200 and health.json()["waiting"] == 1
    assert time.monotonic() - started < 1.0
    assert _closed_by_server(slow[0], within=2)  # the oldest slow ones made room
    assert (
        httpx.post(
            relay.url + "/lever/webhooks", json={"event": "e", "token": "t", "signature": "s", "triggeredAt": 1}
        ).status_code
        == 200
    )
    reader.join(timeout=30)
    assert waiting["resp"].status_code == 200 and len(waiting["resp"].json()["items"]) == 1
    for s in slow:
        s.close()
    assert "Traceback" not in relay.log_text()


def test_error_logs_are_rate_limited_per_message():
    now = [0.0]
    flt = RateLimitFilter(burst=3, period=60.0, clock=lambda: now[0])

    def rec(msg: str, level: int = logging.ERROR) -> logging.LogRecord:
        return logging.LogRecord("lever_desktop.relay.server", level, __file__, 1, msg, (), None)

    passed = [flt.filter(rec("relay: %s %s failed")) for _ in range(100)]
    assert passed.count(True) == 3
    assert flt.filter(rec("another message"))  # counted separately
    assert all(flt.filter(rec("request", logging.INFO)) for _ in range(50))  # info is never limited
    now[0] = 61.0
    again = rec("relay: %s %s failed")
    assert flt.filter(again) and "97 similar lines suppressed" in again.msg
