"""Tables with named columns: a refill changes rows in place (the person's selection and scroll
stay), the key and the raw sort value reach through the proxy, and the lazy table knows nothing of
candidates beyond what its columns say."""

from __future__ import annotations

import asyncio
from typing import NamedTuple

from PySide6.QtCore import QModelIndex, Qt

from lever_desktop.ui.pages import TablePage
from lever_desktop.ui.table_models import KEY_ROLE, SORT_ROLE, Column, LazyTableModel, format_ms

DAY_MS = 86_400_000
T0 = 1_733_000_000_000  # ms: beyond 32 bits, as every time we show is


class Waiting(NamedTuple):
    draft_id: str
    candidate: str
    attempts: int
    approved: int


COLUMNS = (
    Column("Candidate", "candidate"),
    Column("Attempts", "attempts"),
    Column("Approved", "approved", time=format_ms),
)


def _outbox(n: int) -> list[Waiting]:
    return [Waiting(f"d-{i:03}", f"Candidate {i:03}", 1, T0 + i * DAY_MS) for i in range(n)]


def _page(qtbot) -> TablePage:
    page = TablePage(COLUMNS, key="draft_id", title="Outbox", sort=("approved", Qt.SortOrder.AscendingOrder))
    qtbot.addWidget(page)
    page.resize(600, 300)
    page.show()
    qtbot.waitExposed(page)
    return page


def _select(page: TablePage, draft_id: str) -> None:
    proxy_index = page.proxy.mapFromSource(page.model.index(page.model.row_of(draft_id), 0))
    page.table.setCurrentIndex(proxy_index)
    page.table.scrollTo(proxy_index, page.table.ScrollHint.PositionAtCenter)


class _Signals:
    def __init__(self, model) -> None:
        self.resets, self.changed = 0, []
        model.modelReset.connect(self._reset)
        model.dataChanged.connect(lambda first, last, _roles=(): self.changed.append((first.row(), last.row())))

    def _reset(self) -> None:
        self.resets += 1


def test_a_refresh_with_one_changed_row_keeps_the_selection_and_the_scroll_position(qtbot):
    page = _page(qtbot)
    rows = _outbox(200)
    page.model.set_rows(rows)
    _select(page, "d-150")
    scrolled = page.table.verticalScrollBar().value()
    assert scrolled > 0
    seen = _Signals(page.model)

    rows[150] = rows[150]._replace(attempts=2)  # the outbox tried again
    page.model.set_rows(list(rows))

    assert seen.resets == 0
    assert seen.changed == [(page.model.row_of("d-150"),) * 2]  # that row, and only it
    assert page.selected_key() == "d-150"
    assert page.table.verticalScrollBar().value() == scrolled
    current = page.table.currentIndex()
    assert current.data(KEY_ROLE) == "d-150" and current.siblingAtColumn(1).data() == "2"


def test_rows_that_went_and_came_are_removed_and_added_without_a_reset(qtbot):
    page = _page(qtbot)
    rows = _outbox(50)
    page.model.set_rows(rows)
    _select(page, "d-030")
    seen = _Signals(page.model)

    sent, new = rows[10], Waiting("d-new", "Newly approved", 0, T0 - DAY_MS)
    page.model.set_rows([new] + [r for r in rows if r is not sent])

    assert seen.resets == 0
    assert page.selected_key() == "d-030"
    assert page.model.row_of(sent.draft_id) == -1 and page.model.rowCount() == 50
    assert page.proxy.index(0, 0).data(KEY_ROLE) == "d-new"  # sorted into place by its approval time


def test_sorting_compares_raw_values_and_shows_formatted_ones(qtbot):
    page = _page(qtbot)
    page.model.set_rows(
        [Waiting("d-a", "A", 10, T0 + 2 * DAY_MS), Waiting("d-b", "B", 9, T0), Waiting("d-c", "C", 100, T0 + DAY_MS)]
    )
    assert [page.proxy.index(r, 0).data(KEY_ROLE) for r in range(3)] == ["d-b", "d-c", "d-a"]
    assert page.proxy.index(0, 2).data() == format_ms(T0) and page.proxy.index(0, 2).data(SORT_ROLE) == T0
    page.table.sortByColumn(page.model.column_of("attempts"), Qt.SortOrder.AscendingOrder)
    assert [page.proxy.index(r, 1).data() for r in range(3)] == ["9", "10", "100"]  # numbers, not text


class Person(NamedTuple):
    name: str
    note: str | None
    left_at: int | None


def test_a_lazy_table_shows_what_its_columns_say_and_sorts_by_their_key(runner, qtbot):
    people = {"p1": Person("Ada", "a <b>long</b> note", None), "p2": Person("Grace", None, T0)}

    async def fetch(ids: list[str]) -> dict[str, Person]:
        await asyncio.sleep(0)
        return {i: people[i] for i in ids if i in people}

    columns = (
        Column("Name", "name", sort="name", tooltip=False),
        Column("Note", "note"),
        Column("Left", "left_at", time=format_ms, sort="left"),
    )
    model = LazyTableModel(columns, fetch, runner, greyed=lambda p: p.left_at is not None)
    model.set_ids(["p1", "p2", "gone"])
    assert model.index(0, 0).data() == "…"
    qtbot.waitUntil(lambda: model.index(0, 0).data() == "Ada")

    tip = Qt.ItemDataRole.ToolTipRole
    assert model.index(0, 0).data(tip) is None  # its column asks for none
    assert model.index(0, 1).data(tip) == "<p style='white-space:pre-wrap'>a &lt;b&gt;long&lt;/b&gt; note</p>"
    assert model.index(1, 2).data() == format_ms(T0)
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole).italic()
    assert model.index(0, 0).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(2, 0).data() == "(removed)" and model.index(2, 0).data(KEY_ROLE) == "gone"

    asked = []
    model.sortRequested.connect(lambda key, descending: asked.append((key, descending)))
    model.sort(model.column_of("left_at"), Qt.SortOrder.DescendingOrder)
    model.sort(model.column_of("note"))  # not sortable: nothing to ask the database
    assert asked == [("left", True)]
    assert model.rowCount(QModelIndex()) == 3
