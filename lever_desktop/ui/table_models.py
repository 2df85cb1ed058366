"""Table models: a lazy one for 100,000 candidates, a plain one for short lists.

``LazyTableModel`` (after Anki's browser) holds only the ordered ids the
filter query returned. Rows are read by block when a view asks for them —
asynchronously, through the store's thread, so a long sync write queued on
that thread can never freeze the window: until a block arrives its cells show
an ellipsis, then one ``dataChanged`` fills them in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Awaitable, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont

from lever_desktop.ui.plain import plain_tooltip
from lever_desktop.ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
BLOCK = 200
CACHE_LIMIT = 5_000  # rows kept; scrolling far away re-reads, memory stays flat


def format_ms(value: Any) -> str:
    if not value:
        return ""
    return dt.datetime.fromtimestamp(int(value) / 1000).strftime("%Y-%m-%d %H:%M")


def format_ms_short(value: Any) -> str:
    """"14:05" today, "Nov 27" before: what fits a narrow column."""
    if not value:
        return ""
    at = dt.datetime.fromtimestamp(int(value) / 1000)
    return at.strftime("%H:%M") if at.date() == dt.date.today() else at.strftime("%b %d")


class _FlatTableModel(QAbstractTableModel):
    """A flat table with fixed column headers; subclasses say how many rows there are."""

    _headers: list[str]

    def _row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else self._row_total()

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self._headers[section]
        return None


class LazyTableModel(_FlatTableModel):
    sortRequested = Signal(int, Qt.SortOrder)
    blockLoaded = Signal()

    def __init__(
        self,
        headers: Sequence[str],
        fetch: Callable[[list[str]], Awaitable[dict[str, tuple[Any, ...]]]],
        runner: TaskRunner,
        *,
        time_columns: Sequence[int] = (),
        dim_column: int | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._fetch = fetch
        self._runner = runner
        self._ids: list[str] = []
        self._rows: dict[str, tuple[Any, ...]] = {}
        self._loading: set[int] = set()
        self._time_columns = set(time_columns)
        self._dim_column = dim_column  # a truthy value there greys the row (archived)
        self._generation = 0

    # -- content -------------------------------------------------------------
    def set_ids(self, ids: list[str]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._generation += 1
        self._loading.clear()
        if len(self._rows) > CACHE_LIMIT:
            self._rows.clear()
        self.endResetModel()

    def refresh_rows(self) -> None:
        """The cache changed underneath (a sync): forget rows, keep the order and selection."""
        self._rows.clear()
        self._loading.clear()
        self._generation += 1
        if self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self._headers) - 1))

    def id_at(self, row: int) -> str | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, item_id: str) -> int:
        try:
            return self._ids.index(item_id)
        except ValueError:
            return -1

    def row_values(self, row: int) -> tuple[Any, ...] | None:
        item_id = self.id_at(row)
        return self._rows.get(item_id) if item_id else None

    # -- Qt model ------------------------------------------------------------
    def _row_total(self) -> int:
        return len(self._ids)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        values = self._rows.get(self._ids[index.row()])
        if values is None:
            if role == Qt.ItemDataRole.DisplayRole:
                self._request(index.row())
                return "…" if index.column() == 0 else ""
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            value = values[index.column()]
            return format_ms(value) if index.column() in self._time_columns else ("" if value is None else str(value))
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (1, 3):
            return plain_tooltip(values[index.column()])  # names from Lever: never HTML
        if role == Qt.ItemDataRole.FontRole and self._dim_column is not None and values[self._dim_column]:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        # Sorting 100,000 rows is the database's job: the controller re-queries the ids.
        self.sortRequested.emit(column, order)

    # -- block loading -------------------------------------------------------
    def _request(self, row: int) -> None:
        block = row // BLOCK
        if block in self._loading:
            return
        self._loading.add(block)
        ids = self._ids[block * BLOCK:(block + 1) * BLOCK]
        generation = self._generation

        def arrived(rows: dict[str, tuple[Any, ...]]) -> None:
            if generation != self._generation:
                return  # a newer filter replaced the ids meanwhile
            self._loading.discard(block)
            for item_id in ids:
                self._rows[item_id] = rows.get(item_id) or ("(removed)",) + ("",) * (len(self._headers) - 1)
            first, last = block * BLOCK, min(len(self._ids), (block + 1) * BLOCK) - 1
            self.dataChanged.emit(self.index(first, 0), self.index(last, len(self._headers) - 1))
            self.blockLoaded.emit()

        self._runner.run(self._fetch(ids), owner=self, on_success=arrived, name="load rows")


class RowsModel(_FlatTableModel):
    """A short list (drafts, outbox, postings) held in full; sortable through a proxy."""

    def __init__(self, headers: Sequence[str], *, time_columns: Sequence[int] = (),
                 time_format: Callable[[Any], str] = format_ms, parent=None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[tuple[Any, ...]] = []
        self._keys: list[Any] = []
        self._time_columns = set(time_columns)
        self._time_format = time_format

    def set_rows(self, rows: list[tuple[Any, ...]], keys: list[Any] | None = None) -> None:
        self.beginResetModel()
        self._rows = rows
        self._keys = keys if keys is not None else [None] * len(rows)
        self.endResetModel()

    def key_at(self, row: int) -> Any:
        return self._keys[row] if 0 <= row < len(self._keys) else None

    def keys(self) -> list[Any]:
        return list(self._keys)

    def _row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() in self._time_columns:
                return self._time_format(value)
            return "" if value is None else str(value)
        if role == Qt.ItemDataRole.UserRole:  # sort key: raw value
            return value if value is not None else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            return None if value is None else plain_tooltip(str(value))
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int | float) \
                and not isinstance(value, bool) and index.column() not in self._time_columns:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)  # counts line up
        return None
