"""Fixtures of the review tests against the sandbox: a fast client, and a store primed like a sync."""

from __future__ import annotations

import pytest
from helpers.review_sandbox import fast_client, find_targets, prime_cache, template_named

from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.retry import RetryPolicy
from lever_desktop.store import Store


@pytest.fixture
async def lever(sandbox):
    client = fast_client(sandbox.api_key, sandbox.base_url)
    yield client
    await client.aclose()


@pytest.fixture
async def world(sandbox, lever):
    """A store primed like a sync leaves it, interview targets, the every-field-type template."""
    store = Store.open()
    targets = await find_targets(lever, 4)
    await prime_cache(lever, store, sorted({t.opportunity_id for t in targets}))
    every = await template_named(lever, "Every field type")
    yield store, targets, every
    store.close()


@pytest.fixture
async def impatient(sandbox):
    """A client that gives up on an answer long before a slow Lever stores the request."""
    client = LeverClient(
        sandbox.api_key,
        base_url=sandbox.base_url,
        rate=100_000.0,
        burst=100_000,
        timeout=0.2,
        retry=RetryPolicy(backoff_base=0.01, backoff_cap=0.05),
    )
    yield client
    await client.aclose()
