"""The Activity page's log in the cache: what the window told the person happened (sync passes,
relay state, submissions, imports), kept across restarts and searchable.

A line is stored exactly as the window showed it: the words are already the person's (names of
candidates and forms, never ids or secrets). Kept: the last ``KEEP_DAYS`` days, at most
``KEEP_LINES`` lines, whichever is fewer; ``record`` prunes every ``PRUNE_EVERY`` lines. When
Lever anonymises a candidate, ``forget_naming`` removes every line that names them
(store/privacy.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from lever_desktop.store.schema import activity

KEEP_DAYS = 90
KEEP_LINES = 50_000
PRUNE_EVERY = 500
DAY_MS = 86_400_000


@dataclass(frozen=True)
class Line:
    id: int
    at: int  # epoch ms
    kind: str
    text: str


def _folded(kind: str, text: str) -> str:
    return f"{kind} {text}".casefold()


def record(conn: sa.Connection, at: int, kind: str, text: str) -> int:
    """Store one line; returns its id."""
    key = conn.execute(
        sa.insert(activity).values(at=at, kind=kind, text=text, folded=_folded(kind, text))
    ).inserted_primary_key
    assert key is not None  # an INSERT of one row always has one
    line_id = int(key[0])
    if line_id % PRUNE_EVERY == 0:
        prune(conn, at)
    return line_id


def prune(conn: sa.Connection, now: int, keep_days: int | None = None, keep_lines: int | None = None) -> int:
    """Drop lines older than ``keep_days`` and beyond the newest ``keep_lines``; returns how many."""
    keep_days = KEEP_DAYS if keep_days is None else keep_days
    keep_lines = KEEP_LINES if keep_lines is None else keep_lines
    gone = conn.execute(sa.delete(activity).where(activity.c.at < now - keep_days * DAY_MS)).rowcount
    cutoff = conn.execute(sa.select(activity.c.id).order_by(activity.c.id.desc()).offset(keep_lines).limit(1)).scalar()
    if cutoff is not None:
        gone += conn.execute(sa.delete(activity).where(activity.c.id <= cutoff)).rowcount
    return gone


def matches(query: str, kind: str, text: str) -> bool:
    """Every word of ``query`` appears in the line (its kind or text), whatever the case."""
    line = _folded(kind, text)
    return all(word in line for word in query.casefold().split())


def _naming(words: list[str]) -> sa.ColumnElement[bool]:
    # SQLite's lower() and LIKE fold ASCII only: the line is stored folded, the words are folded here.
    return sa.and_(*(sa.func.instr(activity.c.folded, w) > 0 for w in words))


def recent(conn: sa.Connection, limit: int, query: str = "") -> list[Line]:
    """The newest ``limit`` lines (matching ``query``, when given), oldest first."""
    words = query.casefold().split()
    q = sa.select(activity.c.id, activity.c.at, activity.c.kind, activity.c.text)
    if words:
        q = q.where(_naming(words))
    rows = conn.execute(q.order_by(activity.c.id.desc()).limit(limit)).all()
    return [Line(*r) for r in reversed(rows)]


def forget_naming(conn: sa.Connection, words: list[str]) -> int:
    """Delete every line naming any of ``words`` (a candidate's name, their opportunity id)."""
    folded = [w.casefold() for w in words if w and w.strip()]
    if not folded:
        return 0
    return conn.execute(sa.delete(activity).where(sa.or_(*(_naming([w]) for w in folded)))).rowcount
