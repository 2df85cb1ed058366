"""Lever's rate limit: a token bucket per API key (10 requests/s, bursts to 20)."""

from __future__ import annotations

import threading
import time


class TokenBucket:
    def __init__(self, rate: float, burst: int, clock=time.monotonic) -> None:
        self.rate, self.burst = float(rate), int(burst)
        self._clock = clock
        self._tokens = float(burst)
        self._at = clock()
        self._lock = threading.Lock()

    def take(self) -> bool:
        """Spend one token if there is one; False means answer 429."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens >= 1.0:
                self._tokens -= 1.0
                return True
            return False


class RateLimiter:
    """One bucket per API key, all sharing the same rate and burst."""

    def __init__(self, rate: float = 10.0, burst: int = 20, *, retry_after: bool = False) -> None:
        self.rate, self.burst, self.retry_after = rate, burst, retry_after
        self._buckets: dict[str, TokenBucket] = {}
        self._lock = threading.Lock()

    def configure(self, rate: float | None = None, burst: int | None = None, retry_after: bool | None = None) -> None:
        with self._lock:
            self.rate = self.rate if rate is None else float(rate)
            self.burst = self.burst if burst is None else int(burst)
            self.retry_after = self.retry_after if retry_after is None else bool(retry_after)
            self._buckets.clear()  # new limits start with a full bucket

    def allow(self, key: str) -> bool:
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(self.rate, self.burst)
        return bucket.take()

    def seconds_until_token(self) -> int:
        return max(1, int(1 / self.rate + 0.999)) if self.rate > 0 else 1
