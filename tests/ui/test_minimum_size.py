"""At the window's minimum size (1024×640) everything a recruiter reads is there in full (issue #14.9).

Seen before: scorecard comments cut to "ples"/"cing", State to "To re", the sidebar's
"Outbox (0 pending, 1 need atte…". A draft with every field type is open against a real sandbox;
each visible label, button, choice, comment and table column is measured with its own font.
"""

from __future__ import annotations

import json

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QAbstractButton, QComboBox, QLabel, QLineEdit, QTableView, QWidget
from test_flows import TIMEOUT, desktop, import_and_open, shell  # noqa: F401  (fixtures: the window on the sandbox)

from lever_desktop.resources import resource_path
from lever_desktop.ui.main_window import MINIMUM_SIZE

CELL_MARGIN = 6  # a table cell's own text margins, both sides together (Qt: 3 px each)


def _width(widget: QWidget, text: str) -> int:
    fm = widget.fontMetrics()
    return max((fm.horizontalAdvance(line) for line in text.splitlines()), default=0)


def clipped(window: QWidget) -> list[str]:
    """What in ``window`` shows less than its whole text, described for the failure message."""
    out: list[str] = []
    for w in window.findChildren(QWidget):
        if not w.isVisible():
            continue
        name = f"{type(w).__name__} {w.accessibleName() or w.objectName()!r}"
        if isinstance(w, QLabel) and w.text() and w.textFormat() == Qt.TextFormat.PlainText:
            if w.wordWrap():
                if w.heightForWidth(w.contentsRect().width()) > w.contentsRect().height() + 1:
                    out.append(f"{name}: {w.text()!r} needs more height than it has")
            elif _width(w, w.text()) > w.contentsRect().width():
                out.append(f"{name}: {w.text()!r} is wider than {w.contentsRect().width()} px")
        elif isinstance(w, QAbstractButton) and w.text() and _width(w, w.text().replace("&", "")) + 8 > w.width():
            out.append(f"{name}: button {w.text()!r} is cut at {w.width()} px")
        elif isinstance(w, QComboBox) and _width(w, w.currentText()) + 30 > w.width():
            out.append(f"{name}: choice {w.currentText()!r} is cut at {w.width()} px")
        elif isinstance(w, QLineEdit) and w.text() and _width(w, w.text()) + 10 > w.width():
            out.append(f"{name}: {w.text()!r} is cut at {w.width()} px")
        elif isinstance(w, QTableView):
            out += _clipped_columns(w, name)
    return out


def _clipped_columns(table: QTableView, name: str) -> list[str]:
    out, model, header = [], table.model(), table.horizontalHeader()
    for c in range(model.columnCount()):
        if header.isSectionHidden(c):
            continue
        title = str(model.headerData(c, Qt.Orientation.Horizontal) or "")
        cells = [str(model.index(r, c).data() or "") for r in range(model.rowCount())]
        need = max([_width(header, title) + 2 * CELL_MARGIN] + [_width(table, t) + CELL_MARGIN for t in cells])
        if header.sectionSize(c) < need:
            out.append(f"{name}: column {title!r} is {header.sectionSize(c)} px, its text needs {need}")
    return out


LONGEST_NAV = "Outbox (12 pending, 3 need attention)"  # the longest count the sidebar shows


def _nav_clipped(window) -> list[str]:
    """Set just before measuring: a counts refresh may have put a shorter label back meanwhile."""
    window.set_nav_label("outbox", LONGEST_NAV)
    nav, out = window.nav, []
    nav.doItemsLayout()
    assert nav.item(1).text() == LONGEST_NAV
    for i in range(nav.count()):
        item = nav.item(i)
        rect = nav.visualItemRect(item).adjusted(10, 8, -10, -8)  # the items' own padding (8px 10px)
        needed = nav.fontMetrics().boundingRect(rect, Qt.TextFlag.TextWordWrap, item.text())
        seen = nav.viewport().rect()  # an item may be laid out wider than the sidebar shows
        if needed.right() > min(rect.right(), seen.right()) or needed.height() > rect.height():
            out.append(f"navigation {item.text()!r} needs {needed}, has {rect} within {seen}")
    return out


def test_everything_fits_at_the_minimum_size(desktop, sandbox, qtbot, tmp_path):
    doc = json.loads(resource_path("samples/draft-every-field-type.json").read_text(encoding="utf-8"))
    import_and_open(desktop, qtbot, tmp_path, doc)
    window = desktop.window
    assert window.minimumSize() == MINIMUM_SIZE == QSize(1024, 640)
    window.resize(MINIMUM_SIZE)
    qtbot.waitUntil(lambda: window.size() == MINIMUM_SIZE)  # nothing inside needs more than the minimum
    editor = desktop.controller.drafts.editor
    for position in (0, editor.form_scroll.verticalScrollBar().maximum()):  # the top and the end of the form
        editor.form_scroll.verticalScrollBar().setValue(position)
        problems = clipped(window) + _nav_clipped(window)
        assert problems == [], "\n".join(problems)
    for page in ("outbox", "candidates", "postings", "activity"):
        window.show_page(page)
        qtbot.waitUntil(lambda page=page: window.current_page() == page)
        problems = clipped(window) + _nav_clipped(window)
        assert problems == [], "\n".join(problems)
