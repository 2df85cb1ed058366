"""The candidate list and profile as the cache answers them (one way to filter, sort and read).

Lists of 100,000 candidates follow Anki's browser: filtering and sorting are
one SQL query that returns only ids; rows are then read in small blocks by id
when the table needs them. The window filters keystrokes through the in-memory
``CandidateIndex`` (candidate_index.py), which gives the same order as
``candidate_ids``. Every function takes the store's ``conn`` or the reader's sqlite3 connection
(``store/reader.py``: the window's first look, before SQLAlchemy is imported), runs plain sqlite3,
and returns plain named tuples, dicts and dataclasses.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from lever_desktop.store.driver import sqlite_connection

if TYPE_CHECKING:
    import sqlite3

    import sqlalchemy as sa

    Connection = sa.Connection | sqlite3.Connection

ARCHIVED_ANY, ARCHIVED_ACTIVE, ARCHIVED_ONLY = "any", "active", "archived"


@dataclass(frozen=True)
class CandidateFilter:
    text: str = ""
    stage_id: str | None = None
    posting_id: str | None = None
    owner_id: str | None = None
    archived: str = ARCHIVED_ACTIVE


# Column key -> ORDER BY expression (ids only: the expensive joins stay in the row fetch).
CANDIDATE_SORTS = {  # the same keys and NULL handling as CandidateIndex, so both give one order
    "name": "lower(coalesce(o.name, ''))",
    "stage": "coalesce((SELECT position FROM stages s WHERE s.id = o.stage_id), 9999)",
    "owner": "lower(coalesce((SELECT name FROM users u WHERE u.id = o.owner_id), ''))",
    "updated": "coalesce(o.updated_at, 0)",
    "headline": "lower(coalesce(o.headline, ''))",
}


def _where(f: CandidateFilter, *, by_updated_index: bool = False) -> tuple[list[str], dict[str, Any]]:
    """The filter as SQL terms. ``by_updated_index``: the archived term is written so SQLite does not
    pick its index (``+``), leaving it the index on ``updated_at``, which reads in the list's order."""
    where, params = ["1=1"], {}
    if f.text.strip():
        # search_text is lower-cased name + emails; LIKE with an escaped needle.
        needle = f.text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        where.append("o.search_text LIKE :needle ESCAPE '\\'")
        params["needle"] = f"%{needle}%"
    if f.stage_id:
        where.append("o.stage_id = :stage")
        params["stage"] = f.stage_id
    if f.owner_id:
        where.append("o.owner_id = :owner")
        params["owner"] = f.owner_id
    if f.posting_id:
        where.append("o.id IN (SELECT opportunity_id FROM opportunity_postings WHERE posting_id = :posting)")
        params["posting"] = f.posting_id
    archived = "+o.archived_at" if by_updated_index else "o.archived_at"
    if f.archived == ARCHIVED_ACTIVE:
        where.append(f"{archived} IS NULL")
    elif f.archived == ARCHIVED_ONLY:
        where.append(f"{archived} IS NOT NULL")
    return where, params


def candidate_ids(conn: Connection, f: CandidateFilter, sort: str = "updated", descending: bool = True) -> list[str]:
    where, params = _where(f)
    order = CANDIDATE_SORTS.get(sort, CANDIDATE_SORTS["updated"])
    direction = "DESC" if descending else "ASC"
    sql = f"SELECT o.id FROM opportunities o WHERE {' AND '.join(where)} ORDER BY {order} {direction}, o.id {direction}"
    # On the driver's cursor: 100,000 ids as SQLAlchemy rows took half as long again as the query itself.
    return [r[0] for r in sqlite_connection(conn).execute(sql, params)]


def candidate_list(
    conn: Connection, f: CandidateFilter, sort: str, descending: bool, first: int
) -> tuple[list[str], dict[str, CandidateRow]]:
    """``candidate_ids`` and the rows of the ``first`` of them: the first screen in one store call, not
    queued behind whatever else the window asked the store for meanwhile (start-up asks a lot)."""
    ids = candidate_ids(conn, f, sort, descending)
    return ids, candidate_rows(conn, ids[:first])


def candidate_page(
    conn: Connection, f: CandidateFilter, sort: str, descending: bool, first: int
) -> tuple[list[str], dict[str, CandidateRow], bool] | None:
    """The first ``first`` ids of ``candidate_ids`` and their rows, read along the index on
    ``updated_at`` (the list's start-up order, newest first), which stops after ``first`` matches:
    milliseconds, where the whole list sorts every matching row of a 100,000-row table first.

    The undated (no ``updated_at``, or 0 or less) sort last; of them too only what the first screen
    still lacks is read, plus one to know whether more follow: a cache of undated candidates read
    every id on the window's thread (over 100 ms of the first look's 150 on 100,000).

    Returns (ids, rows, complete); ``complete`` is False when more follow (``candidate_ids`` has
    them all). None for another order, which has no such index: the caller reads the whole list.
    """
    if sort != "updated" or not descending:
        return None
    where, params = _where(f, by_updated_index=True)
    terms = " AND ".join(where)
    db = sqlite_connection(conn)
    wanted = first + 1  # one more than the screen: whether the list goes on past it
    # In candidate_ids' order (``coalesce(updated_at, 0) DESC, id DESC``): the dated, newest first; the
    # undated at 0 (NULL or 0) by id; those before 1970 (negative), newest first.
    ids = _ids(db, f"{terms} AND o.updated_at > 0", "o.updated_at DESC, o.id DESC", params, wanted)
    if len(ids) < wanted:
        ids += _undated_by_id(db, terms, params, wanted - len(ids))
    if len(ids) < wanted:
        ids += _ids(db, f"{terms} AND o.updated_at < 0", "o.updated_at DESC, o.id DESC", params, wanted - len(ids))
    ids, complete = ids[:first], len(ids) <= first
    return ids, candidate_rows(conn, ids), complete


# The newest ids looked at to tell whether most candidates are undated (``_undated_by_id``): under a millisecond.
UNDATED_SAMPLE = 1_000


def _undated_by_id(db: sqlite3.Connection, terms: str, params: dict[str, Any], wanted: int) -> list[str]:
    """The first ``wanted`` undated matches (``updated_at`` NULL or 0) by id, newest id first.

    Where most candidates are undated, along the ids (the primary key's index), which stops once they are
    found: a millisecond, where the index on ``updated_at`` reads every undated match and sorts them (70 ms
    of 100,000). Where few are, that index, which reads only them: along the ids, finding the few would
    look at every candidate."""
    looked_at, undated = db.execute(
        "SELECT count(*), total(coalesce(updated_at, 0) = 0) "
        "FROM (SELECT updated_at FROM opportunities ORDER BY id DESC LIMIT :n)",
        {"n": UNDATED_SAMPLE},
    ).fetchone()
    if undated * 2 >= looked_at:
        return _ids(db, f"{terms} AND coalesce(o.updated_at, 0) = 0", "o.id DESC", params, wanted)
    return _ids(db, f"{terms} AND (o.updated_at IS NULL OR o.updated_at = 0)", "o.id DESC", params, wanted)


def _ids(db: sqlite3.Connection, terms: str, order: str, params: dict[str, Any], limit: int) -> list[str]:
    sql = f"SELECT o.id FROM opportunities o WHERE {terms} ORDER BY {order} LIMIT :limit"
    return [r[0] for r in db.execute(sql, {**params, "limit": limit})]


class CandidateRow(NamedTuple):
    """One line of the candidate list."""

    name: str | None
    headline: str | None
    stage: str | None
    postings: str | None  # their titles, comma-separated
    owner: str | None
    updated: int | None
    archived_at: int | None


def candidate_rows(conn: Connection, ids: Sequence[str]) -> dict[str, CandidateRow]:
    """Display rows for ``ids`` (a block of at most a few hundred)."""
    if not ids:
        return {}
    sql = f"""
        SELECT o.id, o.name, o.headline, s.text, (
                 SELECT group_concat(p.text, ', ') FROM opportunity_postings op
                 JOIN postings p ON p.id = op.posting_id WHERE op.opportunity_id = o.id),
               u.name, o.updated_at, o.archived_at
        FROM opportunities o
        LEFT JOIN stages s ON s.id = o.stage_id
        LEFT JOIN users u ON u.id = o.owner_id
        WHERE o.id IN ({", ".join("?" * len(ids))})
        """
    return {r[0]: CandidateRow(*r[1:]) for r in sqlite_connection(conn).execute(sql, list(ids))}


def filter_choices(conn: Connection) -> dict[str, list[tuple[str, str]]]:
    """(id, label) lists for the stage, posting and owner filters."""
    db = sqlite_connection(conn)

    def pairs(sql: str) -> list[tuple[str, str]]:
        return [(r[0], r[1] or r[0]) for r in db.execute(sql)]

    return {
        "stage": pairs("SELECT id, text FROM stages ORDER BY position, text"),
        "posting": pairs("SELECT id, text FROM postings ORDER BY text COLLATE NOCASE"),
        "owner": pairs(
            "SELECT id, name FROM users WHERE id IN (SELECT DISTINCT owner_id FROM opportunities) "
            "ORDER BY name COLLATE NOCASE"
        ),
    }


class PostingRow(NamedTuple):
    """One line of the postings page."""

    title: str | None
    state: str | None
    team: str | None
    location: str | None
    hiring_manager: str | None
    candidates: int
    updated: int | None
    id: str


def postings(conn: Connection) -> list[PostingRow]:
    sql = """
        SELECT p.text, p.state, p.team, p.location, u.name,
               (SELECT count(*) FROM opportunity_postings op WHERE op.posting_id = p.id), p.updated_at, p.id
        FROM postings p LEFT JOIN users u ON u.id = p.hiring_manager_id
        ORDER BY p.state = 'published' DESC, p.text COLLATE NOCASE
    """
    return [PostingRow(*r) for r in sqlite_connection(conn).execute(sql)]


def candidate_profile(conn: Connection, opportunity_id: str, others_feedback: bool = False) -> dict[str, Any] | None:
    """Everything the profile pane shows about one candidate.

    Submitted feedback and its overall ratings are read only when ``others_feedback`` (Settings →
    Privacy): Lever may hide them from an interviewer, so they are not even loaded otherwise
    (``feedback`` is then None).
    """
    db = sqlite_connection(conn)
    row = db.execute(
        "SELECT o.name, o.headline, o.email, o.location, o.tags, s.text, u.name, o.archived_at, "
        "o.updated_at, o.details_synced_at, o.raw FROM opportunities o "
        "LEFT JOIN stages s ON s.id = o.stage_id LEFT JOIN users u ON u.id = o.owner_id WHERE o.id = :id",
        {"id": opportunity_id},
    ).fetchone()
    if row is None:
        return None
    tags = row[4] if isinstance(row[4], list) else json.loads(row[4] or "[]")
    postings_ = [
        r[0]
        for r in db.execute(
            "SELECT p.text FROM opportunity_postings op JOIN postings p ON p.id = op.posting_id "
            "WHERE op.opportunity_id = :id ORDER BY p.text",
            {"id": opportunity_id},
        )
    ]
    interviews_ = [
        tuple(r)
        for r in db.execute(
            "SELECT subject, date, canceled_at, (SELECT group_concat(name, ', ') FROM interview_interviewers ii "
            "WHERE ii.interview_id = i.id) FROM interviews i WHERE opportunity_id = :id ORDER BY date DESC",
            {"id": opportunity_id},
        )
    ]
    feedback_ = (
        [
            tuple(r)
            for r in db.execute(
                "SELECT f.text, u.name, f.completed_at, f.raw FROM feedback f LEFT JOIN users u ON u.id = f.user_id "
                "WHERE f.opportunity_id = :id ORDER BY f.completed_at DESC",
                {"id": opportunity_id},
            )
        ]
        if others_feedback
        else None
    )
    raw = row[10] if isinstance(row[10], dict) else json.loads(row[10] or "{}")
    return {
        "id": opportunity_id,
        "name": row[0],
        "headline": row[1],
        "email": row[2],
        "location": row[3],
        "tags": tags,
        "stage": row[5],
        "owner": row[6],
        "archived_at": row[7],
        "updated_at": row[8],
        "details_synced": row[9] is not None,
        "postings": postings_,
        "interviews": interviews_,
        "feedback": None if feedback_ is None else [(t, who, at, _overall(r)) for t, who, at, r in feedback_],
        "anonymised": raw.get("isAnonymized") is True,
    }


def _overall(raw: Any) -> str | None:
    """The score-system answer of a submitted form: the one-line verdict recruiters scan for."""
    data = raw if isinstance(raw, dict) else json.loads(raw or "{}")
    for f in data.get("fields", []):
        if f.get("type") == "score-system" and f.get("value"):
            return str(f["value"])
    return None
