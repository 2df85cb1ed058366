"""A cache holding one approved-but-unsent draft, and the ways such a file gets damaged.

Imported by the cache-integrity tests (tests/helpers/)."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import sqlalchemy as sa

from helpers.review_seed import draft_doc, seed
from lever_desktop import paths
from lever_desktop.review import approval, intake
from lever_desktop.store import Store, integrity, schema

PAGE = 4096


def cache_with_an_approved_draft(path: Path) -> None:
    """Draft ``d-1`` approved and waiting in the outbox, plus enough rows for a mid-file page."""
    with Store.open(path) as store:
        store.call_sync(seed)
        store.call_sync(
            lambda c: c.execute(
                sa.insert(schema.sync_state),
                [{"key": f"filler-{i}", "value": {"pad": "x" * 200}, "updated_at": i} for i in range(2000)],
            )
        )

        async def approve() -> None:
            await intake.receive_draft(store, draft_doc(), source="file")
            await approval.approve(store, "d-1", reviewer="rita@example.com")

        with ThreadPoolExecutor(1) as own_loop:  # callers may already run an event loop (the UI tests)
            own_loop.submit(asyncio.run, approve()).result()


def cache_with_a_backup() -> Path:
    """That cache at the data dir, opened again so that it has its at-open backup."""
    path = paths.database_path()
    cache_with_an_approved_draft(path)
    Store.open(path).close()
    assert integrity.backups(path) == [path.with_name(path.name + ".at-open.bak")]
    return path


def _empty(good: bytes) -> bytes:
    return b""


def _truncated(good: bytes) -> bytes:
    return good[: len(good) // 2 + 100]  # a torn copy: mid-page, half the tables gone


def _garbage_page(good: bytes) -> bytes:
    middle = (len(good) // PAGE // 2) * PAGE
    noise = random.Random(7).randbytes(PAGE)
    return good[:middle] + noise + good[middle + PAGE :]


def _not_a_database(good: bytes) -> bytes:
    return b"these are not the candidates you are looking for\n" * 200


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "zero-length": _empty,
    "truncated": _truncated,
    "garbage mid-file page": _garbage_page,
    "not a database": _not_a_database,
}


def damaged_cache(kind: str) -> tuple[Path, bytes, Path]:
    """The cache with its backup, then damaged: (cache, its damaged bytes, the backup)."""
    cache = cache_with_a_backup()
    damaged = DAMAGE[kind](cache.read_bytes())
    cache.write_bytes(damaged)
    return cache, damaged, integrity.backups(cache)[0]
