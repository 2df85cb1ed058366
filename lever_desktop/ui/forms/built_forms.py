"""Built form widgets kept per template, so Previous/Next between drafts swaps values, not widgets.

Building a 60-question form costs about 50 ms; loading another draft into the rows already built
costs a few (tests/bench/bench_form_build.py). Reviewers flip between drafts of a handful of
templates all day, so a few built forms are kept, least recently shown dropped first. A widget
whose template has changed (another version, other notes above the questions) no longer fits
and is dropped for a fresh build.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from lever_desktop.forms import FeedbackForm

from .form_widget import FeedbackFormWidget

KEPT_TEMPLATES = 4


class BuiltForms:
    """``on_build`` wires a widget once, when it is built (its signals outlive the drafts it shows)."""

    def __init__(self, on_build: Callable[[FeedbackFormWidget], None], keep: int = KEPT_TEMPLATES) -> None:
        self.on_build = on_build
        self.keep = keep
        self._widgets: OrderedDict[str, FeedbackFormWidget] = OrderedDict()

    def widget_for(self, template_id: str, form: FeedbackForm, confidence_threshold: float) -> FeedbackFormWidget:
        widget = self._widgets.pop(template_id, None)
        if widget is not None and widget.fits(form):
            widget.load(form, confidence_threshold)
        else:
            if widget is not None:
                widget.deleteLater()
            widget = FeedbackFormWidget(form, confidence_threshold=confidence_threshold)
            self.on_build(widget)
        self._widgets[template_id] = widget
        while len(self._widgets) > self.keep:
            self._widgets.popitem(last=False)[1].deleteLater()
        return widget

    def holds(self, widget: QWidget | None) -> bool:
        return any(w is widget for w in self._widgets.values())

    def clear(self) -> None:
        for widget in self._widgets.values():
            widget.deleteLater()
        self._widgets.clear()
