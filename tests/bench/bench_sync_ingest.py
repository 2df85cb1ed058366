"""Ingest throughput: 100,000 opportunities through the cache vs plain ``sqlite3.executemany``.

    .venv/bin/python tests/bench/bench_sync_ingest.py          (or pytest ... -s)

Ours: Lever records (dicts, as the client hands them over) -> ``cache.upsert_opportunities``
(validated through the ``lever.models.Opportunity`` pydantic model, a page per call) on the store's thread, one transaction per page of 100 as the sync engine commits, with the
cache's durability settings (WAL, synchronous=FULL). Baseline, same run: the same rows
already mapped to tuples, inserted by ``sqlite3.executemany`` into the same table, with the
same pragmas and the same page-per-transaction. A second pair compares single transactions
(no fsync per page): that isolates the CPU cost of mapping, JSON and the time-travel guard.
Goal (issue 4): ours <= 3x the baseline.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

N = 100_000
PAGE = 100
GOAL = 3.0


def records(n: int) -> list[dict]:
    from lever_desktop.sandbox.state import SandboxState

    st = SandboxState(opportunities=n, seed=7)
    out = []
    for row in range(n):
        rec = st.opps.record(row)
        rec["applications"] = [st.opps.application(row)]  # as expand=applications delivers them
        out.append(rec)
    return out


def ours(db: Path, recs: list[dict], page: int) -> float:
    from lever_desktop.store import Store, cache

    store = Store.open(db)
    try:
        t0 = time.perf_counter()
        for i in range(0, len(recs), page):
            store.call_sync(cache.upsert_opportunities, recs[i : i + page], 1)
        return time.perf_counter() - t0
    finally:
        store.close()


def baseline(db: Path, recs: list[dict], page: int) -> float:
    from lever_desktop.lever import models
    from lever_desktop.store import Store, mapping

    Store.open(db).close()  # the same schema, built by the migrations
    rows = [mapping.opportunity_row(o, raw, 1) for o, raw in models.parse(models.Opportunity, recs)]
    links = [(r["id"], r["applications"][0]["posting"]) for r in recs]
    cols = ", ".join(f'"{c}"' for c in mapping.OPPORTUNITY_COLUMNS)
    sql = f"INSERT INTO opportunities ({cols}) VALUES ({', '.join('?' * len(mapping.OPPORTUNITY_COLUMNS))})"
    con = sqlite3.connect(db, isolation_level=None)
    try:
        for pragma in ("journal_mode=WAL", "foreign_keys=ON", "synchronous=FULL"):
            con.execute(f"PRAGMA {pragma}")
        t0 = time.perf_counter()
        for i in range(0, len(rows), page):
            con.execute("BEGIN")
            con.executemany(sql, rows[i : i + page])
            con.executemany("INSERT INTO opportunity_postings VALUES (?, ?)", links[i : i + page])
            con.execute("COMMIT")
        return time.perf_counter() - t0
    finally:
        con.close()


def run() -> dict[str, float]:
    recs = records(N)
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as d:
        for label, page in (("page", PAGE), ("one-tx", N)):
            b = baseline(Path(d) / f"base-{label}.sqlite3", recs, page)
            o = ours(Path(d) / f"ours-{label}.sqlite3", recs, page)
            print(
                f"{label:>7}: baseline {b:6.2f} s ({N / b:8.0f}/s)   ours {o:6.2f} s ({N / o:8.0f}/s)   "
                f"ratio {o / b:4.2f}x"
            )
            out[label] = o / b
    print(f"goal <= {GOAL}x per-page: {'met' if out['page'] <= GOAL else 'NOT met'}")
    print("load average (1, 5, 15 min) at the end: " + ", ".join(f"{x:.2f}" for x in os.getloadavg()))
    return out


def test_ingest_throughput():
    ratios = run()
    assert ratios["page"] <= GOAL


if __name__ == "__main__":
    sys.exit(0 if run()["page"] <= GOAL else 1)
