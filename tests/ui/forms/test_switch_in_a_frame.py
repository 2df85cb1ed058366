"""Next/Previous swaps a draft into a shown form doing only what the new draft changes (#16.3).

Qt lays out every stale ancestor of a widget when the widget is shown. Loading a draft makes the
form's column stale with its first new answer, so each Confirm button appearing afterwards used to
lay out all 60 questions again (0.28 ms a button, 14 layouts a switch here). And every AI badge
was given its colours again on each refresh, a palette change and a repaint even when unchanged.
"""

from __future__ import annotations

import copy

from bench.bench_form_build import THRESHOLD, other_draft, sixty_field_template
from helpers.form_looks import form_of, shown_in_a_scroll_area
from PySide6.QtCore import QEvent, QObject, QRect, Qt
from PySide6.QtWidgets import QApplication, QVBoxLayout

from lever_desktop.ui.forms import FeedbackFormWidget, form_widget


def test_a_draft_swapped_into_a_shown_form_lays_it_out_once(qtbot, monkeypatch):
    template, draft_a = sixty_field_template()
    laid_out = []

    class Column(QVBoxLayout):  # the form's column, counting its layouts
        def setGeometry(self, rect: QRect) -> None:
            laid_out.append(rect)
            super().setGeometry(rect)

    monkeypatch.setattr(form_widget, "QVBoxLayout", Column)
    draft_b = other_draft(template, draft_a)
    widget = FeedbackFormWidget(form_of(template, draft_a), confidence_threshold=THRESHOLD)
    _scroll = shown_in_a_scroll_area(qtbot, widget)  # it owns the form: kept while the test runs
    # the rows below the first screen stream in, and the scroll area sizes the form to hold them
    qtbot.waitUntil(
        lambda: widget.complete and all(r.geometry().height() >= r.sizeHint().height() for r in widget.rows)
    )
    widget.column.activate()

    laid_out.clear()
    hidden = {r.field.id for r in widget.rows if r.confirm_button is None or r.confirm_button.isHidden()}
    widget.load(form_of(template, draft_b), THRESHOLD)

    shown = [r for r in widget.rows if r.field.id in hidden and r.confirm_button and r.confirm_button.isVisible()]
    assert len(shown) >= 5  # draft B asks for confirmations draft A did not: buttons appear mid-load
    assert len(laid_out) == 1, f"the form was laid out {len(laid_out)} times for one draft"
    # and the result is laid out: every row where the column puts it
    assert all(r.geometry().height() >= r.sizeHint().height() for r in widget.rows)


class PaletteChanges(QObject):
    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.seen: list[QObject] = []

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.PaletteChange:
            self.seen.append(watched)
        return False


def test_a_badge_left_as_it_was_by_the_next_draft_keeps_its_colours(make_form, every_type_template, every_type_draft):
    widget = make_form(every_type_template, every_type_draft)
    unsure = copy.deepcopy(every_type_draft)
    next(f for f in unsure["fields"] if f["id"] == "f-summary")["confidence"] = 0.3  # was 0.9: now to confirm
    summary, code = widget.row("f-summary").ai_badge, widget.row("f-code").ai_badge  # code: as sure as before
    assert summary is not None and code is not None
    changes = PaletteChanges(widget)  # dies with the form it watches
    summary.installEventFilter(changes)
    code.installEventFilter(changes)

    widget.load(form_of(every_type_template, unsure), 0.6)
    QApplication.processEvents()

    assert summary in changes.seen  # turned to the highlight colours: confirm me
    assert code not in changes.seen


def test_revert_comes_after_its_answer_and_actions_in_tab_order(make_form, every_type_template, every_type_draft):
    """Made with the row's first action without being placed in the Tab order (it is made in
    place), or on the first edit (placed then): either way it must follow the row's answer and
    its Use/Confirm buttons, and precede the next question."""
    widget = make_form(every_type_template, every_type_draft)
    made_with_the_row = [r for r in widget.rows if r.revert_button is not None]
    assert made_with_the_row and all(r.confirm_button or r.suggest_button for r in made_with_the_row)
    assert_revert_last_in_its_row(widget, made_with_the_row)

    for row in widget.rows:  # every AI answer emptied by the reviewer: an edit, Revert shows
        if row.field.supported and row.field.provenance is not None:
            widget.form.set(row.field.id, None)
    widget.refresh()
    edited = [r for r in widget.rows if r.revert_button is not None and r.revert_button.isVisibleTo(widget)]
    assert len(edited) >= 8 and len(edited) > len(made_with_the_row)
    assert_revert_last_in_its_row(widget, edited)


def assert_revert_last_in_its_row(widget: FeedbackFormWidget, rows: list) -> None:
    chain = []  # what Tab visits, hidden or not (a Revert button shows on the first edit)
    current = widget.nextInFocusChain()
    while current is not widget:
        if current.focusPolicy() & Qt.FocusPolicy.TabFocus:
            chain.append(current)
        current = current.nextInFocusChain()
    for row in rows:
        mine = [w for w in chain if row.isAncestorOf(w)]
        actions = [b for b in (row.suggest_button, row.confirm_button, row.revert_button) if b is not None]
        assert mine[-len(actions) :] == actions, row.field.id
        after = chain[chain.index(row.revert_button) + 1 :]
        assert not after or widget.rows.index(widget_row(widget, after[0])) > widget.rows.index(row), row.field.id


def widget_row(widget: FeedbackFormWidget, control: QObject):
    return next(r for r in widget.rows if r.isAncestorOf(control))
