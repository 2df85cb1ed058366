"""Drafting tests: a real store seeded like a sync (review_seed), and no provider variables from the
machine running the tests."""

from __future__ import annotations

import pytest
from helpers.review_seed import seeded_store

PROVIDER_VARIABLES = (
    "ANTHROPIC_API_KEY",
    "ANTHROPIC_BASE_URL",
    "ANTHROPIC_BEDROCK_BASE_URL",
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "AZURE_OPENAI_ENDPOINT",
    "AZURE_OPENAI_API_KEY",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
)


@pytest.fixture(autouse=True)
def _no_provider_environment(monkeypatch):
    for var in PROVIDER_VARIABLES:
        monkeypatch.delenv(var, raising=False)


store = pytest.fixture(seeded_store)
