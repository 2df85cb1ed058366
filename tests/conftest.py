"""Shared fixtures: every test gets its own basedir and an in-memory keychain.

Tests never touch the real home directory, keychain or network (loopback only).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from lever_desktop import paths, secrets

# A logged warning fails the test (helpers/logfail.py); pytester tests that plugin.
pytest_plugins = ["helpers.logfail", "pytester"]


@pytest.fixture(autouse=True)
def _isolated_basedir(tmp_path, monkeypatch):
    base = tmp_path / "basedir"
    paths.set_basedir(base)
    secrets.use_memory_backend()
    for var in [v for v in os.environ if v.startswith("LEVER_") and v != "LEVER_TEST_PG_URL"]:
        monkeypatch.delenv(var, raising=False)
    yield base
    paths.set_basedir(None)
    secrets.use_backend(None)


from helpers.model_fixtures import sandbox_model, sandbox_model_factory  # noqa: E402,F401  (the sandbox model)
from helpers.relay_fixtures import pg_url, relay, relay_factory  # noqa: E402,F401  (tests/ is on sys.path: helpers/)
from helpers.sandbox_fixtures import sandbox, sandbox_factory  # noqa: E402,F401  (the Lever sandbox)
