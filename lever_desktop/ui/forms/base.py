"""The contract every field editor follows, and the registry that picks one per field kind.

An editor puts the controls for one answer into its row's layout and converts between them
and a *widget value* (see ``forms.kinds``); it never talks to the form itself. ``on_edit`` is
called only for the reviewer's own input, never for ``set_value``, so a revert or an accepted
suggestion does not echo back as an edit.

Editors are deliberately not widgets, and report through plain callbacks rather than Qt signals:
a long form has hundreds of controls, and every extra container widget, nested layout or signal
connection measurably slows opening it (tests/bench/bench_form_build.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, TypeVar

from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QWidget

from lever_desktop.forms import FormField

from .buttons import ButtonChoice


def nothing() -> None:
    pass


class FieldEditor:
    kinds: ClassVar[tuple[str, ...]] = ()

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        self.field = field
        self.host = host  # the row: parent of every control this editor makes
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
        raise NotImplementedError

    def set_value(self, widget_value: Any) -> None:
        with self.quietly():
            self._show(widget_value)

    # text boxes for numbers and dates: what was typed is never rewritten (see ``TypedText``)
    def unreadable_text(self) -> str | None:
        """Typed text that is not a value of this kind, kept as typed; None when it reads."""
        return None

    def show_text(self, text: str) -> bool:
        """Show a wire value that is text this kind cannot read; False if it has no text box."""
        return False

    @contextmanager
    def quietly(self) -> Iterator[None]:
        self._quiet, before = True, self._quiet
        try:
            yield
        finally:
            self._quiet = before

    def handle_key(self, event: QKeyEvent, focused: QWidget | None) -> bool:
        """Number and letter keys for button sets; buttons ignore them, so they reach the row."""
        for choice in self.choices:
            mine = len(self.choices) == 1 or choice.owns(focused)
            if mine and choice.handle_key(event):
                return True
        return False

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


def line_in(layout: QBoxLayout) -> QHBoxLayout:
    """A horizontal line of controls inside the row's layout."""
    line = QHBoxLayout()
    layout.addLayout(line)
    return line


EDITORS: dict[str, type[FieldEditor]] = {}  # filled by @register in the editor modules


E = TypeVar("E", bound=type[FieldEditor])


def register(cls: E) -> E:
    for kind in cls.kinds:
        EDITORS[kind] = cls
    return cls
