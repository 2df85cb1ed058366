"""Table models: a lazy one for 100,000 candidates, a plain one for short lists.

Both are described by ``Column`` specs (after Vorta's archive table model): a column names the
row field it shows, how that value reads as text, whether it is a time, how the database sorts by
it. Rows are named tuples (or any object with those fields), so nothing counts columns by hand.
Two roles reach through any proxy: ``SORT_ROLE`` (the raw value, for ``QSortFilterProxyModel``)
and ``KEY_ROLE`` (the row's key: a draft id, a posting id).

``LazyTableModel`` (after Anki's browser) holds only the ordered ids the
filter query returned. Rows are read by block when a view asks for them —
asynchronously, through the store's thread, so a long sync write queued on
that thread can never freeze the window: until a block arrives its cells show
an ellipsis, then one ``dataChanged`` fills them in.

``RowsModel`` updates by key: a refill changes the rows that changed (``dataChanged``), removes
the ones gone and adds the new ones, so the selection and the scroll position survive the outbox
flushing every few seconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QLocale,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

from lever_desktop.ui.plain import at_most, plain_tooltip
from lever_desktop.ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
BLOCK = 200
CACHE_LIMIT = 5_000  # rows kept; scrolling far away re-reads, memory stays flat
SORT_ROLE = Qt.ItemDataRole.UserRole  # the cell's raw value: what a sort proxy compares
KEY_ROLE = Qt.ItemDataRole.UserRole + 1  # the row's key, in every column
# What Ctrl+C copies (``pages.make_table``): the cell's text as it came, where the shown text marks
# directional characters (``for_display``): a name pasted into Lever's search must be the one it holds.
COPY_ROLE = Qt.ItemDataRole.UserRole + 2


def format_ms(value: Any) -> str:
    if not value:
        return ""
    try:
        return dt.datetime.fromtimestamp(int(value) / 1000).strftime("%Y-%m-%d %H:%M")
    except (ValueError, OverflowError, OSError):  # no date (a year past 9999; Windows: before 1970): as stored
        return at_most(str(value))


def format_ms_short(value: Any) -> str:
    """What fits a narrow column, in the person's locale: the time today ("14:05", "2:05 PM"), the
    day and month before ("3 Dec", "Dec 3", "3. Dez."), with the year when it is not this one."""
    if not value:
        return ""
    at, today = QDateTime.fromMSecsSinceEpoch(int(value)), QDate.currentDate()
    locale = QLocale()
    if at.date() == today:
        return locale.toString(at.time(), QLocale.FormatType.ShortFormat)
    # Qt has no "day and month" format: follow the order of the locale's own short date.
    day_first = locale.dateFormat(QLocale.FormatType.ShortFormat).lstrip().lower().startswith("d")
    pattern = "d MMM" if day_first else "MMM d"
    if at.date().year() != today.year():
        pattern += " yyyy"
    return locale.toString(at.date(), pattern)


@dataclass(frozen=True)
class Column:
    """One column of a table: its header and the row field it shows."""

    header: str
    field: str
    time: Callable[[Any], str] | None = None  # a time in ms, shown by this function
    tooltip: bool = True  # hovering shows the whole text (a long error, a headline), as plain text
    sort: str | None = None  # the database's sort key (lazy tables sort in SQL); None: not sortable
    width: int | None = None  # the starting width in pixels, None: Qt's default

    def value(self, row: Any) -> Any:
        return getattr(row, self.field)

    def text(self, value: Any) -> str:
        """The cell as shown (its tooltip too): Lever's text for display and at most so long."""
        whole = self.copied(value)
        return whole if self.time is not None else at_most(whole)

    def copied(self, value: Any) -> str:
        """The cell as Ctrl+C copies it: as shown, but whole and with its directional characters."""
        if self.time is not None:
            return self.time(value)
        return "" if value is None else str(value)


class _FlatTableModel(QAbstractTableModel):
    """A flat table of named columns; subclasses say how many rows there are."""

    def __init__(self, columns: Sequence[Column], parent=None) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)

    def column_of(self, field: str) -> int:
        """The column showing ``field`` (a view's sort or width is set by name, not by number)."""
        return next(i for i, c in enumerate(self.columns) if c.field == field)

    def _row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._row_total()

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        return None

    def _changed(self, first: int, last: int) -> None:
        self.dataChanged.emit(self.index(first, 0), self.index(last, len(self.columns) - 1))


class LazyTableModel(_FlatTableModel):
    sortRequested = Signal(str, bool)  # (the column's sort key, descending)
    blockLoaded = Signal()

    def __init__(
        self,
        columns: Sequence[Column],
        fetch: Callable[[list[str]], Coroutine[Any, Any, dict[str, Any]]],
        runner: TaskRunner,
        *,
        greyed: Callable[[Any], bool] | None = None,
        quiet: Callable[[BaseException], bool] = lambda _error: False,
        parent=None,
    ) -> None:
        """``quiet(error)``: a failed block read that is nobody's to hear of (the block is asked for again
        when next painted); any other failure goes to the error path."""
        super().__init__(columns, parent)
        self._fetch = fetch
        self._quiet = quiet
        self._runner = runner
        self._ids: list[str] = []
        self._rows: dict[str, Any] = {}  # id -> row; None once the row is gone from the cache
        self._loading: set[int] = set()
        self._greyed = greyed  # rows it is true for are shown in italics (archived candidates)
        self._generation = 0

    # -- content -------------------------------------------------------------
    def set_ids(self, ids: list[str], rows: dict[str, Any] | None = None) -> None:
        """Show ``ids``; ``rows``: some of their rows, read with them (the first screen), so those
        cells need no block read."""
        self.beginResetModel()
        self._ids = ids
        self._generation += 1
        self._loading.clear()
        if len(self._rows) > CACHE_LIMIT:
            self._rows.clear()
        if rows:
            self._rows.update(rows)
        self.endResetModel()

    def extend_ids(self, ids: list[str]) -> None:
        """Show ``ids``, which go on from the ids shown (the rest of a list whose first screen came
        first): the new rows are inserted after them, so the scroll position, the selection and the
        rows read stay. Ids that do not go on from them replace them (``set_ids``)."""
        shown = len(self._ids)
        if ids[:shown] != self._ids:
            self.set_ids(ids)
        elif len(ids) > shown:
            self.beginInsertRows(QModelIndex(), shown, len(ids) - 1)
            self._ids = ids
            self.endInsertRows()

    def refresh_rows(self) -> None:
        """The cache changed underneath (a sync): forget rows, keep the order and selection."""
        self._rows.clear()
        self._loading.clear()
        self._generation += 1
        if self._ids:
            self._changed(0, len(self._ids) - 1)

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, item_id: str) -> int:
        try:
            return self._ids.index(item_id)
        except ValueError:
            return -1

    def row_values(self, row: int) -> Any:
        item_id = self.id_at(row)
        return self._rows.get(item_id) if item_id else None

    # -- Qt model ------------------------------------------------------------
    def _row_total(self) -> int:
        return len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        item_id = self._ids[index.row()]
        if role == KEY_ROLE:
            return item_id
        if item_id not in self._rows:
            if role == Qt.ItemDataRole.DisplayRole:
                self._request(index.row())
                return "…" if index.column() == 0 else ""
            return None
        row, column = self._rows[item_id], self.columns[index.column()]
        if row is None:  # deleted from the cache since the ids were read
            return ("(removed)" if index.column() == 0 else "") if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(column.value(row))
        if role == COPY_ROLE:
            return column.copied(column.value(row))
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return plain_tooltip(column.text(column.value(row)))  # names from Lever: never HTML
        if role == Qt.ItemDataRole.FontRole and self._greyed is not None and self._greyed(row):
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # Sorting 100,000 rows is the database's job: the controller re-queries the ids.
        key = self.columns[column].sort
        if key is not None:
            self.sortRequested.emit(key, order == Qt.SortOrder.DescendingOrder)

    # -- block loading -------------------------------------------------------
    def _request(self, row: int) -> None:
        block = row // BLOCK
        if block in self._loading:
            return
        self._loading.add(block)
        ids = self._ids[block * BLOCK : (block + 1) * BLOCK]
        generation = self._generation

        def arrived(rows: dict[str, Any]) -> None:
            if generation != self._generation:
                return  # a newer filter replaced the ids meanwhile
            self._loading.discard(block)
            for item_id in ids:
                self._rows[item_id] = rows.get(item_id)
            self._changed(block * BLOCK, min(len(self._ids), (block + 1) * BLOCK) - 1)
            self.blockLoaded.emit()

        def failed(error: BaseException) -> bool:
            if not self._quiet(error):
                return False  # the error path says what went wrong; the block is not asked for again
            if generation == self._generation:
                self._loading.discard(block)  # asked for again when next painted
            return True

        self._runner.run(self._fetch(ids), owner=self, on_success=arrived, on_failure=failed, name="load rows")


class RowsModel(_FlatTableModel):
    """A short list (drafts, outbox, postings) held in full, each row known by its key field;
    sortable through a proxy (``SORT_ROLE``)."""

    def __init__(self, columns: Sequence[Column], *, key: str, parent=None) -> None:
        super().__init__(columns, parent)
        self._key = key
        self._rows: list[Any] = []
        self._keys: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        """Show ``rows``: the changed ones change in place, the gone ones go, the new ones are added
        at the end (the proxy sorts them into place). A first fill is one reset."""
        keys = [getattr(r, self._key) for r in rows]
        if not self._rows or len(set(keys)) != len(keys):  # nothing to keep, or no identity to keep it by
            self.beginResetModel()
            self._rows, self._keys = list(rows), keys
            self.endResetModel()
            return
        new = dict(zip(keys, rows))
        for i in reversed(range(len(self._keys))):  # the gone, from the bottom so the rows above keep their place
            if self._keys[i] not in new:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i], self._keys[i]
                self.endRemoveRows()
        for i, k in enumerate(self._keys):
            if self._rows[i] != new[k]:
                self._rows[i] = new[k]
                self._changed(i, i)
        have = set(self._keys)
        added = [(k, r) for k, r in zip(keys, rows) if k not in have]
        if added:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(added) - 1)
            self._keys += [k for k, _ in added]
            self._rows += [r for _, r in added]
            self.endInsertRows()

    def key_at(self, row: int) -> Any:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def keys(self) -> list[Any]:
        return list(self._keys)

    def rows(self) -> list[Any]:
        return list(self._rows)

    def row_of(self, key: Any) -> int:
        try:
            return self._keys.index(key)
        except ValueError:
            return -1

    def _row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        value = column.value(self._rows[index.row()])
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(value)
        if role == COPY_ROLE:
            return column.copied(value)
        if role == SORT_ROLE:
            return value if value is not None else ""
        if role == KEY_ROLE:
            return self._keys[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip:
            return None if value is None else plain_tooltip(format_ms(value) if column.time else str(value))
        if (
            role == Qt.ItemDataRole.TextAlignmentRole
            and isinstance(value, int | float)
            and not isinstance(value, bool)
            and column.time is None
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # counts line up
        return None
