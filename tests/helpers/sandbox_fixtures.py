"""Pytest fixtures for the Lever sandbox (imported by tests/conftest.py).

``sandbox``: a fresh, small sandbox per test (50 opportunities, seed 1) whose rate limit
is raised so tests are fast; tests of the limit set ``rate``/``burst`` explicitly
through ``sandbox_factory(**options)`` (any ``SandboxServer`` keyword).
"""

from __future__ import annotations

import pytest

from lever_desktop.sandbox.server import SandboxServer

FAST_DEFAULTS = {
    "opportunities": 50,
    "seed": 1,
    "rate": 100_000.0,
    "burst": 100_000,
    "webhook_retry_gaps": (0.05, 0.1, 0.15, 0.2, 0.25),
}


@pytest.fixture
def sandbox_factory():
    started: list[SandboxServer] = []

    def make(**options) -> SandboxServer:
        server = SandboxServer(**{**FAST_DEFAULTS, **options})
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def sandbox(sandbox_factory) -> SandboxServer:
    return sandbox_factory()
