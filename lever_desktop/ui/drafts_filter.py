"""The drafts list's search box and filters (state, interviewer, form), and the proxy that applies
them. The proxy reads each row through the Column specs (``SORT_ROLE``, the cell's raw value), so a
column added or moved in ``drafts_controller.COLUMNS`` needs nothing here."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from lever_desktop.ui.plain import named, plain_tooltip
from lever_desktop.ui.table_models import SORT_ROLE, RowsModel
from lever_desktop.untrusted import for_display

SEARCHED = ("candidate", "interviewer", "form")  # the fields the search box looks in
FILTERED = ("state", "interviewer", "form")  # the fields a filter picks one value of


@dataclass(frozen=True)
class DraftsQuery:
    text: str = ""
    picks: tuple[tuple[str, str], ...] = ()  # (field, the one value shown)

    def __bool__(self) -> bool:
        return bool(self.text.strip() or self.picks)


class DraftsFilterProxy(QSortFilterProxyModel):
    """Sorts like ``pages.sorted_proxy``; shows the rows the query matches: every word of the search
    in the candidate, interviewer or form, and each picked field equal to its pick."""

    def __init__(self, model: RowsModel, parent=None) -> None:
        super().__init__(parent)
        self.setSourceModel(model)
        self.setSortRole(SORT_ROLE)
        self._model = model
        self._query = DraftsQuery()

    def set_query(self, query: DraftsQuery) -> None:
        if query == self._query:
            return
        if not hasattr(self, "beginFilterChange"):  # before Qt 6.10
            self._query = query
            self.invalidateRowsFilter()
            return
        self.beginFilterChange()  # from Qt 6.10 on; invalidateFilter() is deprecated there
        self._query = query
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def _value(self, row: int, field: str) -> str:
        value = self._model.index(row, self._model.column_of(field)).data(SORT_ROLE)
        return "" if value is None else str(value)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        q = self._query
        if not q:
            return True
        if any(self._value(source_row, field) != value for field, value in q.picks):
            return False
        words = q.text.casefold().split()
        if not words:
            return True
        haystack = " ".join(self._value(source_row, field) for field in SEARCHED).casefold()
        return all(word in haystack for word in words)


class DraftsFilterBar(QWidget):
    """A search box and one "All …" combo per filtered field, over the drafts list."""

    changed = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.search = QLineEdit(placeholderText="Search candidate, interviewer or form  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search drafts")
        self.combos: dict[str, QComboBox] = {}
        # Two rows: the list pane is narrow at the window's minimum size (1024 px wide).
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(4)
        rows.addWidget(self.search)
        row = QHBoxLayout()
        rows.addLayout(row)
        # Short "no filter" words: three of them share the list pane at the minimum window width.
        for field, all_text in zip(FILTERED, ("Any state", "Anyone", "Any form")):
            combo = named(QComboBox(), f"{field.capitalize()} filter")
            combo.setToolTip(f"Show only the drafts of one {field}")
            combo.addItem(all_text, None)
            combo.setMinimumContentsLength(4)  # the full value is in the drop-down and its tooltip
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.currentIndexChanged.connect(self.changed)
            self.combos[field] = combo
            row.addWidget(combo, 1)
        self.search.textChanged.connect(self.changed)

    def query(self) -> DraftsQuery:
        picks = tuple(
            (field, combo.currentData()) for field, combo in self.combos.items() if combo.currentData() is not None
        )
        return DraftsQuery(self.search.text(), picks)

    def set_choices(self, model: RowsModel) -> None:
        """Offer the values the list holds now; a pick that is no longer there stays offered, so the
        list does not silently widen under the person."""
        for field, combo in self.combos.items():
            column = model.column_of(field)
            values = {str(v) for r in range(model.rowCount()) if (v := model.index(r, column).data(SORT_ROLE))}
            current = combo.currentData()
            if current is not None:
                values.add(current)
            if values == {combo.itemData(i) for i in range(1, combo.count())}:
                continue
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            for value in sorted(values, key=str.casefold):
                combo.addItem(for_display(value), value)
                combo.setItemData(combo.count() - 1, plain_tooltip(value), Qt.ItemDataRole.ToolTipRole)  # Lever's names
            combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
            combo.blockSignals(False)
