"""The mouse wheel scrolls the Settings dialog; it never changes a setting on its way.

Seen in a real-account window: turning the wheel to read the Settings dialog down, with the
pointer passing over its boxes, lowered "Confirm AI values below" from 0.60 to 0.55 (fewer AI
answers asked to be confirmed), "Keep submitted drafts' text" from 90 to 88 days and "Feedback
is due" from 24 to 23 h, and Save kept them. The review form already sends the wheel to its
scroll area (ui/forms/wheel.py); the dialog now does the same.
"""

from __future__ import annotations

import pytest
from helpers.pointer import wheel
from PySide6.QtWidgets import QAbstractSpinBox, QComboBox, QScrollArea

from lever_desktop import config
from lever_desktop.ui.first_run import SettingsDialog


def shown(value_box) -> str:
    return value_box.currentText() if isinstance(value_box, QComboBox) else value_box.text()


@pytest.fixture
def dialog(runner, qtbot):
    config.Settings().save()
    dialog = SettingsDialog(runner)
    qtbot.addWidget(dialog)
    dialog.resize(dialog.width(), 420)  # a short screen: the sections scroll
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_the_wheel_over_a_setting_scrolls_the_dialog_and_changes_nothing(dialog):
    [area] = dialog.findChildren(QScrollArea)
    bar = area.verticalScrollBar()
    found = [*area.widget().findChildren(QAbstractSpinBox), *area.widget().findChildren(QComboBox)]
    boxes = [w for w in found if w.isVisibleTo(dialog)]
    assert len(boxes) >= 5  # the region, the review threshold, the retention, when due, how far back
    assert bar.maximum() > 0
    for box in boxes:
        area.ensureWidgetVisible(box, 0, 100)
        before, value = bar.value(), shown(box)
        down = before < bar.maximum()
        wheel(box, 1 if down else -1)
        assert shown(box) == value, box.accessibleName() or type(box).__name__
        assert (bar.value() > before) if down else (bar.value() < before)
