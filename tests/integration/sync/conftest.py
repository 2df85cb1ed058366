"""Fixtures of the sync tests: a real cache file in the test's own basedir."""

from __future__ import annotations

import pytest

from lever_desktop.store import Store


@pytest.fixture
def store():
    s = Store.open()
    yield s
    s.close()
