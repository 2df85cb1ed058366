"""The one uvicorn starter: serves on a thread, stops promptly by releasing long polls first."""

from __future__ import annotations

import asyncio
import concurrent.futures
import socket
import threading
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from lever_desktop.serving import ThreadedServer


def _long_poll_app(entered: threading.Event) -> tuple[Starlette, list[asyncio.Event]]:
    """A route that waits until released, like the relay's feed under ``wait=``."""
    releases: list[asyncio.Event] = []

    async def feed(_request):
        release = asyncio.Event()
        releases.append(release)
        entered.set()
        await release.wait()
        return PlainTextResponse("released")

    async def ping(_request):
        return PlainTextResponse("pong")

    return Starlette(routes=[Route("/feed", feed), Route("/ping", ping)]), releases


def test_serves_on_loopback_and_stops():
    app, _ = _long_poll_app(threading.Event())
    server = ThreadedServer(app, name="test-server", title="test server")
    port = server.start()
    try:
        assert server.running
        assert httpx.get(f"http://127.0.0.1:{port}/ping").text == "pong"
    finally:
        server.stop()
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/ping")


def test_stop_releases_a_waiting_long_poll_before_shutting_down():
    """Without ``on_exit`` on the server's loop the reader is cut off after the graceful timeout."""
    entered = threading.Event()
    app, releases = _long_poll_app(entered)
    server = ThreadedServer(
        app,
        name="test-server",
        title="test server",
        on_exit=lambda: [r.set() for r in releases],
        timeout_graceful_shutdown=30,
    )
    port = server.start()
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        reply = pool.submit(httpx.get, f"http://127.0.0.1:{port}/feed", timeout=30)
        assert entered.wait(10)
        t0 = time.monotonic()
        server.stop()
        assert reply.result(10).text == "released"
    assert time.monotonic() - t0 < 10  # not the 30 s graceful timeout


@pytest.mark.logs_warnings("uvicorn logs the port in use")
def test_a_port_in_use_is_a_clear_error():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        app, _ = _long_poll_app(threading.Event())
        server = ThreadedServer(app, name="test-server", title="test server", port=port)
        with pytest.raises(RuntimeError, match=f"the test server could not start on 127.0.0.1:{port}"):
            server.start()
        assert not server.running
