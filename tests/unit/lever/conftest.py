"""Fixtures for the Lever client's unit tests: a fake clock and clients wired to it."""

from __future__ import annotations

import pytest

from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.ratelimit import RateLimiter
from lever_desktop.lever.retry import RetryPolicy
from tests.unit.lever.lever_support import API_KEY, BASE, FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def make_client(clock):
    """Build clients on the fake clock (fast limiter unless one is given); all closed at teardown."""
    made: list[LeverClient] = []

    def make(**kw) -> LeverClient:
        kw.setdefault("base_url", BASE)
        kw.setdefault("limiter", RateLimiter(1000.0, 1000, clock=clock))
        kw.setdefault("retry", RetryPolicy(rng=lambda: 1.0, wall_clock=lambda: 1_700_000_000.0))
        kw.setdefault("sleep", clock.sleep)
        client = LeverClient(kw.pop("api_key", API_KEY), **kw)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.aclose()


@pytest.fixture
def client(make_client) -> LeverClient:
    return make_client()
