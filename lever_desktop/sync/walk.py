"""One walk of one Lever list into the cache, page by page.

Each page is stored together with the cursor that follows it in one
transaction, so a kill loses at most the page in flight and the next start
resumes after the last stored page. The watermark (the start of the window the
next incremental walk asks for) only moves when the walk reaches the end, in
the same transaction as the last page. While page N is being written on the
database thread, page N+1 is already being fetched.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from lever_desktop.lever import errors
from lever_desktop.store import cache

_log = logging.getLogger(__name__)

PAGE = 100
MAX_RESTARTS = 3
Writer = Callable[[sa.Connection, list[dict[str, Any]], int], int]


@dataclass(frozen=True)
class Resource:
    name: str
    path: str
    write: Writer
    cadence: float  # seconds between scheduled walks
    params: dict[str, Any] = field(default_factory=dict)
    window: str | None = None  # the "changed since" parameter of incremental walks
    window_only: bool = False  # Lever accepts the window only without the other filters
    confidential: bool = False  # asks for confidentiality=all, falls back on 403


def _write_stages(conn: sa.Connection, records: list[dict[str, Any]], walk_started: int) -> int:
    # Every page of a walk is stamped with the walk's start: earlier pages give the position.
    start = conn.exec_driver_sql("SELECT COUNT(*) FROM stages WHERE synced_at = ?", (walk_started,)).scalar_one()
    return cache.upsert_stages(conn, records, walk_started, start=start)


MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0

# Dependency order: what opportunities refer to is stored before them.
RESOURCES: tuple[Resource, ...] = (
    Resource("stages", "/stages", _write_stages, DAY),
    Resource("users", "/users", cache.upsert_users, DAY, {"includeDeactivated": "true"}),
    Resource("archive_reasons", "/archive_reasons", cache.upsert_archive_reasons, DAY),
    # No state/channel filter: every state and both distribution channels.
    Resource(
        "postings",
        "/postings",
        cache.upsert_postings,
        HOUR,
        window="updated_at_start",
        window_only=True,
        confidential=True,
    ),
    Resource("feedback_templates", "/feedback_templates", cache.upsert_templates, HOUR),
    # expand=applications names each opportunity's postings without one call per opportunity.
    Resource(
        "opportunities",
        "/opportunities",
        cache.upsert_opportunities,
        15 * MINUTE,
        {"expand": ["applications"]},
        window="updated_at_start",
        confidential=True,
    ),
    Resource("tombstones", "/opportunities/deleted", cache.apply_tombstones, DAY, window="deleted_at_start"),
)
BY_NAME = {r.name: r for r in RESOURCES}


def walk_params(res: Resource, state: dict[str, Any], full: bool, overlap_ms: int) -> dict[str, Any]:
    """The query of this walk (without limit/offset), from what the cache remembers."""
    params = dict(res.params)
    if res.confidential and (full or state.get(f"confidentiality:{res.name}") != "non-confidential"):
        params["confidentiality"] = "all"
    watermark = state.get(f"watermark:{res.name}")
    if res.window and watermark is not None and not full:
        if res.window_only:
            params = {k: v for k, v in params.items() if k == "confidentiality"}
        params[res.window] = max(0, int(watermark) - overlap_ms)
    return params


def _commit_page(
    conn: sa.Connection,
    res: Resource,
    records: list[dict[str, Any]],
    now: int,
    cursor: dict[str, Any] | None,
    finished: dict[str, Any] | None,
) -> int:
    stored = res.write(conn, records, now) if records else 0
    if cursor is not None:
        cache.set_state(conn, f"cursor:{res.name}", cursor, now)
    if finished is not None:
        cache.delete_state(conn, f"cursor:{res.name}")
        cache.set_state(conn, f"watermark:{res.name}", finished["started_at"], now)
        cache.set_state(conn, f"last_success:{res.name}", now, now)
        if finished["full"]:
            cache.set_state(conn, f"count:{res.name}", finished["done"], now)
    return stored


class Walk:
    """Walk ``res`` with ``params``; ``progress(done, total)`` after every stored page."""

    def __init__(
        self,
        engine: Any,
        res: Resource,
        params: dict[str, Any],
        state: dict[str, Any],
        progress: Callable[[int, int | None], None],
    ) -> None:
        self.engine, self.res, self.params, self.progress = engine, res, params, progress
        # A walk without a window reads everything: its size last time is the estimate for the bar.
        self.whole = res.window is None or res.window not in params
        self.total: int | None = state.get(f"count:{res.name}") if self.whole else None
        self.cursor: dict[str, Any] | None = state.get(f"cursor:{res.name}")
        if self.cursor and self.cursor.get("params") != params:
            self.cursor = None  # a cursor of another query: its token would be refused
        self.stored = 0  # rows the cache applied
        self.received = 0  # records Lever sent (what the summary counts)
        self.restarts = 0

    async def run(self) -> int:
        while True:
            try:
                await self._pages()
                return self.received
            except errors.InvalidOffsetToken:
                self.restarts += 1
                if self.restarts > MAX_RESTARTS:
                    raise
                _log.info("%s: offset token refused; restarting the walk", self.res.name)
                self.cursor = None

    async def _pages(self) -> None:
        eng, res = self.engine, self.res
        started_at = self.cursor["started_at"] if self.cursor else eng.now_ms()
        token = self.cursor["token"] if self.cursor else None
        done = self.cursor["done"] if self.cursor else 0
        seen: set[str] = set()
        pending: asyncio.Future[int] | None = None
        try:
            while True:
                query = {**self.params, "limit": PAGE, **({"offset": token} if token else {})}
                page = await eng.client.get_page(res.path, query)
                done += len(page.records)
                self.received += len(page.records)
                last = not page.has_next
                if not last and (not page.records or page.next is None or page.next in seen):
                    raise errors.PaginationError(
                        f"{res.path}: Lever's pagination is stuck", method="GET", path=res.path
                    )
                cursor = (
                    None
                    if last
                    else {"token": page.next, "params": self.params, "started_at": started_at, "done": done}
                )
                finished = {"started_at": started_at, "full": self.whole, "done": done} if last else None
                if pending is not None:
                    previous, pending = pending, None
                    self.stored += await previous
                pending = asyncio.ensure_future(
                    eng.store.call(_commit_page, res, page.records, started_at, cursor, finished)
                )
                self.progress(done, max(self.total, done) if self.total else None)
                if last:
                    previous, pending = pending, None
                    assert previous is not None  # set just above
                    self.stored += await previous
                    return
                seen.add(page.next)
                token = page.next
        finally:
            if pending is not None:
                # The fetch failed or the pass was cancelled while the previous page was being
                # written: let that write (and its cursor) land, so the next pass resumes after it.
                try:
                    await asyncio.shield(pending)
                except Exception:  # noqa: BLE001 - the error already propagating is the one to report
                    _log.warning("%s: storing the last page failed too", res.name, exc_info=True)
