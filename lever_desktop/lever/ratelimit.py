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
meets a 429. Lever's bucket refills at its own rate whatever we do, so a 429
is evidence about the bucket, not a verdict on our rate:

- Any 429 drops our burst credit (the server's bucket is empty) and moves the
  next slot back by a random 0-``JITTER`` intervals, so processes that met the
  same empty bucket do not come back in step.
- The 429s of one congestion epoch count once. An epoch starts with a 429 and
  covers every request sent before ``max(EPOCH_MIN, EPOCH_SLOTS intervals)``
  later; the retries of a request that met a 429 belong to its epoch however
  long it keeps meeting them (the client passes ``first_sent_at``).
- The first epoch after a calm spell does not cut the rate: alone on the key,
  our 97.5 % pace lets Lever's bucket refill, so a storm of 429s on one request
  costs the burst credit and a few waits, not a slow climb back. Only a 429 in
  a new epoch within ``SUSTAINED`` seconds of the previous one is sustained
  contention, and cuts the rate once: to ``GOODPUT_SHARE`` of the rate we were
  actually served since the previous epoch (the server's bucket was empty at
  both ends, so that is our share of it), within [``DECREASE_MIN``,
  ``DECREASE``] of the current rate. Several processes cutting to what each was
  served bring the key's total below Lever's rate in one step.
- After a cut the rate grows by ``PROBE`` of the configured rate per second,
  faster as the spell without a 429 lengthens (x(1 + (calm / ``CALM``)^2)):
  a fifth of the old 5 %/s at first, so ten processes probing at once overrun
  the key less often, yet a limiter left alone is back at full rate within
  about 30 s of the contention ending. The same additive growth for everyone,
  with cuts in proportion to each one's rate, pulls the shares of processes on
  one key together (AIMD); growth in proportion to each one's own rate would
  keep a process cut deep early on behind for the whole walk.
- ``Retry-After`` pauses every request for the key (up to ``MAX_PAUSE``).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import random
import threading
import time
import weakref
from collections.abc import Awaitable, Callable

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[object]]

HEADROOM = 0.975  # share of the server's steady rate we aim for
BURST_SHARE = 1.0  # share of the server's burst a full (idle) bucket may spend
BURST_RESERVE = 1  # tokens of it left unspent: slack for arrival jitter right after the burst
JITTER = 2.0  # a 429 moves the next slot back by up to this many intervals (random)
EPOCH_MIN = 0.2  # seconds: a congestion epoch lasts at least this long...
EPOCH_SLOTS = 2.0  # ...and at least this many intervals at the rate in force after it
SUSTAINED = 10.0  # a new epoch this soon after the previous one is sustained contention: cut
GOODPUT_SHARE = 0.8  # a cut aims at this share of the rate the server gave us since the last epoch
DECREASE = 0.5  # a cut keeps at most this share of the rate...
DECREASE_MIN = 0.25  # ...and at least this share
MIN_RATE_SHARE = 0.02  # never slower than this share of the configured rate (50 processes on a key)
PROBE = 0.01  # after a cut, the rate grows by this share of the configured rate per second...
CALM = 10.0  # ...times 1 + (seconds since the last 429 / CALM)^2
MAX_PAUSE = 60.0  # longest Retry-After pause imposed on the whole bucket


def client_rate(server_rate: float, server_burst: float) -> tuple[float, float]:
    """Our steady rate and burst for a server bucket of ``server_rate``/s, ``server_burst``."""
    return server_rate * HEADROOM, max(1.0, float(int(server_burst * BURST_SHARE) - BURST_RESERVE))


def share_of(sharing: int, server_rate: float = 10.0, server_burst: float = 20.0) -> tuple[float, float]:
    """Our rate and burst when ``sharing`` desktops walk on one key at once: an even share of its
    bucket (``relay/keyshare.py`` learns the count from the relay). One is ``client_rate`` itself."""
    n = max(1, sharing)
    return client_rate(server_rate / n, server_burst / n)


class RateLimiter:
    """A token bucket with reservations, an adaptive rate and pauses. Thread-safe."""

    def __init__(
        self, rate: float, burst: float, *, clock: Clock = time.monotonic, rng: Callable[[], float] = random.random
    ) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._rng = rng
        self._max_rate = float(rate)
        self._burst = float(burst)
        self._rate = float(rate)  # in force now (below the configured rate after a cut)
        self._tokens = float(burst)
        self._updated = clock()  # tokens are counted up to here; in the future while paused
        self._shift = 0.0  # total pause imposed on reservations already handed out
        self._last_429 = float("-inf")
        self._epoch_start = float("-inf")  # when the current congestion epoch began
        self._epoch_end = float("-inf")  # requests sent before this belong to it
        self._served = 0  # successful answers, all time
        self._served_at_epoch = 0  # ... when the current epoch began
        self.cuts = 0  # rate cuts so far (for tests and benchmarks)
        self.configure(rate, burst)

    def configure(self, rate: float, burst: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        with self._lock:
            self._refill(self._clock())  # what was earned until now, at the terms in force until now
            at_full = self._rate >= self._max_rate
            self._max_rate = float(rate)
            self._burst = float(burst)
            self._rate = self._max_rate if at_full else min(self._rate, self._max_rate)
            # Told to share the key: burst credit saved up for the whole bucket is not ours to spend.
            self._tokens = min(self._tokens, self._burst)

    @property
    def configured(self) -> tuple[float, float]:
        return self._max_rate, self._burst

    @property
    def rate(self) -> float:
        """The rate in force now (below the configured one while recovering from a cut)."""
        with self._lock:
            self._refill(self._clock())
            return self._rate

    def _refill(self, now: float) -> None:
        if now <= self._updated:
            return
        elapsed = now - self._updated
        start = self._rate
        if start < self._max_rate:
            calm = max(0.0, now - self._last_429)
            growth = self._max_rate * PROBE * (1 + (calm / CALM) ** 2)
            self._rate = min(self._max_rate, start + growth * elapsed)
        # The mean of both ends is exact while the rate moves linearly, close enough across a change.
        self._tokens = min(self._burst, self._tokens + elapsed * (start + self._rate) / 2)
        self._updated = now

    def reserve(self) -> tuple[float, float, float]:
        """Take the next slot: (delay from now, slot time, pause total at reservation)."""
        with self._lock:
            now = self._clock()
            self._refill(now)
            base = max(now, self._updated)
            self._tokens -= 1
            wait = -self._tokens / self._rate if self._tokens < 0 else 0.0
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

    def on_success(self) -> None:
        """Lever answered a request (anything but 429): counted to measure our share."""
        with self._lock:
            self._served += 1

    def on_rate_limited(
        self, retry_after: float | None = None, sent_at: float | None = None, *, first_sent_at: float | None = None
    ) -> None:
        """Lever answered 429 to a request sent at ``sent_at`` (a slot from ``acquire``).

        ``first_sent_at``: when this request's first attempt that met a 429 was
        sent, for a retry; its 429s then all belong to that attempt's epoch.
        """
        with self._lock:
            now = self._clock()
            self._refill(now)
            # The server's bucket is empty: spend no burst credit until it refills,
            # and come back at a random point of the next intervals.
            self._tokens = min(self._tokens, 0.0) - self._rng() * JITTER
            if retry_after is not None and retry_after > 0:
                until = now + min(retry_after, MAX_PAUSE)
                if until > self._updated:
                    self._shift += until - max(now, self._updated)
                    self._updated = until
            self._last_429 = now
            sent = first_sent_at if first_sent_at is not None else sent_at
            if sent is not None and sent < self._epoch_end:
                return  # the congestion this epoch already answered for
            if now - self._epoch_start < SUSTAINED:
                self._cut(now)
            self._epoch_start, self._served_at_epoch = now, self._served
            self._epoch_end = max(now, self._updated) + max(EPOCH_MIN, EPOCH_SLOTS / self._rate)

    def _cut(self, now: float) -> None:
        served = (self._served - self._served_at_epoch) / max(1e-3, now - self._epoch_start)
        target = min(self._rate * DECREASE, max(self._rate * DECREASE_MIN, served * GOODPUT_SHARE))
        self._rate = max(self._max_rate * MIN_RATE_SHARE, target)
        self.cuts += 1

    def __repr__(self) -> str:
        return f"RateLimiter(rate={self._max_rate:g}, burst={self._burst:g})"


_SALT = os.urandom(16)
_registry: weakref.WeakValueDictionary[str, RateLimiter] = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()


def limiter_id(api_key: str, origin: str) -> str:
    """Registry key: a salted hash, so not even the registry holds the API key."""
    return hmac.new(_SALT, f"{origin}\0{api_key}".encode(), hashlib.sha256).hexdigest()


def shared_identities() -> list[str]:
    """What the registry of shared limiters is keyed by (salted hashes, never a key)."""
    with _registry_lock:
        return list(_registry.keys())


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
