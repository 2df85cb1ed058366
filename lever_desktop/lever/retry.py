"""When a request to Lever is tried again, and how long to wait first.

GET is idempotent: it is retried on 429, 500/502/503/504, connection errors,
timeouts and resets. A POST/PUT/DELETE is retried only when Lever certainly
did not act on it — a 429, or a connection that failed before the request
left — because feedback POSTs are not idempotent: a blind retry after a
timeout can create the form twice.

429s are not failures of a GET: colleagues sharing the API key may only slow
a sync down, never fail it. A GET waits them out for as long as it takes
(``rate_limit_deadline`` bounds that, or the caller cancels); a write still
gives up after ``max_attempts``, and the outbox tries again later.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# The connection failed before any byte of the request went out.
NOT_SENT_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Worth another try for an idempotent request (covers the above too).
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.TimeoutException,
    httpx.NetworkError,
    httpx.RemoteProtocolError,
)


@dataclass
class RetryPolicy:
    max_attempts: int = 5
    backoff_base: float = 0.5  # seconds; doubles per attempt
    backoff_cap: float = 30.0
    max_retry_after: float = 60.0  # a longer Retry-After is not waited for: the error goes up
    # A 429 without Retry-After: the limiter already paces the retry one refill interval
    # later; this extra wait (full jitter) doubles with each 429 in a row, up to one refill
    # of Lever's burst (20 tokens at 10/s), so a request stuck behind colleagues backs off.
    limited_backoff_base: float = 0.1
    limited_backoff_cap: float = 2.0
    rate_limit_deadline: float | None = None  # seconds a GET waits out 429s; None: until cancelled
    rng: Callable[[], float] = field(default=random.random)
    wall_clock: Callable[[], float] = field(default=time.time)  # for HTTP-date Retry-After
    clock: Callable[[], float] = field(default=time.monotonic)  # for rate_limit_deadline

    def backoff(self, attempt: int) -> float:
        """Exponential backoff with full jitter before retry number ``attempt`` (1-based)."""
        return self.rng() * min(self.backoff_cap, self.backoff_base * 2 ** (attempt - 1))

    def limited_backoff(self, in_a_row: int) -> float:
        """Extra wait after the ``in_a_row``-th 429 in a row without Retry-After (full jitter)."""
        return self.rng() * min(self.limited_backoff_cap, self.limited_backoff_base * 2 ** (in_a_row - 1))

    def retry_after(self, response: httpx.Response) -> float | None:
        """``Retry-After`` in seconds (delta-seconds or an HTTP date), None when absent/garbled."""
        value = response.headers.get("retry-after")
        if not value:
            return None
        value = value.strip()
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        return max(0.0, when.timestamp() - self.wall_clock())


def idempotent(method: str) -> bool:
    return method.upper() in {"GET", "HEAD", "OPTIONS"}
