"""What the reviewer sees of a feedback form, row by row: to compare a reused form with a fresh one."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QScrollArea

from lever_desktop.forms import FeedbackForm
from lever_desktop.ui.forms import FeedbackFormWidget
from lever_desktop.ui.forms.provenance_view import EvidencePanel


def shown(widget) -> bool | None:
    return None if widget is None else widget.isVisibleTo(widget.parentWidget())


def text(widget) -> str | None:
    return widget.text() if widget is not None and shown(widget) else None


def looks(form_widget: FeedbackFormWidget) -> list[dict[str, Any]]:
    """What the reviewer sees and can do, row by row."""
    rows = []
    for row in form_widget.rows:
        badge = row.ai_badge if shown(row.ai_badge) else None
        rows.append(
            {
                "id": row.field.id,
                "value": row.editor.value(),
                "badge": badge
                and (
                    badge.text(),
                    badge.isCheckable(),
                    badge.isChecked(),
                    badge.arrowType(),
                    badge.toolTip(),
                    badge.focusPolicy(),
                    badge.backgroundRole(),
                ),
                "evidence": [panel.lines for panel in row.findChildren(EvidencePanel) if shown(panel)],
                "required_marked": (row.touched, row.show_required),
                "message": text(row.message),
                "suggest": text(row.suggest_button),
                "confirm": text(row.confirm_button),
                "revert": text(row.revert_button),
                "attention": row.attention,
                "labels": [label.text() for label in row.findChildren(QLabel) if label.isVisibleTo(row)],
            }
        )
    return rows


def form_of(template: dict[str, Any], draft: dict[str, Any], values: dict[str, Any] | None = None) -> FeedbackForm:
    """The form model of ``template`` with ``draft`` applied (and the reviewer's ``values``)."""
    form = FeedbackForm.from_template(template)
    form.apply_draft(draft)
    if values is not None:
        form.restore({"values": values})
    return form


def shown_in_a_scroll_area(qtbot, widget: FeedbackFormWidget) -> QScrollArea:
    """``widget`` in a shown 900x700 scroll area, as the review pane holds it. The area owns the
    form: keep it referenced while the test runs."""
    scroll = QScrollArea()
    qtbot.addWidget(scroll)
    scroll.setWidgetResizable(True)
    scroll.setWidget(widget)
    scroll.resize(900, 700)
    scroll.show()
    qtbot.waitExposed(scroll)
    return scroll
