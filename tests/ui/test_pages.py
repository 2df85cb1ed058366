"""Table pages as a recruiter first sees them: sorted by name, nothing clipped, counts aligned."""

from __future__ import annotations

from typing import NamedTuple

from PySide6.QtCore import QPoint, Qt

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


def test_the_outbox_widens_its_columns_for_what_a_later_refill_says(qtbot):
    """Seen in the sandbox: the outbox's columns were fitted once, to its first row ("Approved (Undo)",
    no error yet); when the send went wrong, "Checking whether Lever stored it…" and Lever's words were
    cut to "Checking wheth…" and "Lever rejecte…" beside an Approved column of blank width."""
    from lever_desktop.ui.outbox_page import OutboxPage, OutboxRow

    page = OutboxPage()
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    qtbot.waitExposed(page)
    table, model = page.pending.table, page.pending.model
    model.set_rows([OutboxRow("d-1", "Frances Haddad", "Approved (Undo)", "", 0, "", 1764950000000)])
    checking, rejected = "Checking whether Lever stored it…", "Lever rejected the form"
    model.set_rows(
        [
            OutboxRow("d-1", "Frances Haddad", checking, "", 1, "left in flight", 1764950000000),
            OutboxRow("d-2", "Ada Lamport", "Needs attention", rejected, 1, rejected, 1764950100000),
        ]
    )
    header, fm = table.horizontalHeader(), table.fontMetrics()

    def fits(field: str, words: str) -> bool:
        return header.sectionSize(model.column_of(field)) > fm.horizontalAdvance(words)

    qtbot.waitUntil(lambda: fits("state", checking) and fits("why", rejected) and fits("last_error", rejected))
    # a column the person sized stays as they left it
    header.resizeSection(model.column_of("state"), 70)
    longer = checking + " once more"
    model.set_rows([OutboxRow("d-3", "Hedy Cerf", longer, "", 2, longer, 1)])
    qtbot.waitUntil(lambda: fits("last_error", longer))  # the refill was fitted...
    assert header.sectionSize(model.column_of("state")) == 70  # ...around the person's width


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


class Draft(NamedTuple):
    id: str
    candidate: str
    state: str
    form: str
    interviewer: str


def _a_narrow_list_scrolled_nowhere(qtbot) -> TablePage:
    """The drafts list as it sits beside the review pane: wider than its room, the names in its first column."""
    columns = (
        Column("Candidate", "candidate", width=150),
        Column("State", "state", width=100),
        Column("Form", "form", width=220),
        Column("Interviewer", "interviewer", width=260),
    )
    page = TablePage(columns, key="id", title="Drafts waiting for your review", fit_columns=False)
    qtbot.addWidget(page)
    page.model.set_rows(
        [
            Draft(f"d{n:02}", f"Candidate {n:02}", "To review", "Technical interview", "ines@example.com")
            for n in range(40)
        ]
    )
    page.resize(360, 300)
    page.show()
    qtbot.waitExposed(page)
    across = page.table.horizontalScrollBar()
    assert across.maximum() > 0 and across.value() == 0  # the list needs scrolling sideways, and is not
    return page


def test_clicking_a_row_where_a_column_is_half_in_view_keeps_the_names_in_view(qtbot):
    """A click on the Form column, half in view, chose the row and scrolled the list sideways to that cell:
    the candidates' names went out of sight, and Down (or the next draft chosen) kept them out."""
    page = _a_narrow_list_scrolled_nowhere(qtbot)
    table, across = page.table, page.table.horizontalScrollBar()
    cell = table.visualRect(page.proxy.index(2, 2))
    assert cell.right() > table.viewport().width()  # the Form column runs past the list's right edge
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=cell.topLeft() + QPoint(5, 5))
    assert table.currentIndex().row() == 2
    assert across.value() == 0
    down = table.verticalScrollBar()
    for _ in range(30):  # down the list, past its last row in view
        qtbot.keyClick(table, Qt.Key.Key_Down)
    assert table.currentIndex().row() == 32
    assert down.value() > 0  # up and down still follow the chosen row
    assert across.value() == 0
    chosen = page.proxy.index(5, 3)
    table.setCurrentIndex(chosen)  # chosen by the window (Next draft, a search)
    name = table.visualRect(page.proxy.index(5, 0))
    assert table.viewport().rect().contains(name)  # scrolled up to the row: its name in view
    assert across.value() == 0


def test_left_right_home_and_end_still_bring_the_cell_they_move_to_into_view(qtbot):
    page = _a_narrow_list_scrolled_nowhere(qtbot)
    table, across = page.table, page.table.horizontalScrollBar()
    table.setCurrentIndex(page.proxy.index(0, 0))
    for _ in range(3):
        qtbot.keyClick(table, Qt.Key.Key_Right)
    assert table.currentIndex().column() == 3
    assert across.value() == across.maximum()  # the last column, in view
    qtbot.keyClick(table, Qt.Key.Key_Home)
    assert table.currentIndex().column() == 0 and across.value() == 0
    qtbot.keyClick(table, Qt.Key.Key_End)
    assert table.currentIndex().column() == 3 and across.value() > 0
