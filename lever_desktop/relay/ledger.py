"""The poller's bookkeeping in the cache: its cursor, its status, and every delivery it judged.

Plain functions taking ``conn`` (run through ``Store.call``). A batch's deliveries and the new
cursor are written in one transaction, so after a crash either both are there or neither is and
the batch is simply processed again (idempotently).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from lever_desktop.store import cache, queries, schema

CURSOR_PREFIX = "relay.cursor:"
STATUS_KEY = "relay.status"


@dataclass(frozen=True)
class DeliveryRecord:
    dedup_key: str
    body: str
    verdict: str  # accepted | rejected
    received_at: int
    event: str | None = None
    triggered_at: int | None = None
    reason: str | None = None


def cursor_key(relay_url: str) -> str:
    # Per relay: another relay numbers its items from 1, and an old cursor would skip them all.
    return CURSOR_PREFIX + relay_url.rstrip("/")


def load_cursor(conn: sa.Connection, key: str) -> int:
    value = queries.get_state(conn, key, 0)
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def accepted_among(conn: sa.Connection, keys: Sequence[str]) -> set[str]:
    """Which of these delivery keys (``Verdict.dedup_key``) were already accepted (in any earlier run)."""
    w = schema.webhook_deliveries
    found: set[str] = set()
    keys = list(dict.fromkeys(keys))
    for i in range(0, len(keys), 500):
        part = keys[i : i + 500]
        q = sa.select(w.c.dedup_key).where(w.c.dedup_key.in_(part), w.c.verdict == "accepted")
        found.update(conn.execute(q).scalars())
    return found


def targets_acted_on(conn: sa.Connection, tokens: Sequence[str]) -> dict[str, int]:
    """Token -> how many different targets deliveries with that Lever token were accepted for
    (``Verdict.dedup_key`` is ``token:action:target``; a range over the unique key, no LIKE escaping)."""
    w = schema.webhook_deliveries
    out: dict[str, int] = {}
    for token in dict.fromkeys(tokens):
        q = sa.select(sa.func.count()).where(
            w.c.verdict == "accepted", w.c.dedup_key >= token + ":", w.c.dedup_key < token + ";"
        )
        out[token] = conn.execute(q).scalar_one()
    return out


def commit_batch(conn: sa.Connection, records: Sequence[DeliveryRecord], key: str, cursor: int, now: int) -> int:
    """Record the batch's deliveries and move the cursor; returns how many records were new."""
    new = 0
    for r in records:
        new += cache.record_webhook_delivery(
            conn,
            r.dedup_key,
            r.body,
            r.verdict,
            r.received_at,
            event=r.event,
            triggered_at=r.triggered_at,
            reason=r.reason,
        )
    cache.set_state(conn, key, cursor, now)
    return new


def save_status(conn: sa.Connection, status: dict[str, Any], now: int) -> None:
    cache.set_state(conn, STATUS_KEY, status, now)


def verdict_counts(conn: sa.Connection) -> dict[str, Any]:
    """Totals over the raw store: accepted, and rejected by reason."""
    w = schema.webhook_deliveries
    rows = conn.execute(sa.select(w.c.verdict, w.c.reason, sa.func.count()).group_by(w.c.verdict, w.c.reason))
    out: dict[str, Any] = {"accepted": 0, "rejected": {}}
    for verdict, reason, n in rows:
        if verdict == "accepted":
            out["accepted"] += n
        else:
            out["rejected"][reason or "unknown"] = out["rejected"].get(reason or "unknown", 0) + n
    return out
