"""Serving a starlette app with uvicorn: the one way, for the relay and the sandbox alike.

``lever-relay`` serves ``Server`` in the foreground; the sandbox, and the relay that
``lever-desktop --sandbox`` embeds, run a ``ThreadedServer`` on a background thread.
Either way a stop first runs ``on_exit`` on the server's own loop: the relay releases
its long-polling readers there, or shutdown would wait out their timeout.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable
from typing import Any

import uvicorn

# How long our servers keep an idle connection open: longer than a client keeps one in its pool (httpx: 5 s),
# so a client never sends a request on a connection the server is closing. At 5 s on both sides a request
# sent ~5 s after the last one (a submission after its 5 s Undo grace) could meet the close under load: a
# ReadError, logged as "Lever cannot be reached". 60 s is an AWS load balancer's default idle timeout.
KEEP_ALIVE_S = 60


def http_url(host: str, port: int) -> str:
    """The plain-HTTP address of a server on ``host``:``port`` (an IPv6 host in brackets)."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


class Server(uvicorn.Server):
    """Remembers its loop, so a stop requested from a signal or another thread can reach it."""

    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None] | None = None) -> None:
        super().__init__(config)
        self.on_exit = on_exit
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: Any = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets=sockets)

    def handle_exit(self, sig: int, frame: Any) -> None:  # Ctrl-C, SIGTERM
        super().handle_exit(sig, frame)
        self._release()

    def request_exit(self) -> None:
        """Stop from any thread: release what waits on the loop, then let uvicorn shut down."""
        self._release()
        self.should_exit = True

    def _release(self) -> None:
        if self.on_exit is not None and self.loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is already closed: nothing waits
                self.loop.call_soon_threadsafe(self.on_exit)


class ThreadedServer:
    """``app`` served on a daemon thread; ``start()`` returns once it listens, ``stop()`` joins it.

    One use: to serve again (the sandbox's stop-then-start on the same port), make another.
    """

    def __init__(
        self,
        app: Any,
        *,
        name: str,
        title: str,
        host: str = "127.0.0.1",
        port: int = 0,
        on_exit: Callable[[], None] | None = None,
        **options: Any,
    ) -> None:
        """``name``: the thread's; ``title``: what a person reads ("the Lever sandbox could not start")."""
        settings = {
            "log_config": None,
            "access_log": False,
            "log_level": "warning",
            "lifespan": "on",
            "http": "h11",
            "loop": "asyncio",
            "ws": "none",
            "timeout_graceful_shutdown": 1,
            "timeout_keep_alive": KEEP_ALIVE_S,
            **options,
        }
        self.title, self.host = title, host
        self.server = Server(uvicorn.Config(app, host=host, port=port, **settings), on_exit)
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    @property
    def port(self) -> int:
        return self.server.servers[0].sockets[0].getsockname()[1]

    def _serve(self) -> None:
        try:
            self.server.run()
        except SystemExit:  # uvicorn exits when it cannot listen: start() says so in one line
            pass

    def start(self, timeout: float = 15.0) -> int:
        """Start serving and return the port it listens on; raises ``RuntimeError`` if it cannot."""
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:  # uvicorn's own flag, polled with a deadline (never on the GUI thread)
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.server.should_exit = True
                self._thread.join(5)
                raise RuntimeError(f"the {self.title} could not start on {self.host}:{self.server.config.port}")
            time.sleep(0.01)
        return self.port

    def stop(self, timeout: float = 15.0) -> None:
        if not self._thread.is_alive():
            return
        self.server.request_exit()
        self._thread.join(timeout)
        if self._thread.is_alive():
            self.server.force_exit = True
            self._thread.join(timeout)
