"""Client-side token bucket that keeps us inside Lever's per-key rate limit.

Lever allows each API key 10 requests/s steady with bursts to 20. Two
limiters for one key in one process cause "429 storms", so every client using
the same key (against the same server) shares one ``RateLimiter`` from
``shared_limiter``. The registry is keyed by a salted hash of the key, never
the key itself.

The GUI runs a qasync loop while the sandbox and the tests run other loops and
threads, so the limiter binds no asyncio primitive to a loop: a reservation
(the time slot of the next request) is computed under a ``threading.Lock``,
and the caller sleeps until its slot in its own loop.

Defaults (see ``client_rate``): the server's burst but one token, then 97.5 %
of its steady rate. A key nobody has used for a couple of seconds has a full
bucket on the server, so a fresh limiter may spend nearly all of it at once: a
bootstrap of N requests then takes (N - burst + 1) / (0.975 rate), 3.8 % over
Lever's floor on 105 requests (half the burst at 95 % cost 18 %). The token
kept back is slack for the seconds right after the burst: Lever starts
counting when the first request arrives, which is later than we start (that
request also opens the connection, and a loaded machine adds more), so Lever
has refilled less than our limiter thinks; spending all 20 drew a 429 in half
of the runs on a busy machine, one token back drew none. At exactly the
server's rate, jitter in arrival times draws 429s; 2.5 % headroom gives the
server's bucket 0.25 token/s of slack, so after a burst it climbs back to
full within ~80 s and then absorbs any jitter short of ~2 s.

When the server's bucket is not full after all (another process, or a client
in this process whose limiter was released, just used the key), the burst
meets 429s; the adaptive handling below takes over and costs one congestion
event: the burst credit is gone and the rate climbs back from half.

On a 429 the limiter cuts its rate in half (once per congestion event),
drops any burst credit, pauses the whole bucket for ``Retry-After`` when the
server sent one, then regains the configured rate additively (5 % of it per
second) — AIMD, as in TCP.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import threading
import time
import weakref
from typing import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]

HEADROOM = 0.975  # share of the server's steady rate we aim for
BURST_SHARE = 1.0  # share of the server's burst a full (idle) bucket may spend
BURST_RESERVE = 1  # tokens of it left unspent: slack for arrival jitter right after the burst
DECREASE = 0.5  # multiplicative decrease on a 429
MIN_RATE_SHARE = 0.1  # never slower than this share of the configured rate
RECOVERY_SHARE = 0.05  # configured-rate share regained per second after a cut
MAX_PAUSE = 60.0  # longest Retry-After pause imposed on the whole bucket


def client_rate(server_rate: float, server_burst: float) -> tuple[float, float]:
    """Our steady rate and burst for a server bucket of ``server_rate``/s, ``server_burst``."""
    return server_rate * HEADROOM, max(1.0, float(int(server_burst * BURST_SHARE) - BURST_RESERVE))


class RateLimiter:
    """A token bucket with reservations, an adaptive rate and pauses. Thread-safe."""

    def __init__(self, rate: float, burst: float, *, clock: Clock = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._max_rate = 0.0
        self._burst = 0.0
        self.configure(rate, burst)
        self._tokens = self._burst
        self._updated = clock()  # tokens are counted up to here; in the future while paused
        self._cut_rate: float | None = None  # rate right after the last cut (None: not cut)
        self._cut_at = 0.0  # when recovery from the last cut starts
        self._last_cut = float("-inf")
        self._shift = 0.0  # total pause imposed on reservations already handed out

    def configure(self, rate: float, burst: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        with self._lock:
            self._max_rate = float(rate)
            self._burst = float(burst)

    @property
    def configured(self) -> tuple[float, float]:
        return self._max_rate, self._burst

    @property
    def rate(self) -> float:
        """The rate in force now (below the configured one while recovering from a 429)."""
        with self._lock:
            return self._rate_at(self._clock())

    def _rate_at(self, t: float) -> float:
        if self._cut_rate is None:
            return self._max_rate
        recovered = self._cut_rate + self._max_rate * RECOVERY_SHARE * max(0.0, t - self._cut_at)
        return min(self._max_rate, recovered)

    def _refill(self, now: float) -> None:
        if now <= self._updated:
            return
        # The rate moves linearly while recovering: the mean of both ends is exact
        # within one recovery segment and close enough across its end.
        mean_rate = (self._rate_at(self._updated) + self._rate_at(now)) / 2
        self._tokens = min(self._burst, self._tokens + (now - self._updated) * mean_rate)
        self._updated = now
        if self._cut_rate is not None and self._rate_at(now) >= self._max_rate:
            self._cut_rate = None

    def reserve(self) -> tuple[float, float, float]:
        """Take the next slot: (delay from now, slot time, pause total at reservation)."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            base = max(now, self._updated)
            self._tokens -= 1
            wait = -self._tokens / self._rate_at(base) if self._tokens < 0 else 0.0
            slot = base + wait
            return slot - now, slot, self._shift

    async def acquire(self, sleep: Sleep = asyncio.sleep) -> float:
        """Wait for a slot in the caller's loop; returns the slot time (for ``on_rate_limited``)."""
        delay, slot, shift = self.reserve()
        while True:
            if delay > 0:
                await sleep(delay)
            with self._lock:
                # A pause imposed while we slept moves our slot back by as much.
                delay, shift = self._shift - shift, self._shift
            if delay <= 0:
                return slot
            slot += delay

    def on_rate_limited(self, retry_after: float | None = None, sent_at: float | None = None) -> None:
        """Lever answered 429 to a request sent at ``sent_at`` (a slot from ``acquire``)."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            # The server's bucket is empty: spend no burst credit until it refills.
            self._tokens = min(self._tokens, 0.0)
            if retry_after is not None and retry_after > 0:
                until = now + min(retry_after, MAX_PAUSE)
                if until > self._updated:
                    self._shift += until - max(now, self._updated)
                    self._updated = until
            # Requests already in flight when we cut report the same congestion: cut once.
            if sent_at is None or sent_at >= self._last_cut:
                current = self._rate_at(now)
                self._cut_rate = max(self._max_rate * MIN_RATE_SHARE, current * DECREASE)
                self._cut_at = max(now, self._updated)
                self._last_cut = now

    def __repr__(self) -> str:
        return f"RateLimiter(rate={self._max_rate:g}, burst={self._burst:g})"


_SALT = os.urandom(16)
_registry: "weakref.WeakValueDictionary[str, RateLimiter]" = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()


def limiter_id(api_key: str, origin: str) -> str:
    """Registry key: a salted hash, so not even the registry holds the API key."""
    return hmac.new(_SALT, f"{origin}\0{api_key}".encode(), hashlib.sha256).hexdigest()


def shared_limiter(api_key: str, origin: str, rate: float, burst: float) -> RateLimiter:
    """The one limiter for ``api_key`` on ``origin`` (scheme://host:port) in this process.

    Sandboxes on different ports have separate buckets, hence the origin. The
    last configuration wins when clients ask for different rates.
    """
    ident = limiter_id(api_key, origin)
    with _registry_lock:
        limiter = _registry.get(ident)
        if limiter is None:
            limiter = RateLimiter(rate, burst)
            _registry[ident] = limiter
        elif limiter.configured != (rate, burst):
            limiter.configure(rate, burst)
        return limiter
