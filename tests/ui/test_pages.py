"""Table pages as a recruiter first sees them: sorted by name, nothing clipped, counts aligned."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import Qt

from lever_desktop.ui.pages import CandidatesPage, TablePage
from lever_desktop.ui.table_models import Column, RowsModel


class Posting(NamedTuple):
    id: str
    title: str
    state: str
    candidates: int


COLUMNS = (Column("Posting", "title"), Column("State", "state"), Column("Candidates", "candidates"))
ROWS = [
    Posting("p3", "Technical Writer", "published", 1),
    Posting("p1", "Account Executive", "pending", 12),
    Posting("p2", "Customer Success Manager", "published", 4),
]


def test_a_table_page_sorts_by_its_first_column_and_fits_it(qtbot):
    page = TablePage(COLUMNS, key="id", title="Postings")
    qtbot.addWidget(page)
    page.model.set_rows(ROWS)
    shown = [page.proxy.index(r, 0).data() for r in range(3)]
    assert shown == ["Account Executive", "Customer Success Manager", "Technical Writer"]
    width = page.table.fontMetrics().horizontalAdvance("Customer Success Manager")
    assert page.table.horizontalHeader().sectionSize(0) > width  # the longest name is not elided
    assert page.proxy.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert not page.proxy.index(0, 1).data(Qt.ItemDataRole.TextAlignmentRole)


def test_a_refill_keeps_the_widths_the_person_chose(qtbot):
    page = TablePage(COLUMNS, key="id", title="Postings")
    qtbot.addWidget(page)
    page.model.set_rows(ROWS)
    page.table.horizontalHeader().resizeSection(0, 90)
    page.model.set_rows(ROWS + [Posting("p4", "Data Scientist", "closed", 8)])
    assert page.table.horizontalHeader().sectionSize(0) == 90


def test_a_cell_tooltip_from_outside_shows_its_markup_as_text(qtbot):
    from PySide6.QtGui import QTextDocument

    class Failed(NamedTuple):
        draft_id: str
        error: str

    page = TablePage((Column("Draft", "draft_id"), Column("Error", "error")), key="draft_id", title="Outbox")
    qtbot.addWidget(page)
    error = "Lever said: <img src='x.png'><a href='https://evil.example/'>R&D</a>\nretry later"
    page.model.set_rows([Failed("d-1", error)])
    tip = page.proxy.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    shown = QTextDocument()
    shown.setHtml(tip)  # how Qt treats a tooltip that looks like HTML
    assert shown.toPlainText() == error
    assert page.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "d-1"  # plain text stays as it is


def test_a_chosen_filter_whose_choice_a_sync_removed_stays_chosen_and_offered(qtbot):
    """Filtered on an owner whose last candidate a sync gave to someone else: the owner left the choices and
    the filter fell back to "All owners" unsaid, while the list stayed filtered on them. As in the drafts
    filter, the pick stays offered and chosen until the recruiter picks another."""
    page = CandidatesPage(RowsModel([Column("Name", "name"), Column("Updated", "updated")], key="name"))
    qtbot.addWidget(page)
    page.set_choices("owner", [("u1", "Zoe Owner"), ("u2", "Al Owner")])
    page.owner.setCurrentIndex(page.owner.findData("u2"))
    with qtbot.assertNotEmitted(page.filterChanged):
        page.set_choices("owner", [("u1", "Zoe Owner")])
    assert (page.owner.currentData(), page.owner.currentText()) == ("u2", "Al Owner")
    page.owner.setCurrentIndex(page.owner.findData("u1"))
    page.set_choices("owner", [("u1", "Zoe Owner")])
    assert page.owner.findData("u2") < 0  # no longer chosen: no longer offered
