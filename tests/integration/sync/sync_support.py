"""Helpers shared by the sync tests and benchmarks: a client for a sandbox, what Lever holds, admin calls."""

from __future__ import annotations

import math
import sqlite3
from pathlib import Path
from typing import Any

import httpx

from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.retry import RetryPolicy
from lever_desktop.sandbox.server import SandboxServer

SMALL_RESOURCES = 5  # stages, users, archive reasons, postings, feedback templates: one page each


def client_for(lever: SandboxServer, **kw: Any) -> LeverClient:
    """A client whose retries are quick (faults are injected on purpose) unless told otherwise."""
    kw.setdefault("retry", RetryPolicy(max_attempts=2, backoff_base=0.001))
    kw.setdefault("rate", lever.limiter.rate)
    kw.setdefault("burst", lever.limiter.burst)
    return LeverClient(lever.api_key, base_url=lever.base_url, **kw)


def live_ids(lever: SandboxServer, *, confidential: bool = True) -> set[str]:
    st = lever.state
    return {
        st.opps.id_of(r)
        for r in range(st.opps.count)
        if r not in st.deleted_rows and (confidential or not st.opps.confidential[r])
    }


def bootstrap_floor(lever: SandboxServer) -> int:
    """Pages at 100 plus one walk per small resource: the fewest requests a bootstrap can make."""
    pages = lambda n: max(1, math.ceil(n / 100))  # noqa: E731
    return SMALL_RESOURCES + pages(len(live_ids(lever))) + pages(len(lever.state.deleted))


def admin(lever: SandboxServer, method: str, path: str, body: Any = None) -> Any:
    r = httpx.request(method, lever.admin_url + path, json=body, timeout=10)
    r.raise_for_status()
    return r.json() if r.content else None


def set_faults(lever: SandboxServer, spec: str | None) -> None:
    if spec:
        admin(lever, "POST", "/faults", {"spec": spec})
    else:
        admin(lever, "DELETE", "/faults")


def cached(db: Path, sql: str, *args: Any) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def consistent(db: Path) -> bool:
    """SQLite's own checks plus ours: no orphan rows, every opportunity has its posting link."""
    return (
        cached(db, "PRAGMA integrity_check") == [("ok",)]
        and cached(db, "PRAGMA foreign_key_check") == []
        and cached(
            db,
            "SELECT COUNT(*) FROM opportunities o WHERE NOT EXISTS "
            "(SELECT 1 FROM opportunity_postings p WHERE p.opportunity_id = o.id)",
        )
        == [(0,)]
    )
