"""Feedback-form widgets under pytest-qt: a factory that builds a shown form from fields."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.form_fixtures import every_type_draft, every_type_template  # noqa: F401  (tests/ is on sys.path: helpers/)

from lever_desktop.forms import FeedbackForm
from lever_desktop.ui.forms import FeedbackFormWidget


@pytest.fixture
def make_form(qtbot):
    """Build and show a FeedbackFormWidget from a template (or a list of field definitions)."""

    def make(template: dict[str, Any] | list[dict[str, Any]], draft: dict[str, Any] | None = None,
             threshold: float = 0.6) -> FeedbackFormWidget:
        if isinstance(template, list):
            template = {"id": "t", "text": "Test form", "fields": template}
        form = FeedbackForm.from_template(template)
        if draft is not None:
            form.apply_draft(draft)
        widget = FeedbackFormWidget(form, confidence_threshold=threshold)
        qtbot.addWidget(widget)
        widget.resize(900, 700)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return make
