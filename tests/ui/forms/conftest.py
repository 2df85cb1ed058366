"""Feedback-form widgets under pytest-qt: a factory that builds a shown form from fields."""

from __future__ import annotations

from typing import Any

import pytest
from helpers.form_fixtures import every_type_draft, every_type_template  # noqa: F401  (tests/ is on sys.path: helpers/)
from PySide6.QtWidgets import QScrollArea

from lever_desktop.forms import FeedbackForm
from lever_desktop.ui.forms import FeedbackFormWidget


@pytest.fixture
def make_form(qtbot):
    """Build and show a FeedbackFormWidget from a template (or a list of field definitions)."""

    def make(
        template: dict[str, Any] | list[dict[str, Any]], draft: dict[str, Any] | None = None, threshold: float = 0.6
    ) -> FeedbackFormWidget:
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


@pytest.fixture
def make_scrolled_form(qtbot, every_type_template, every_type_draft):
    """The every-type form (or ``template``) with its AI draft (or ``draft``) in a scroll area much
    shorter than the form, as the review screen shows it; returns (scroll area, form widget)."""

    def make(
        height: int = 300,
        *,
        width: int = 700,
        template: dict[str, Any] | None = None,
        draft: dict[str, Any] | None = None,
    ) -> tuple[QScrollArea, FeedbackFormWidget]:
        form = FeedbackForm.from_template(template or every_type_template)
        form.apply_draft(draft or every_type_draft)
        area = QScrollArea()
        area.setWidgetResizable(True)
        widget = FeedbackFormWidget(form)
        area.setWidget(widget)
        qtbot.addWidget(area)
        area.resize(width, height)
        area.show()
        qtbot.waitExposed(area)
        return area, widget

    return make
