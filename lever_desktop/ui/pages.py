"""Page layouts: candidates (filters, table, profile), postings, outbox, activity, feedback due.

Views only: each page exposes its widgets and signals; controllers fill them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lever_desktop.ui.plain import at_most, named, plain_label
from lever_desktop.ui.table_models import COPY_ROLE, KEY_ROLE, SORT_ROLE, Column, RowsModel, format_ms
from lever_desktop.untrusted import for_display, printable

if TYPE_CHECKING:  # not before the first paint: PySide builds QEvent's 180-member Type enum with it
    from PySide6.QtCore import QModelIndex, QPersistentModelIndex
    from PySide6.QtGui import QKeyEvent

# The keys that walk a row's cells sideways (Home and End: to its first and last column).
_SIDEWAYS_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home, Qt.Key.Key_End})


class _Table(QTableView):
    """Ctrl+C copies the cell as it came (``COPY_ROLE``); Qt's own copy takes what the cell shows, in
    which ``for_display`` marked the directional characters.

    Rows are chosen whole, so the list scrolls up and down to a row, never sideways to the cell that
    happened to be clicked: a click on a column half in view scrolled the names out of sight, and the
    arrow keys kept them out. Left, Right, Home and End still bring the cell they move to into view."""

    _sideways = False  # a key that walks the row's cells is being handled

    def keyPressEvent(self, event: QKeyEvent) -> None:
        copied = self.currentIndex().data(COPY_ROLE) if event.matches(QKeySequence.StandardKey.Copy) else None
        if copied is not None:
            QGuiApplication.clipboard().setText(copied)
            event.accept()
            return
        # another key, or a copy of a row not read yet: Qt's own
        self._sideways = event.key() in _SIDEWAYS_KEYS
        try:
            super().keyPressEvent(event)
        finally:
            self._sideways = False

    def scrollTo(
        self,
        index: QModelIndex | QPersistentModelIndex,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        if self._sideways:
            super().scrollTo(index, hint)
            return
        across = self.horizontalScrollBar()
        kept = across.value()
        super().scrollTo(index, hint)
        across.setValue(kept)


def make_table(model, columns: Sequence[Column] = (), *, sortable: bool = True) -> QTableView:
    view = _Table()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.setSortingEnabled(sortable)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(26)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.setShowGrid(False)
    # Tab leaves the table, arrows move in it: walking cell by cell went into off-screen columns,
    # and past the last one quietly opened the next draft.
    view.setTabKeyNavigation(False)
    for i, column in enumerate(columns):
        if column.width is not None:
            view.horizontalHeader().resizeSection(i, column.width)
    return view


def sorted_proxy(model: RowsModel) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setSortRole(SORT_ROLE)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setFilterKeyColumn(-1)
    return proxy


def refill(combo: QComboBox, pairs: list[tuple[str, str]]) -> None:
    """Replace a filter's choices after its first ("All …") entry, keeping the chosen one, silently. A chosen
    one no longer among them (an owner left without candidates) stays offered, as in the drafts filter: it
    fell back to "All …" unsaid, and the list stayed filtered on it under a filter saying "All"."""
    current, shown = combo.currentData(), combo.currentText()
    combo.blockSignals(True)
    while combo.count() > 1:
        combo.removeItem(1)
    for value, label in pairs:
        combo.addItem(for_display(label), value)  # stages, postings, owners: Lever's names
    if current is not None and combo.findData(current) < 0:
        combo.addItem(shown, current)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


class FeedbackNotice(QWidget):
    """One line over the profile while other people's feedback is hidden, offering to show it."""

    TEXT = "Others' feedback and ratings are hidden."
    WHY = (
        "Lever may keep other people's feedback and overall ratings from interviewers until they submit "
        "their own; this app reads with the company's key and cannot tell what Lever would show you."
    )

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.label = QLabel(self.TEXT)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setToolTip(self.WHY)
        self.show_button = QPushButton("Show them")
        self.show_button.setToolTip("Turns on Settings → Privacy → Show other people's feedback")
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        row.addWidget(self.label, 1)
        row.addWidget(self.show_button)
        self.hide()


class CandidatesPage(QWidget):
    filterChanged = Signal()

    def __init__(self, model, parent=None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search candidates by name or email  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search candidates")
        self.stage = named(QComboBox(), "Stage filter")
        self.posting = named(QComboBox(), "Posting filter")
        self.owner = named(QComboBox(), "Owner filter")
        self.archived = named(QComboBox(), "Archived filter")
        for text, value in (("Active", "active"), ("Archived", "archived"), ("Active and archived", "any")):
            self.archived.addItem(text, value)
        for combo, all_text in ((self.stage, "All stages"), (self.posting, "All postings"), (self.owner, "All owners")):
            combo.addItem(all_text, None)
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.count = QLabel()
        filters = QHBoxLayout()
        filters.addWidget(self.search, 3)
        for w in (self.stage, self.posting, self.owner, self.archived):
            filters.addWidget(w, 1)
        filters.addWidget(self.count)
        self.table = make_table(model, model.columns)
        self.table.sortByColumn(model.column_of("updated"), Qt.SortOrder.DescendingOrder)
        self.profile = QTextBrowser()
        self.profile.setOpenExternalLinks(False)
        self.profile.setHtml("<p style='color:gray'>Select a candidate to see their profile.</p>")
        self.feedback_notice = FeedbackNotice()
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.feedback_notice)
        side_layout.addWidget(self.profile, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(side)
        self.splitter.setSizes([760, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)
        self.search.textChanged.connect(self.filterChanged)
        for combo in (self.stage, self.posting, self.owner, self.archived):
            combo.currentIndexChanged.connect(self.filterChanged)

    def set_choices(self, key: str, pairs: list[tuple[str, str]]) -> None:
        refill(combo={"stage": self.stage, "posting": self.posting, "owner": self.owner}[key], pairs=pairs)


def profile_html(p: dict | None) -> str:
    """The candidate profile pane."""
    import html  # here: not before the window's first paint, which shows no profile

    if p is None:
        return "<p>This candidate is no longer in the cache.</p>"

    def e(text: str) -> str:  # outside text, escaped and of a length Qt lays out at once
        return html.escape(at_most(text))

    if p.get("anonymised"):
        return (
            "<h2>Anonymised candidate</h2><p>Lever anonymised this candidate: nothing personal about them, "
            "and none of their drafts' text, is kept on this computer.</p>"
        )
    parts = [f"<h2 style='margin-bottom:0'>{e(p['name'] or 'Unnamed candidate')}</h2>"]
    if p["headline"]:
        parts.append(f"<p style='margin-top:2px'>{e(p['headline'])}</p>")
    facts = [("Stage", p["stage"]), ("Owner", p["owner"]), ("Email", p["email"]), ("Location", p["location"])]
    if p["archived_at"]:
        facts.append(("Archived", format_ms(p["archived_at"])))
    parts.append(
        "<table cellpadding='2'>"
        + "".join(f"<tr><td><b>{k}</b></td><td>{e(str(v))}</td></tr>" for k, v in facts if v)
        + "</table>"
    )
    if p["tags"]:
        parts.append("<p><b>Tags</b> " + " · ".join(e(str(t)) for t in p["tags"]) + "</p>")
    parts.append(
        "<h3>Postings</h3>"
        + (
            "<ul>" + "".join(f"<li>{e(t or '')}</li>" for t in p["postings"]) + "</ul>"
            if p["postings"]
            else "<p>None</p>"
        )
    )
    parts.append("<h3>Interviews</h3>")
    if p["interviews"]:
        parts.append(
            "<ul>"
            + "".join(
                f"<li>{e(subject or 'Interview')} — {e(format_ms(date))}{' (canceled)' if canceled else ''}"
                f"<br><small>{e(who or '')}</small></li>"
                for subject, date, canceled, who in p["interviews"]
            )
            + "</ul>"
        )
    else:
        parts.append("<p>None cached yet.</p>" if not p["details_synced"] else "<p>None</p>")
    if p["feedback"] is None:  # hidden (Settings → Privacy): the page's notice says so
        return "".join(parts)
    parts.append("<h3>Submitted feedback</h3>")
    if p["feedback"]:
        parts.append(
            "<ul>"
            + "".join(
                f"<li><b>{e(verdict or '—')}</b> · {e(text or 'Feedback')} by {e(who or 'unknown')}, {e(format_ms(at))}</li>"
                for text, who, at, verdict in p["feedback"]
            )
            + "</ul>"
        )
    else:
        parts.append("<p>None yet.</p>")
    return "".join(parts)


class TablePage(QWidget):
    """A title line, a sortable table, and an optional detail pane."""

    MAX_FITTED_WIDTH = 320  # a long cell (an error message) must not push the others off screen

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: str,
        title: str,
        detail: bool = False,
        sort: tuple[str, Qt.SortOrder] | None = None,
        fit_columns: bool = True,
        proxy: Callable[[RowsModel], QSortFilterProxyModel] = sorted_proxy,
        parent=None,
    ) -> None:
        """``key`` names the row field that identifies a row; ``sort`` the field and order it starts
        sorted by (the first column, ascending, when not given); ``proxy`` makes the sorting (and
        filtering) model over the rows."""
        super().__init__(parent)
        self.model = RowsModel(columns, key=key)
        self.proxy = proxy(self.model)
        self.title = QLabel(title)
        self.title.setWordWrap(True)
        self.table = make_table(self.proxy, columns)
        field, order = sort or (columns[0].field, Qt.SortOrder.AscendingOrder)
        self.table.sortByColumn(self.model.column_of(field), order)
        self._fit, self._fitted, self._fitting = fit_columns, False, False
        self._sized_by_person: set[int] = set()  # columns whose width is the person's, not ours
        self.model.modelReset.connect(self._fit_columns)
        # a refill changes rows in place: the rows it changed or added widen their columns once the
        # event loop turns (a whole refit measured every row: ~25 ms for 50 drafts, ~0.25 s for 500,
        # at each edit that changed one row of the drafts list)
        self._changed_rows: set[int] = set()
        self._widen_timer = QTimer(self)
        self._widen_timer.setSingleShot(True)
        self._widen_timer.setInterval(0)
        self._widen_timer.timeout.connect(self._widen_for_changed_rows)
        if fit_columns:
            self.model.rowsInserted.connect(lambda _parent, first, last: self._widen_later(first, last))
            self.model.dataChanged.connect(lambda top, bottom, *_: self._widen_later(top.row(), bottom.row()))
        self.table.horizontalHeader().sectionResized.connect(self._section_resized)
        self.body = layout = QVBoxLayout(self)  # others add to the page (a filter bar over the table)
        layout.addWidget(self.title)
        self.detail = QTextBrowser() if detail else None
        if self.detail is not None:
            self.splitter = QSplitter(Qt.Orientation.Vertical)
            self.splitter.addWidget(self.table)
            self.splitter.addWidget(self.detail)
            self.splitter.setSizes([500, 200])
            layout.addWidget(self.splitter, 1)
        else:
            layout.addWidget(self.table, 1)

    # changed rows measured in one turn (~0.07 ms a cell, through the delegate as the first fit): a refill
    # that changes every row of 500 took ~0.1 s with 200; the rows past these keep the widths they have
    WIDEN_ROWS_AT_MOST = 50

    def _fit_columns(self) -> None:
        """Size the columns to what the rows hold (these tables are short); a refill only widens
        them, for longer words than before (``_widen_for_changed_rows``). A column the person
        sized is theirs: a refill does not undo a column they widened."""
        if not self._fit or self.model.rowCount() == 0:
            return
        header = self.table.horizontalHeader()
        before = [header.sectionSize(col) for col in range(self.model.columnCount())]
        self._fitting = True
        try:
            self.table.resizeColumnsToContents()
            for col, width in enumerate(before):
                fitted = self._fitted_width(header.sectionSize(col))
                if col in self._sized_by_person:
                    fitted = width
                elif self._fitted:
                    fitted = max(width, fitted)
                header.resizeSection(col, fitted)
        finally:
            self._fitting = False
        self._fitted = True

    def _fitted_width(self, contents: int) -> int:
        """A column's width for contents this wide: a little room beside them, at most ``MAX_FITTED_WIDTH``."""
        return min(contents + 12, self.MAX_FITTED_WIDTH)

    def _widen_later(self, first: int, last: int) -> None:
        room = self.WIDEN_ROWS_AT_MOST - len(self._changed_rows)
        self._changed_rows.update(range(first, min(last, first + room - 1) + 1))
        self._widen_timer.start()

    def _widen_for_changed_rows(self) -> None:
        """Widen a column for the longer words rows changed or added since show (the outbox's first row
        is "Approved (Undo)", its later ones "Checking whether Lever stored it…" and Lever's error):
        measured in those rows only, as the first fit measures them."""
        rows, self._changed_rows = [r for r in self._changed_rows if r < self.model.rowCount()], set()
        if not self._fitted:  # nothing was fitted yet (rows came before any reset)
            self._fit_columns()
            return
        header = self.table.horizontalHeader()
        self._fitting = True
        try:
            for col in range(self.model.columnCount()):
                if col in self._sized_by_person:
                    continue
                cells = (self.proxy.mapFromSource(self.model.index(row, col)) for row in rows)
                fitted = self._fitted_width(
                    max((self.table.sizeHintForIndex(cell).width() for cell in cells), default=0)
                )
                if fitted > header.sectionSize(col):
                    header.resizeSection(col, fitted)
        finally:
            self._fitting = False

    def _section_resized(self, column: int, _old: int, _new: int) -> None:
        # the stretched last column follows the window, not the person
        if not self._fitting and column != self.model.columnCount() - 1:
            self._sized_by_person.add(column)

    def selected_key(self):
        rows = self.table.selectionModel().selectedRows()
        return rows[0].data(KEY_ROLE) if rows else None


class ActivityPage(QWidget):
    """Sync, relay and submission events, newest at the bottom, with a search box over them all
    (``ActivityController`` keeps them in the cache and fills the page)."""

    LONGEST = 2_000  # characters of one line shown (Lever's differences can quote whole answers)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search activity: every word must appear  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search activity")
        self.log = QPlainTextEdit()
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(5000)
        self.log.setAccessibleName("Activity log")
        self.title = QLabel("Sync, relay and submission activity, kept across restarts")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.search)
        layout.addWidget(self.log, 1)

    @staticmethod
    def line(at_ms: int, kind: str, text: str) -> str:
        """One line of the log, whatever ``text`` holds: its words come from drafts, file names and
        Lever, where a newline would forge a line of its own ("12:00 outbox submitted …") and a bidi
        override would make the rest read backwards; both are shown escaped (``\n``, ``\u202e``)."""
        at = dt.datetime.fromtimestamp(at_ms / 1000)
        stamp = at.strftime("%H:%M:%S") if at.date() == dt.date.today() else at.strftime("%Y-%m-%d %H:%M:%S")
        shown = printable(text)
        if len(shown) > ActivityPage.LONGEST:
            shown = f"{shown[: ActivityPage.LONGEST]}… ({len(shown) - ActivityPage.LONGEST:,} more characters)"
        return f"{stamp}  {kind:<8} {shown}"

    def append(self, at_ms: int, kind: str, text: str) -> None:
        self.log.appendPlainText(self.line(at_ms, kind, text))

    def show_lines(self, lines: Sequence[tuple[int, str, str]]) -> None:
        """Replace what is shown with ``lines`` (at_ms, kind, text), oldest first; someone reading
        further up stays where they were, otherwise the newest line is in view."""
        bar = self.log.verticalScrollBar()
        reading = bar.value() if bar.value() < bar.maximum() else None
        self.log.setPlainText("\n".join(self.line(*line) for line in lines))
        if reading is None:
            bar.setValue(bar.maximum())
        else:
            bar.setValue(min(reading, bar.maximum()))


class DuePage(QWidget):
    """Feedback due: filters, the open (interview, interviewer) slots oldest first, and what to do
    with the selected one."""

    filterChanged = Signal()

    def __init__(self, columns: Sequence[Column], parent=None) -> None:
        super().__init__(parent)
        self.interviewer = named(QComboBox(), "Interviewer filter")
        self.posting = named(QComboBox(), "Posting filter")
        for combo, all_text in ((self.interviewer, "All interviewers"), (self.posting, "All postings")):
            combo.addItem(all_text, None)
            combo.setMinimumContentsLength(16)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.mine = QCheckBox("Only mine")
        self.mine.setToolTip("Interviews where you (the email in Settings) are the interviewer")
        self.count = QLabel()
        filters = QHBoxLayout()
        for w in (self.interviewer, self.posting):
            filters.addWidget(w, 1)
        filters.addWidget(self.mine)
        filters.addStretch(1)
        filters.addWidget(self.count)
        self.list = TablePage(
            columns,
            key="key",
            title="Interviews that have happened and still wait for feedback, oldest first.",
            sort=("date", Qt.SortOrder.AscendingOrder),
        )
        self.write = QPushButton("Write feedback")
        self.write.setToolTip(
            "The interview's form, blank, in the draft editor: you fill it in, approve, and it is sent to Lever once"
        )
        self.draft_ai = QPushButton("Draft with AI…")
        self.draft_ai.setToolTip("Pick the interview's transcript; a model drafts the form for you to review")
        self.note = plain_label()
        self.note.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.write)
        actions.addWidget(self.draft_ai)
        actions.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.list, 1)
        layout.addLayout(actions)
        self.interviewer.currentIndexChanged.connect(self.filterChanged)
        self.posting.currentIndexChanged.connect(self.filterChanged)
        self.mine.toggled.connect(self.filterChanged)

    def set_choices(self, key: str, pairs: list[tuple[str, str]]) -> None:
        refill(combo={"interviewer": self.interviewer, "posting": self.posting}[key], pairs=pairs)
