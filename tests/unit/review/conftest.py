"""A real store (SQLite file) with a small cache seeded the way a sync would leave it."""

from __future__ import annotations

import pytest
from helpers.review_seed import seed

from lever_desktop.store import Store


@pytest.fixture
def store():
    s = Store.open()
    s.call_sync(seed)
    yield s
    s.close()
