"""Every key the window answers to, and the dialog that lists them (Help → Keyboard shortcuts).

The menu actions carry their own shortcuts and are read from the window, so the dialog
cannot drift from them; the review bar's buttons get theirs here; keys handled inside the
form and the lists are written out. tests/ui/test_keyboard.py walks the window and fails on
an action or a review button without a key listed in the dialog.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox, QWidget

# (DraftEditor attribute, keys, what they do), in the order of the review bar
REVIEW_BUTTONS: tuple[tuple[str, str, str], ...] = (
    ("approve", "Ctrl+Enter", "Approve the open draft"),
    ("next", "J", "Next draft"),
    ("previous", "K", "Previous draft"),
    ("discard", "Ctrl+D", "Discard the open draft (asks first)"),
    ("show_payload", "Ctrl+Shift+P", "Show or hide the technical details: the request Lever will receive"),
    ("refresh", "Ctrl+Shift+R", "Read this candidate's interviews and the form from Lever again"),
    ("amend", "Ctrl+E", "Amend the submitted form"),
    ("withdraw", "Ctrl+Shift+W", "Withdraw the submitted form from Lever (asks first)"),
    ("remove_duplicate", "Ctrl+Shift+U", "Remove the duplicate form from Lever (asks first)"),
)
# keys the controllers give a QShortcut instead (J/K must type in text fields; Ctrl+Return too)
_WIRED_BY_CONTROLLERS = frozenset({"approve", "next", "previous"})

IN_FORMS_AND_LISTS: tuple[tuple[str, str], ...] = (
    ("F8  or  Ctrl+.", "Go to the next question that needs you"),
    ("1 – 4", "Choose a score on the focused question"),
    ("Space", "Choose the focused answer (again: clear it)"),
    ("Y / N", "Yes / No on the focused question"),
    ("Delete", "Clear the focused score or yes/no"),
    ("Up / Down", "Move in a list; a day later / earlier in a date"),
    ("Tab / Shift+Tab", "Next / previous control (leaves a list)"),
    ("Ctrl+F", "Search the drafts, candidates or activity shown"),
)
# the Undo bar's button (ui/undo_bar.py), there only while an approval can be taken back
AFTER_APPROVING: tuple[tuple[str, str], ...] = (
    ("Ctrl+Z", "Undo the approval just made, while the bar at the bottom offers it"),
)


def install_review_keys(editor: QWidget) -> None:
    """Give the review bar's buttons their keys (a button's key works while it is shown)."""
    for attribute, keys, what in REVIEW_BUTTONS:
        button = getattr(editor, attribute)
        if attribute not in _WIRED_BY_CONTROLLERS:
            button.setShortcut(QKeySequence(keys))
        tip = button.toolTip() or what
        if keys not in tip:
            button.setToolTip(f"{tip} ({keys})")


def keys_of(action: QAction) -> str:
    return "  or  ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())


def menu_actions(window: QMainWindow) -> list[QAction]:
    """The window's actions, as its menus offer them."""
    return [
        action
        for top in window.menuBar().actions()
        if isinstance(menu := top.menu(), QMenu)
        for action in menu.actions()
        if not action.isSeparator() and action.text()
    ]


def listed(window: QMainWindow) -> list[tuple[str, str]]:
    """(keys, what they do) for everything, as the dialog shows it."""
    rows = [(keys_of(a), a.text().replace("&", "").rstrip("…")) for a in menu_actions(window)]
    rows += [(keys, what) for _attribute, keys, what in REVIEW_BUTTONS]
    return rows + list(AFTER_APPROVING) + list(IN_FORMS_AND_LISTS)


def show_dialog(window: QMainWindow) -> QMessageBox:
    rows = "".join(f"<tr><td><b>{escape(k)}</b></td><td>&nbsp;&nbsp;{escape(v)}</td></tr>" for k, v in listed(window))
    box = QMessageBox(
        QMessageBox.Icon.NoIcon,
        "Keyboard shortcuts",
        f"<table>{rows}</table>",
        QMessageBox.StandardButton.Close,
        window,
    )
    box.setObjectName("shortcutsDialog")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
