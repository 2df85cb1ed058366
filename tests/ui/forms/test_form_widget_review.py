"""The reviewer's view of an AI draft: provenance, suggested fixes, confirmation and approval."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QWidget


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_every_kind_renders_its_provenance(qtbot, make_form, every_type_template, every_type_draft):
    widget = make_form(every_type_template, every_type_draft)
    by_id = {f["id"]: f for f in every_type_draft["fields"]}
    assert len(widget.rows) == 12
    for row in widget.rows:
        entry = by_id[row.field.id]
        badge = row.ai_badge
        assert f"AI {entry['confidence']:.0%}" in badge.text(), row.field.id
        if entry["evidence"]:
            click(qtbot, badge)
            assert row.evidence.isVisible()
            for quote in entry["evidence"]:
                assert any(quote["quote"] in line for line in row.evidence.lines)
            click(qtbot, badge)
            assert row.evidence.isHidden()
    rating = widget.row("f-rating")
    click(qtbot, rating.ai_badge)
    assert "“I'd build the queue with idempotent consumers first.”  — at 12:14" in rating.evidence.lines
    assert "Why: Solid design, some gaps in capacity planning." in rating.evidence.lines
    assert widget.row("f-relocate").ai_badge.text().startswith("⚠ AI 35% · confirm")


def test_invalid_ai_values_are_flagged_with_a_one_click_fix(qtbot, make_form, every_type_template, every_type_draft):
    widget = make_form(every_type_template, every_type_draft)
    rating = widget.row("f-rating")
    assert rating.message.isVisible()
    assert "“3” is not one of the options" in rating.message.text()
    assert rating.editor.value() is None  # nothing is pre-selected for an invalid value
    assert rating.suggest_button.text() == "Use “3 - Hire”"
    with qtbot.waitSignal(widget.valuesChanged):
        click(qtbot, rating.suggest_button)
    assert widget.form.get("f-rating") == "3 - Hire"
    assert rating.editor.row.buttons[1].isChecked()
    assert rating.message.isHidden() and rating.suggest_button.isHidden()
    assert rating.ai_badge.text().startswith("✎ Edited")
    click(qtbot, rating.revert_button)  # back to the AI's "3": flagged again
    assert widget.form.get("f-rating") == "3" and rating.message.isVisible()


def test_low_confidence_must_be_confirmed_before_approval(qtbot, make_form, every_type_template, every_type_draft):
    widget = make_form(every_type_template, every_type_draft)
    assert not widget.can_approve()
    click(qtbot, widget.row("f-rating").suggest_button)
    click(qtbot, widget.row("f-level").suggest_button)
    reasons = widget.blocking_reasons()
    assert reasons == [
        "Earliest start date: AI confidence 55% — confirm or change this answer.",
        "Preferred work setup: AI confidence 40% — confirm or change this answer.",
        "Willing to relocate?: AI confidence 35% — confirm or change this answer.",
    ]
    click(qtbot, widget.row("f-start").confirm_button)
    click(qtbot, widget.row("f-location").confirm_button)
    assert widget.row("f-location").confirm_button.text() == "✓ Confirmed"
    relocate = widget.row("f-relocate")
    with qtbot.waitSignal(widget.approvableChanged) as approvable:
        click(qtbot, relocate.editor.row.buttons[0])  # the reviewer's own answer needs no confirming
    assert approvable.args == [True] and widget.can_approve() and widget.blocking_reasons() == []
    assert relocate.confirm_button.isHidden() and relocate.revert_button.isVisible()
    with qtbot.waitSignal(widget.approvableChanged) as approvable:
        click(qtbot, relocate.revert_button)
    assert approvable.args == [False]
    assert widget.form.get("f-relocate") == "no"


def test_a_higher_threshold_asks_for_more_confirmations(make_form, every_type_template, every_type_draft):
    strict = make_form(every_type_template, every_type_draft, threshold=0.95)
    reasons = strict.blocking_reasons()
    # Every AI answer under 95% asks to be confirmed, except the two near misses ("3", "senior"):
    # those are errors with a suggested fix, and confirming an unsendable value would mean nothing.
    assert sum("confirm or change" in r for r in reasons) == 9
    assert [r for r in reasons if "Suggested fix" in r] == [
        "Overall rating: “3” is not one of the options. Suggested fix: “3 - Hire”.",
        "Level: “senior” is not one of the options. Suggested fix: “Senior”.",
    ]


def test_invalid_input_blocks_approval_inline(qtbot, make_form):
    widget = make_form(
        [
            {
                "id": "q",
                "type": "scorecard",
                "text": "Skills",
                "required": True,
                "scores": [{"text": "Coding"}, {"text": "Design"}],
            }
        ]
    )
    assert not widget.can_approve()
    row = widget.row("q")
    assert row.message is None or row.message.isHidden()  # untouched: no nagging yet
    click(qtbot, row.editor.rows[0].buttons[2])
    assert row.message.isVisible() and "“Design” has no score yet" in row.message.text()
    with qtbot.waitSignal(widget.approvableChanged):
        click(qtbot, row.editor.rows[1].buttons[1])
    assert widget.can_approve() and row.message.isHidden()


def test_f8_jumps_to_the_next_field_needing_attention(qtbot, make_form, every_type_template, every_type_draft):
    widget = make_form(every_type_template, every_type_draft)
    widget.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is widget)
    widget.row("f-summary").editor.text.setFocus()
    order = []
    for _ in range(6):
        qtbot.keyClick(widget.focusWidget(), Qt.Key.Key_F8)
        row = widget.focused_row()
        order.append(row.field.id if row else None)
    assert order == ["f-start", "f-level", "f-location", "f-relocate", "f-rating", "f-start"]
    qtbot.keyClick(widget.focusWidget(), Qt.Key.Key_Period, Qt.KeyboardModifier.ControlModifier)
    assert widget.focused_row().field.id == "f-level"


def test_every_control_has_an_accessible_name_and_tab_order_follows_the_form(
    qtbot, make_form, every_type_template, every_type_draft
):
    widget = make_form(every_type_template, every_type_draft)
    controls = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox, QDateEdit)
    unnamed = [
        w
        for w in widget.findChildren(QWidget)
        if isinstance(w, controls)
        and w.isVisibleTo(widget)
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and not w.accessibleName()
        and not isinstance(w.parentWidget(), (QComboBox, QDateEdit))  # their inner line edit
    ]
    assert unnamed == []
    click(qtbot, widget.row("f-culture").editor.row.buttons[0])  # an edit adds a Revert button
    click(qtbot, widget.row("f-rating").suggest_button)
    rows_in_tab_order = []
    current = widget.nextInFocusChain()
    while current is not widget:
        row = current
        while row is not None and row not in widget.rows:
            row = row.parentWidget()
        takes_tab = current.focusPolicy() & Qt.FocusPolicy.TabFocus and current.isVisibleTo(widget)
        if row is not None and takes_tab and (not rows_in_tab_order or rows_in_tab_order[-1] is not row):
            rows_in_tab_order.append(row)
        current = current.nextInFocusChain()
    assert rows_in_tab_order == widget.rows


def test_dark_palette_roles_not_fixed_colours(qtbot, make_form, every_type_template, every_type_draft):
    from lever_desktop.ui.theme import dark_palette

    widget = make_form(every_type_template, every_type_draft)
    widget.setPalette(dark_palette())
    badge = widget.row("f-relocate").ai_badge
    assert badge.palette().color(badge.backgroundRole()) == dark_palette().color(dark_palette().ColorRole.Highlight)
    assert widget.grab().isNull() is False
    assert not [w for w in widget.findChildren(QWidget) if w.styleSheet()]
