"""The contract every field editor follows, and the registry that picks one per field kind.

An editor shows and edits a *widget value* (see ``forms.kinds``); it never talks to the form
itself. ``on_edit`` is called only for the reviewer's own input, never for ``set_value``, so a
revert or an accepted suggestion does not echo back as an edit. (A plain callback rather than a
Qt signal: a form has hundreds of editors and each ``connect`` costs more than the widget.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from lever_desktop.forms import FormField

from .buttons import ButtonChoice


def nothing() -> None:
    pass


class FieldEditor(QWidget):
    kinds: ClassVar[tuple[str, ...]] = ()

    def __init__(self, field: FormField, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = field
        self._quiet = False
        self.on_edit: Callable[[], None] = nothing
        self.choices: list[ButtonChoice] = []  # button sets whose keys (1–4, Y/N) we route

    # subclasses implement these three
    def value(self) -> Any:
        raise NotImplementedError

    def _show(self, widget_value: Any) -> None:
        raise NotImplementedError

    def focus_target(self) -> QWidget:
        """The control Tab and 'next field needing attention' land on."""
        return self

    def set_value(self, widget_value: Any) -> None:
        with self.quietly():
            self._show(widget_value)

    @contextmanager
    def quietly(self) -> Iterator[None]:
        self._quiet, before = True, self._quiet
        try:
            yield
        finally:
            self._quiet = before

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        # buttons ignore digits and letters, so those keys bubble up to the editor
        focused = self.focusWidget()
        for choice in self.choices:
            mine = len(self.choices) == 1 or choice.owns(focused)
            if mine and choice.handle_key(event):
                event.accept()
                return
        super().keyPressEvent(event)

    def _user_changed(self, *_args: Any) -> None:
        if not self._quiet:
            self.on_edit()

    @property
    def label(self) -> str:
        return self.field.label

    def _name(self, widget: QWidget, name: str, description: str = "") -> QWidget:
        """Screen readers announce ``name``; every interactive control gets one."""
        widget.setAccessibleName(name)
        if description:
            widget.setAccessibleDescription(description)
        return widget


def row_layout(parent: QWidget, vertical: bool = False) -> QHBoxLayout | QVBoxLayout:
    layout = QVBoxLayout(parent) if vertical else QHBoxLayout(parent)
    layout.setContentsMargins(0, 0, 0, 0)
    return layout


_EDITORS: dict[str, type[FieldEditor]] = {}


def register(cls: type[FieldEditor]) -> type[FieldEditor]:
    for kind in cls.kinds:
        _EDITORS[kind] = cls
    return cls


def editor_for(field: FormField, parent: QWidget | None = None) -> FieldEditor:
    from . import choice_editors, score_editors, simple_editors, text_editors  # noqa: F401

    if not field.supported:
        return simple_editors.UnsupportedEditor(field, parent)
    return _EDITORS[field.definition.type](field, parent)
