"""The sqlite3 connection under the store's SQLAlchemy one: one kind of connection for the queries that run
both on the store and on the window's read-only first look at the cache (``store/reader.py``).

Plain sqlite3 only: the first look comes before SQLAlchemy is imported (a third of a second).
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlalchemy as sa


def sqlite_connection(conn: sa.Connection | sqlite3.Connection) -> sqlite3.Connection:
    """The sqlite3 connection under ``conn`` (for the PRAGMAs SQLAlchemy would wrap in a transaction, and
    for queries the reader runs too), or ``conn`` itself when it is one already."""
    if isinstance(conn, sqlite3.Connection):
        return conn
    raw = conn.connection.driver_connection
    assert isinstance(raw, sqlite3.Connection)
    return raw
