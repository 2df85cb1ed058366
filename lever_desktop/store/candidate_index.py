"""An in-memory index of the candidate list, so every keystroke filters 100,000 rows fast.

SQLite cannot answer "name contains 'ada', active, newest first" for 100,000
opportunities in under 50 ms: each row carries Lever's raw JSON, so the scan
reads the whole table. The filter needs only a few small columns, so they are
read once (on the store's thread, after each sync) into plain lists, and
sort orders are computed once per sort key. A filter is then one pass over a
pre-sorted list of row numbers. No Qt here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from lever_desktop.store.candidates import ARCHIVED_ACTIVE, ARCHIVED_ONLY, CandidateFilter
from lever_desktop.store.driver import sqlite_connection

if TYPE_CHECKING:
    from lever_desktop.store.candidates import Connection

# Read in chunks so the window can stream the index in: each chunk is one short store call, and the
# list's own queries (a filter, a block of rows) run between them instead of after a second of reading.
CHUNK = 5_000
_COLUMNS = (
    "o.rowid",
    "o.id",
    "o.search_text",
    "o.stage_id",
    "o.owner_id",
    "o.archived_at IS NOT NULL",
    "o.updated_at",
    "lower(coalesce(o.name, ''))",
    "lower(coalesce(o.headline, ''))",
    "coalesce(s.position, 9999)",
    "lower(coalesce(u.name, ''))",
)


class IndexReader:
    """Reads the index chunk by chunk, each chunk straight into columns (holding 100,000 row objects
    at once doubled peak memory). ``read_next`` runs on the store's thread, one store call a chunk."""

    def __init__(self) -> None:
        self.columns: list[list[Any]] = [[] for _ in _COLUMNS]
        self.postings: dict[str, set[int]] = {}  # posting id -> rows
        self.read = 0  # rows so far
        self.after_rowid = 0

    def read_next(self, conn: Connection) -> bool:
        """Read the next chunk; False once nothing is left."""
        db = sqlite_connection(conn)
        appends = [c.append for c in self.columns]
        first, last = self.after_rowid, None
        for row in db.execute(
            f"SELECT {', '.join(_COLUMNS)} FROM opportunities o LEFT JOIN stages s ON s.id = o.stage_id "
            "LEFT JOIN users u ON u.id = o.owner_id WHERE o.rowid > ? ORDER BY o.rowid LIMIT ?",
            (first, CHUNK),
        ):
            for append, value in zip(appends, row):
                append(value)
            last = row[0]
        if last is None:
            return False
        ids = self.columns[1]
        position = {ids[n]: n for n in range(self.read, len(ids))}
        for opportunity_id, posting_id in db.execute(
            "SELECT op.opportunity_id, op.posting_id FROM opportunity_postings op JOIN opportunities o "
            "ON o.id = op.opportunity_id WHERE o.rowid > ? AND o.rowid <= ?",
            (first, last),
        ):
            self.postings.setdefault(posting_id, set()).add(position[opportunity_id])
        self.read, self.after_rowid = len(ids), last
        return True

    def index(self) -> CandidateIndex:
        """The index of everything read (no SQL: runs on any thread)."""
        columns = self.columns
        index = CandidateIndex(
            ids=columns[1],
            text=columns[2],
            stage=columns[3],
            owner=columns[4],
            archived=[bool(v) for v in columns[5]],
            sort_values={
                "updated": [v or 0 for v in columns[6]],
                "name": columns[7],
                "headline": columns[8],
                "stage": columns[9],
                "owner": columns[10],
            },
            postings=self.postings,
        )
        index.order("updated")  # the default view's order, ready before the first keystroke
        return index


@dataclass
class CandidateIndex:
    ids: list[str]
    text: list[str]  # lower-cased name + emails (the store's search_text)
    stage: list[str | None]
    owner: list[str | None]
    archived: list[bool]
    sort_values: dict[str, list[Any]]
    postings: dict[str, set[int]]  # posting id -> rows
    _orders: dict[str, list[int]] = field(default_factory=dict)
    _base_key: tuple[Any, ...] | None = None
    _base_rows: list[int] = field(default_factory=list)
    _last: tuple[str, list[int]] = ("", [])

    @classmethod
    def load(cls, conn: Connection) -> CandidateIndex:
        """Read the whole index in one go (the store's thread is held for all of it: tests, commands)."""
        reader = IndexReader()
        while reader.read_next(conn):
            pass
        return reader.index()

    def __len__(self) -> int:
        return len(self.ids)

    def order(self, key: str) -> list[int]:
        """Row numbers sorted ascending by ``key`` (ties by id, so the order is stable)."""
        if key not in self._orders:
            values, ids = self.sort_values[key], self.ids
            self._orders[key] = sorted(range(len(ids)), key=lambda i: (values[i], ids[i]))
        return self._orders[key]

    def _base(self, f: CandidateFilter, sort: str, descending: bool) -> list[int]:
        """Rows passing every filter but the text, in display order (cached: it rarely changes)."""
        key = (sort, descending, f.archived, f.stage_id, f.owner_id, f.posting_id)
        if self._base_key != key:
            rows = self.order(sort)
            if descending:
                rows = rows[::-1]
            if f.archived in (ARCHIVED_ACTIVE, ARCHIVED_ONLY):
                want, archived = f.archived == ARCHIVED_ONLY, self.archived
                rows = [i for i in rows if archived[i] is want]
            if f.stage_id:
                stage = self.stage
                rows = [i for i in rows if stage[i] == f.stage_id]
            if f.owner_id:
                owner = self.owner
                rows = [i for i in rows if owner[i] == f.owner_id]
            if f.posting_id:
                members = self.postings.get(f.posting_id, set())
                rows = [i for i in rows if i in members]
            self._base_key, self._base_rows, self._last = key, rows, ("", rows)
        return self._base_rows

    def filter(self, f: CandidateFilter, sort: str = "updated", descending: bool = True) -> list[str]:
        sort = sort if sort in self.sort_values else "updated"
        rows = self._base(f, sort, descending)
        needle = f.text.strip().lower()
        if needle:
            # Typing on narrows the previous result instead of scanning everything again.
            last_needle, last_rows = self._last
            source = last_rows if last_needle and last_needle in needle else rows
            text = self.text
            rows = [i for i in source if needle in text[i]]
            self._last = (needle, rows)
        ids = self.ids
        return [ids[i] for i in rows]
