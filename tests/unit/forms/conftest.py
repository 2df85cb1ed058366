"""Realistic template and draft shapes (LEVER_API.md) shared by the form-domain tests."""

from __future__ import annotations

from helpers.form_fixtures import (  # noqa: F401  (tests/ is on sys.path: helpers/)
    every_type_draft,
    every_type_template,
    phone_screen_template,
    unknown_type_template,
)
