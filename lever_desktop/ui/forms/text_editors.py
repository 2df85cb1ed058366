"""Free-text answers: a single line, an auto-growing text box, and a code box."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize
from PySide6.QtGui import QFontDatabase, QPalette
from PySide6.QtWidgets import QBoxLayout, QLineEdit, QPlainTextEdit, QSizePolicy, QWidget

from lever_desktop.forms import FormField
from lever_desktop.ui.plain import plain_label
from lever_desktop.untrusted import for_display

from .base import FieldEditor, register


@register
class LineEditor(FieldEditor):
    kinds = ("text",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        self.line = QLineEdit(host)
        self.line.setPlaceholderText(for_display(field.definition.prompt))
        self._name(self.line, self.label, field.definition.description)
        self.line.textEdited.connect(self._user_changed)
        layout.addWidget(self.line)

    def value(self) -> str:
        return self.line.text()

    def _show(self, widget_value: Any) -> None:
        self.line.setText(widget_value or "")

    def focus_target(self) -> QWidget:
        return self.line


class GrowingTextEdit(QPlainTextEdit):
    """Grows with its text (3 to 20 lines) so the whole answer is readable without scrolling."""

    MIN_LINES, MAX_LINES = 3, 20

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)  # Tab moves to the next question, as everywhere else
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.document().documentLayout().documentSizeChanged.connect(lambda _size: self.updateGeometry())

    def _lines(self) -> int:
        # QPlainTextEdit's document height is counted in (wrapped) lines, not pixels
        lines = int(self.document().documentLayout().documentSize().height())
        return max(self.MIN_LINES, min(self.MAX_LINES, lines))

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        frame = margins.top() + margins.bottom() + 2 * int(self.document().documentMargin())
        height = self._lines() * self.fontMetrics().lineSpacing() + frame + 4
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


@register
class TextAreaEditor(FieldEditor):
    kinds = ("textarea",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        self._add_header(layout)
        self.text = GrowingTextEdit(host)
        self.text.setPlaceholderText(for_display(field.definition.prompt))
        self._name(self.text, self.label, field.definition.description)
        self.text.textChanged.connect(self._user_changed)
        layout.addWidget(self.text)

    def _add_header(self, layout: Any) -> None:
        """Room for a subclass to put something above the text box."""

    def value(self) -> str:
        return self.text.toPlainText()

    def _show(self, widget_value: Any) -> None:
        self.text.setPlainText(widget_value or "")

    def focus_target(self) -> QWidget:
        return self.text


_LANGUAGE_NAMES = {
    "javascript": "JavaScript",
    "typescript": "TypeScript",
    "cpp": "C++",
    "c++": "C++",
    "csharp": "C#",
    "c#": "C#",
    "sql": "SQL",
    "php": "PHP",
    "html": "HTML",
    "css": "CSS",
    "objective-c": "Objective-C",
    "golang": "Go",
}


@register
class CodeEditor(TextAreaEditor):
    """Monospace, unwrapped, labelled with the language the template asks for."""

    kinds = ("code",)

    def __init__(self, field: FormField, host: QWidget, layout: QBoxLayout) -> None:
        super().__init__(field, host, layout)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setAccessibleName(f"{self.label} ({self.language_name} code)")

    @property
    def language_name(self) -> str:
        language = self.field.definition.language.strip()
        if not language:
            return "plain text"
        return _LANGUAGE_NAMES.get(language.lower(), language[:1].upper() + language[1:])

    def _add_header(self, layout: Any) -> None:
        self.language_label = plain_label(f"Code · {self.language_name}", self.host)
        self.language_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout.addWidget(self.language_label)
