"""The editor for a field: one registered per Lever field kind, read-only for unknown kinds."""

from __future__ import annotations

from PySide6.QtWidgets import QBoxLayout, QWidget

from lever_desktop.forms import FormField

from . import choice_editors, score_editors, text_editors  # noqa: F401 - they @register
from .base import EDITORS, FieldEditor
from .simple_editors import UnsupportedEditor


def editor_for(field: FormField, host: QWidget, layout: QBoxLayout) -> FieldEditor:
    if not field.supported:
        return UnsupportedEditor(field, host, layout)
    return EDITORS[field.definition.type](field, host, layout)
