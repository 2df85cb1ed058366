"""What keeps one slow or noisy client from taking the relay down.

Anyone may open a connection to ``/lever/webhooks``, so the relay bounds what a connection may
hold: a deadline for the request head (uvicorn has none: a client sending one header byte every
few seconds kept its socket forever), a cap on open connections below the process's open-file
limit (past it, ``accept()`` fails, the health check times out and every failure logs a
traceback), and a rate limit on warning and error log lines. The body deadline lives in the
app (``server._read_json_object``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

FD_RESERVE = 100  # descriptors kept for the database (pool + WAL files), logs, the listening socket
# asyncio accepts up to the listen backlog in one go before any connection_made (and so before any
# shedding) runs: that many descriptors must stay free on top of the cap, or accept() hits EMFILE
# and asyncio stops accepting for a whole second — the health check with it.
ACCEPT_BURST = 64
DEFAULT_MAX_CONNECTIONS = 1000
MAX_HEADER_BYTES = 16 * 1024  # h11's limit on a request head (request line + headers)


def connection_cap(wanted: int = DEFAULT_MAX_CONNECTIONS) -> int:
    """``wanted``, lowered to fit the open-file limit (at least 16)."""
    # (FD_RESERVE + ACCEPT_BURST below: the database, logs and one accept burst always fit.)
    try:
        import resource
    except ImportError:  # Windows: no RLIMIT_NOFILE; its select-free loop has no such limit
        return wanted
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return wanted
    return max(16, min(wanted, soft - FD_RESERVE - ACCEPT_BURST))


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol with a request-head deadline and a connection cap.

    At the cap, the connection that has waited longest *without a request in progress* is shed
    (slow-header clients first, idle keep-alives next); requests being served — a long poll, a
    body being read — are never cut. So a fresh health check still gets in while hundreds of
    slow connections are open; only when every connection is busy is the new one refused.
    """

    header_timeout: float = 10.0
    max_connections: int = DEFAULT_MAX_CONNECTIONS

    def connection_made(self, transport: Any) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._idle_since = time.monotonic()
        self._head_deadline = None
        self._arm_head_deadline()
        if len(self.connections) > self.max_connections:
            self._shed_one()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._idle_since = time.monotonic()
        self._arm_head_deadline()  # the keep-alive timer alone restarts on every trickled byte

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        super().connection_lost(exc)

    def _waiting_for_head(self) -> bool:
        return self.cycle is None or self.cycle.response_complete

    def _arm_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
        cycle = self.cycle
        self._head_deadline = self.loop.call_later(self.header_timeout, self._head_overdue, cycle)

    def _head_overdue(self, cycle_when_armed: Any) -> None:
        self._head_deadline = None
        # A new cycle means a request head arrived in time; its body has the app's own deadline.
        if self.cycle is cycle_when_armed and self._waiting_for_head() and not self.transport.is_closing():
            self.transport.abort()

    def _shed_one(self) -> None:
        idle = [
            c
            for c in self.connections
            if isinstance(c, GuardedH11Protocol) and c._waiting_for_head() and not c.transport.is_closing()
        ]
        victim = min(idle, key=lambda c: c._idle_since, default=self)
        victim.transport.abort()  # abort, not close: the descriptor is free at once


class RateLimitFilter(logging.Filter):
    """At most ``burst`` lines per message template per ``period`` s at WARNING and above.

    A flood (hundreds of slow connections, a full disk) otherwise writes the same traceback
    thousands of times. The first line after a quiet spell says how many were suppressed.
    """

    def __init__(self, burst: int = 20, period: float = 60.0, clock=time.monotonic) -> None:
        super().__init__()
        self.burst, self.period, self.clock = burst, period, clock
        self._windows: dict[tuple[str, Any], list] = {}  # key -> [window start, count, suppressed]

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        key = (record.name, record.msg)
        now = self.clock()
        window = self._windows.get(key)
        if window is None or now - window[0] >= self.period:
            suppressed = window[2] if window else 0
            if len(self._windows) > 1000:  # many distinct messages: forget the old windows
                self._windows.clear()
            self._windows[key] = [now, 1, 0]
            if suppressed:
                record.msg = f"{record.msg} ({suppressed} similar lines suppressed)"
            return True
        if window[1] < self.burst:
            window[1] += 1
            return True
        window[2] += 1
        return False


def rate_limit_logs(burst: int = 20, period: float = 60.0) -> RateLimitFilter:
    """Install one ``RateLimitFilter`` on every handler of the root logger."""
    flt = RateLimitFilter(burst, period)
    for handler in logging.getLogger().handlers:
        handler.addFilter(flt)
    return flt
