"""Candidates: filter and sort 100,000 rows as you type, show the selected profile.

Every keystroke filters an in-memory index of the list (``CandidateIndex``,
off the GUI thread; SQLite while the index streams in at start-up: the first screen
first, along the index on ``updated_at``, then the rest and the count); while that runs,
further keystrokes only remember the newest filter, which runs next — so the
window never waits and never shows a stale result after a fresh one (the task
runner's ``latest`` option).

At start-up the list reads a first look at the cache (``store/reader.py``, plain sqlite3) before the
session exists, so its first screen is in the window's first paint; ``attach`` then hands it the
session's store.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut

from lever_desktop import config
from lever_desktop.messages import plural
from lever_desktop.store import candidates
from lever_desktop.store.reader import FirstLookFailed
from lever_desktop.ui.pages import CandidatesPage, profile_html
from lever_desktop.ui.table_models import BLOCK, Column, LazyTableModel, format_ms
from lever_desktop.ui.tasks import TaskRunner, in_thread

if TYPE_CHECKING:
    import asyncio

    from lever_desktop.store.candidate_index import CandidateIndex

# Of candidates.CandidateRow; ``sort`` is the key of CANDIDATE_SORTS and CandidateIndex (the list is sorted in
# SQL or the index, never in Qt). Headlines and postings are long: hovering shows them whole.
COLUMNS = (
    Column("Name", "name", sort="name", tooltip=False, width=200),
    Column("Headline", "headline", sort="headline", width=260),
    Column("Stage", "stage", sort="stage", tooltip=False, width=140),
    Column("Postings", "postings", width=220),
    Column("Owner", "owner", sort="owner", tooltip=False, width=140),
    Column("Updated", "updated", time=format_ms, sort="updated", tooltip=False),
)
FILTER = "filter candidates"  # the task runner's key: the newest filter wins
INDEX = "index candidates"  # the same for (re)loading the index after a sync


class CandidatesController(QObject):
    filtered = Signal(int, float)  # rows, seconds from the change to the model update
    index_failed = Signal()  # the index could not be read: the list goes on from SQLite (the error path says why)

    def __init__(self, session, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.model = LazyTableModel(
            COLUMNS,
            lambda ids: self._read(candidates.candidate_rows, ids),
            runner,
            greyed=lambda row: bool(row.archived_at),
            quiet=_first_look_over,  # read again from the session's store when next painted
        )
        self.page = CandidatesPage(self.model)
        self._sort = ("updated", True)
        self._listing = 0  # counts refilters: the rest of an older filter's list is dropped
        self._rest: asyncio.Task | None = None  # reading the rest of the list after its first screen
        self._first_rest: tuple[candidates.CandidateFilter, str, bool, int] | None = None  # see go_on
        self.index: CandidateIndex | None = None
        self._choices_reading = 0  # reads of them asked for and not answered yet
        self._choices_asked = 0  # reads of them asked for so far: each one's number
        self._choices_filled = 0  # the number of the read the filters hold (0: none yet)
        self._choices_after_list = False  # at start: read once the list has nothing left to read (go_on)
        self.page.count.setText("Loading…")  # until the first filter answers: no count is better than a wrong one
        self.page.filterChanged.connect(self.refilter)
        self.model.sortRequested.connect(self._sort_requested)
        self.page.table.selectionModel().currentRowChanged.connect(self._show_profile)
        self.page.feedback_notice.show_button.clicked.connect(self.show_others_feedback)
        QShortcut(
            QKeySequence.StandardKey.Find,
            self.page,
            self.page.search.setFocus,
            context=Qt.ShortcutContext.WindowShortcut,
        )

    async def _read(self, fn, *args):
        """``fn`` on the cache the list reads now, chosen when the read starts: a read asked for before the
        session's store took over (``attach``) but started after goes to the store, not the first look."""
        return await self.session.store.call(fn, *args)

    def attach(self, session) -> None:
        """From the first look at the cache to the session's store (reads under way end on the first look,
        which the caller closes after this; reads asked for but not yet started go to the store)."""
        self.session = session
        # A candidate chosen during the first look: their profile read again from the store (the first
        # look's read may have failed) and freshened from Lever, which the first look has no way to.
        self._show_profile(self.page.table.currentIndex())

    def show_first_screen_now(self) -> bool:
        """The first screen read on this thread (milliseconds, time-boxed by the first look), for a window
        about to paint, before there is an event loop; ``go_on`` lists the rest. False if it could not be read."""
        f = self.current_filter()
        sort, descending = self._sort
        try:
            page = self.session.store.call_now(candidates.candidate_page, f, sort, descending, BLOCK)
        except FirstLookFailed:
            return False
        if page is None:  # no index for this order: the whole list is too long to read in a first paint
            return False
        ids, rows, complete = page
        self._listing += 1
        self._apply(ids, rows, counted=complete)
        self._first_rest = None if complete else (f, sort, descending, self._listing)
        return True

    def go_on(self) -> None:
        """Once the event loop runs: the rest of the first screen's list and its count, then the filter
        choices. The list's own reads go first: the owners' query (15-40 ms on 100,000 candidates) read
        beside them slowed a filter typed as the list appeared (answered 14-18 ms after the keystroke
        instead of 8-10 ms, bench_ui's child runs)."""
        rest, self._first_rest = self._first_rest, None
        if rest is not None and rest[3] == self._listing:  # not filtered again meanwhile
            self._list_the_rest(*rest)
        self._choices_after_list = True
        self._choices_when_listed()

    def _choices_when_listed(self) -> None:
        """The filter choices go_on put off, once the list (a filter typed meanwhile included) is read."""
        if self._choices_after_list and self._rest is None and not self.filtering():
            self.load_choices()

    def current_filter(self) -> candidates.CandidateFilter:
        p = self.page
        return candidates.CandidateFilter(
            text=p.search.text(),
            stage_id=p.stage.currentData(),
            posting_id=p.posting.currentData(),
            owner_id=p.owner.currentData(),
            archived=p.archived.currentData(),
        )

    def refilter(self) -> None:
        f, started = self.current_filter(), time.perf_counter()
        sort, descending = self._sort
        self._listing += 1
        listing = self._listing
        if self._rest is not None:  # the rest of an older filter's list: not read at all if still queued
            self._rest.cancel()
            self._rest = None

        def done(result: tuple[list[str], dict, bool]) -> None:
            ids, rows, complete = result
            self._apply(ids, rows, counted=complete)
            self.filtered.emit(len(ids), time.perf_counter() - started)
            if not complete:
                self._list_the_rest(f, sort, descending, listing)
            self._choices_when_listed()

        async def from_index(index: CandidateIndex) -> tuple[list[str], dict, bool]:
            return await in_thread(index.filter, f, sort, descending), {}, True  # rows: by block, the store is idle

        async def from_store() -> tuple[list[str], dict, bool]:
            # Until the index has streamed in, SQLite answers (slower, but the list shows at once): first
            # the first screen, along the index on updated_at, then the rest and the count.
            page = await self._read(candidates.candidate_page, f, sort, descending, BLOCK)
            if page is not None:
                return page
            return *await self._read(candidates.candidate_list, f, sort, descending, BLOCK), True

        work = from_index(self.index) if self.index is not None else from_store()
        self.runner.run(
            work, owner=self.page, on_success=done, on_failure=_first_look_over, name="filter candidates", latest=FILTER
        )

    def _list_the_rest(self, f: candidates.CandidateFilter, sort: str, descending: bool, listing: int) -> None:
        def listed(ids: list[str]) -> None:
            if listing != self._listing:  # the filter changed since: its own answer is on its way
                return
            self._rest = None
            selected = self._selected_id()
            # A sync's write may have landed between the first screen and the rest: then the rest
            # replaces the first screen instead of going on from it, and the chosen candidate is
            # chosen again where it is now.
            self.model.extend_ids(ids)
            self.page.count.setText(plural(len(ids), "candidate"))
            self._choose(selected)
            self._choices_when_listed()

        def failed(error: BaseException) -> bool:
            if listing == self._listing:
                self._rest = None
                self._choices_when_listed()
            return _first_look_over(error)  # else the error path says what went wrong

        self._rest = self.runner.run(
            self._read(candidates.candidate_ids, f, sort, descending),
            owner=self.page,
            on_success=listed,
            on_failure=failed,
            name="list candidates",
        )

    def filtering(self) -> bool:
        """The newest filter's first screen is not shown yet (benchmarks wait on it)."""
        return self.runner.busy(latest=FILTER)

    def counting(self) -> bool:
        """The rest of the list after a first screen, and its count, are still being read."""
        return self._rest is not None  # until its answer is shown (a done task's callbacks may still wait)

    def load_index(self) -> None:
        """(Re)build the in-memory filter index; the list refilters with it.

        It streams in chunk by chunk (``IndexReader.read_next``), each one short store call, so the
        list's first screen, a block of rows or a typed filter (SQLite meanwhile) never waits behind a
        second of reading. The newest load wins: a sync finishing meanwhile starts it over."""

        from lever_desktop.store.candidate_index import IndexReader  # not before the first paint: it streams in

        async def load() -> CandidateIndex:
            reader = IndexReader()
            while await self._read(reader.read_next):
                pass
            return await in_thread(reader.index)

        def loaded(index: CandidateIndex) -> None:
            self.index = index
            self.refilter()

        def failed(_error: BaseException) -> None:
            self.index_failed.emit()  # returns None: the error path reports it too

        self.runner.run(
            load(), owner=self.page, on_success=loaded, on_failure=failed, name="index candidates", latest=INDEX
        )

    def _apply(self, ids: list[str], rows: dict, *, counted: bool = True) -> None:
        selected = self._selected_id()
        self.model.set_ids(ids, rows)
        # A first screen alone: the count follows with the rest of the list (``_list_the_rest``).
        self.page.count.setText(plural(len(ids), "candidate") if counted else "Counting…")
        self._choose(selected)

    def _choose(self, selected: str | None) -> None:
        """Select the candidate ``selected`` again after the ids changed, if it is still listed."""
        if not selected or self._selected_id() == selected:
            return
        row = self.model.row_of(selected)
        if row >= 0:
            self.page.table.selectRow(row)

    def _sort_requested(self, key: str, descending: bool) -> None:
        self._sort = (key, descending)
        self.refilter()

    def _selected_id(self) -> str | None:
        index = self.page.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def _show_profile(self, current, _previous=None) -> None:
        opportunity_id = self.model.id_at(current.row()) if current.isValid() else None
        if opportunity_id is None:
            return
        self._load_profile(opportunity_id)
        if self.session.engine is not None:  # freshen panels/interviews/feedback in the background
            self.runner.run(
                self.session.engine.refresh_opportunity(opportunity_id),
                owner=self.page,
                on_success=lambda _r: self._profile_refreshed(opportunity_id),
                on_failure=lambda _e: True,
                name="refresh candidate",
            )

    def _profile_refreshed(self, opportunity_id: str) -> None:
        if self._selected_id() == opportunity_id:
            self._load_profile(opportunity_id)

    def _load_profile(self, opportunity_id: str) -> None:
        # The privacy choice is read each time: Settings or the notice may have changed it since.
        async def load() -> tuple[dict | None, bool]:
            visible = (await in_thread(config.Settings.load)).others_feedback_visible
            return await self._read(candidates.candidate_profile, opportunity_id, visible), visible

        def show(result: tuple[dict | None, bool]) -> None:
            profile, visible = result
            self.page.profile.setHtml(profile_html(profile))
            self.page.feedback_notice.setVisible(not visible and profile is not None and not profile.get("anonymised"))

        self.runner.run(load(), owner=self.page, on_success=show, on_failure=_first_look_over, name="load profile")

    def show_others_feedback(self) -> None:
        """The notice's "Show them": the same switch as Settings → Privacy, saved at once."""

        def turned_on(_result: None) -> None:
            self.page.feedback_notice.hide()
            selected = self._selected_id()
            if selected:
                self._load_profile(selected)

        self.runner.run(
            in_thread(_show_others_feedback), owner=self.page, on_success=turned_on, name="show others' feedback"
        )

    def load_choices(self) -> None:
        """The stage, posting and owner filters' choices, read (again: after a sync)."""
        asked_of = self.session
        self._choices_after_list = False
        self._choices_reading += 1
        self._choices_asked += 1
        number = self._choices_asked

        def fill(choices: dict) -> None:
            self._choices_reading -= 1
            if number < self._choices_filled:  # the first look's, answering after a sync's newer read
                return  # (its stages replaced the new ones and reset a filter chosen on one)
            self._choices_filled = number
            for key, pairs in choices.items():
                self.page.set_choices(key, pairs)

        def failed(error: BaseException) -> bool:
            self._choices_reading -= 1
            if isinstance(error, FirstLookFailed) and self.session is not asked_of:
                self.load_choices()  # the store took over while the first look failed: it reads them now
            return _first_look_over(error)

        self.runner.run(
            self._read(candidates.filter_choices),
            owner=self.page,
            on_success=fill,
            on_failure=failed,
            name="load filters",
        )

    def load_choices_unless_read(self) -> None:
        """The filters' choices, once the session is open, unless the first look read them or is reading
        them (a read of it that fails after the store took over is read again there): a second owner query
        at start-up (15-40 ms on 100,000) competed with the list's own reads."""
        if not self._choices_filled and not self._choices_reading:
            self.load_choices()

    def cache_changed(self) -> None:
        """After a sync: new filter choices, a fresh index, and the visible rows re-read."""
        self.load_choices()
        self.model.refresh_rows()
        self.load_index()


def _first_look_over(error: BaseException) -> bool:
    """A read of the first look that failed: the session's store, opened next, lists again (or says
    what is wrong with the cache); nothing to tell anyone here."""
    return isinstance(error, FirstLookFailed)


def _show_others_feedback() -> None:
    settings = config.Settings.load()
    settings.show_others_feedback = True
    settings.save()
