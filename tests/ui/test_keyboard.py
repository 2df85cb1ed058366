"""#14.16: the window by keyboard — every action has a key listed in the shortcuts dialog, Tab
leaves the drafts list, F8 from anywhere shows where it landed."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QToolBar
from test_flows import desktop, import_and_open, sandbox_draft, shell, two_drafts_listed  # noqa: F401  (fixtures)

from lever_desktop.ui import shortcuts


def keys_in_window(window) -> set[str]:
    """Every key sequence something in the window answers to, as portable text."""
    found = {k.toString() for a in window.findChildren(type(window.sync_action)) for k in a.shortcuts()}
    found |= {s.key().toString() for s in window.findChildren(QShortcut)}
    found |= {b.shortcut().toString() for b in window.findChildren(QPushButton)}
    return found - {""}


def dialog_text(qtbot, window) -> str:
    window.shortcuts_action.trigger()
    box = window.findChild(QMessageBox, "shortcutsDialog")
    qtbot.waitUntil(box.isVisible)
    text = box.text()
    box.close()
    return text


def test_every_action_and_review_button_has_a_key_listed_in_the_shortcuts_dialog(desktop, qtbot):
    window = desktop.window
    listed = dialog_text(qtbot, window)
    toolbar = window.findChild(QToolBar, "mainToolbar")
    actions = shortcuts.menu_actions(window) + [a for a in toolbar.actions() if not a.isSeparator()]
    assert len(actions) > 10
    for action in actions:
        assert action.shortcuts(), f"“{action.text()}” has no keyboard shortcut"
        assert shortcuts.keys_of(action) in listed, action.text()
    editor = desktop.controller.drafts.editor
    form = editor.form_widget
    review_buttons = {b for b in editor.findChildren(QPushButton) if form is None or not form.isAncestorOf(b)}
    keys_by_button = {getattr(editor, attribute): keys for attribute, keys, _what in shortcuts.REVIEW_BUTTONS}
    assert review_buttons <= set(keys_by_button), "a review button with no key in shortcuts.REVIEW_BUTTONS"
    answered = keys_in_window(window)
    for button, keys in keys_by_button.items():
        assert QKeySequence(keys).toString() in answered, f"nothing answers {keys} ({button.text()})"
        assert keys in listed and keys in button.toolTip()


def test_every_button_key_in_the_window_is_listed_in_the_shortcuts_dialog(desktop, qtbot):
    """Seen in the sandbox: the Undo bar's Ctrl+Z (take an approval back) was missing from the dialog."""
    window = desktop.window
    listed = dialog_text(qtbot, window)
    keyed = [b for b in window.findChildren(QPushButton) if not b.shortcut().isEmpty()]
    assert any(b.accessibleName() == "Undo approval" for b in keyed)
    for button in keyed:
        keys = button.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        assert keys in listed, f"{button.text()!r} answers {keys}, not listed"


def test_about_closes_for_good_each_time(desktop, qtbot):
    """Each Help → About made a dialog the window kept, hidden, after it was closed."""
    window = desktop.window

    def boxes() -> list[QMessageBox]:
        return [b for b in window.findChildren(QMessageBox) if b.windowTitle().startswith("About")]

    for _ in range(2):
        window.about_action.trigger()
        qtbot.waitUntil(lambda: any(b.isVisible() for b in boxes()))
        next(b for b in boxes() if b.isVisible()).close()
        qtbot.waitUntil(lambda: boxes() == [])


def test_the_payload_key_works_and_help_keys_open_the_dialog(desktop, sandbox, qtbot, tmp_path):
    import_and_open(desktop, qtbot, tmp_path, sandbox_draft(sandbox))
    window, editor = desktop.window, desktop.controller.drafts.editor
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    table = desktop.controller.drafts.list.table
    table.setFocus()
    assert editor.show_payload.isVisible() and editor.show_payload.isEnabled()
    qtbot.keyClick(table, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(editor.show_payload.isChecked)  # a button's key animates a click first
    assert editor.preview.isVisible()
    qtbot.keyClick(table, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "shortcutsDialog") is not None)
    window.findChild(QMessageBox, "shortcutsDialog").close()


def test_tab_leaves_the_drafts_list_and_never_opens_another_draft(desktop, sandbox, qtbot, tmp_path):
    drafts = two_drafts_listed(desktop, sandbox, qtbot, tmp_path)
    table = drafts.list.table
    table.setFocus()
    start = drafts.draft_id
    columns = table.model().columnCount()
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert not table.hasFocus()  # out at the first Tab, not into the next cell
    for _ in range(columns + 1):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert drafts.draft_id == start


def test_f8_from_the_drafts_list_lands_in_the_form_and_rings_the_question(desktop, sandbox, qtbot, tmp_path):
    import_and_open(desktop, qtbot, tmp_path, sandbox_draft(sandbox))  # a flawed answer to fix
    window, drafts = desktop.window, desktop.controller.drafts
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    drafts.list.table.setFocus()
    qtbot.keyClick(drafts.list.table, Qt.Key.Key_F8)
    form = drafts.editor.form_widget
    landed = [row for row in form.rows if row.landed]
    assert len(landed) == 1 and landed[0].needs_attention()
    focused = QApplication.focusWidget()
    assert landed[0].isAncestorOf(focused)
    viewport = drafts.editor.form_scroll.viewport()
    top_left = focused.mapTo(viewport, focused.rect().topLeft())
    assert viewport.rect().contains(top_left)  # scrolled to where it landed


def test_banners_and_the_status_bar_have_names_a_screen_reader_can_say(qtbot):
    from lever_desktop.ui.main_window import MainWindow

    window = MainWindow(sandbox=True)
    qtbot.addWidget(window)
    assert window.sandbox_banner.accessibleName() == "Sandbox notice"
    assert window.sandbox_banner.accessibleDescription().startswith("Sandbox — not your Lever account. Candidates")
    window.offline_banner.set_text("<b>Lever can't be reached.</b> You can keep reviewing.")
    assert window.offline_banner.accessibleName() == "Offline notice"
    assert window.offline_banner.accessibleDescription() == "Lever can't be reached. You can keep reviewing."
    labels = (
        window.status_connection,
        window.status_last_sync,
        window.status_relay,
        window.status_outbox,
        window.sync_progress,
    )
    assert all(label.accessibleName() for label in labels)
