"""What the Lever client's unit tests share: a fake key, the base URL and a fake clock.

Nothing here really sleeps: the limiter, the backoff and Retry-After waits all
go through ``FakeClock.sleep``, which only moves the clock forward and records
the wait.
"""

from __future__ import annotations

API_KEY = "lk_test_9f8e7d6c5b4a39281706"
BASE = "https://api.lever.co/v1"


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
