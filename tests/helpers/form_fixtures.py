"""Realistic feedback templates and an AI draft (LEVER_API.md shapes) for the form tests,
domain and widgets alike; both conftests import these fixtures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


@pytest.fixture
def every_type_template() -> dict[str, Any]:
    return load_fixture("templates/every_type.json")


@pytest.fixture
def every_type_draft() -> dict[str, Any]:
    return load_fixture("drafts/every_type_draft.json")


@pytest.fixture
def unknown_type_template() -> dict[str, Any]:
    return load_fixture("templates/unknown_type.json")


@pytest.fixture
def phone_screen_template() -> dict[str, Any]:
    return load_fixture("templates/phone_screen.json")
