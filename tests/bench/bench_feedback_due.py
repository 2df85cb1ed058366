"""What "Feedback due" costs in requests and time under Lever's limit (10/s, burst 20).

    PYTHONPATH=$PWD .venv/bin/python tests/bench/bench_feedback_due.py     (or pytest ... -s)

For the sandbox's own account (400 opportunities) and a larger seeded one (10,000), each in its
own process with Lever's limit on:
1. the opportunities bootstrap (``sync``), for scale;
2. some interviews happen and some opportunities see activity (a share of the account, as in
   an account where a tenth of the candidates move in a month);
3. the recent-interviews pass (``sync/recent_interviews.py``): its bootstrap, the same pass again
   at once (steady state, nothing stale), and an hour later (every waiting opportunity's feedback
   re-read);
4. against the full walk that would read every active cached opportunity's panels, interviews
   and feedback (3 requests each; computed, its time at the client's pace).
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: due_support
from helpers.due_support import happened, touch
from sandbox_process import sandbox_process

from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.ratelimit import client_rate
from lever_desktop.review import due
from lever_desktop.store import Store
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.recent_interviews import RecentInterviews

RATE, BURST = 10.0, 20
ACCOUNTS = ((400, 8, 40), (10_000, 20, 400))  # (opportunities, interviews that happen, others with activity)


def _active(conn) -> list[tuple[str, str]]:
    return [
        tuple(r)
        for r in conn.exec_driver_sql(
            "SELECT id, stage_id FROM opportunities WHERE archived_at IS NULL ORDER BY id"
        ).fetchall()
    ]


async def _measure(lever, db: Path, interviews: int, others: int) -> dict:
    store = Store.open(db)
    try:
        async with LeverClient(lever.api_key, base_url=lever.base_url, rate=RATE, burst=BURST) as client:
            engine = SyncEngine(client, store)
            boot = await engine.sync_now()
            assert boot.ok, boot.error
            active = await store.call(_active)
            stages = dict(active)
            await asyncio.to_thread(happened, lever, interviews, stages.__getitem__)
            step = max(1, len(active) // others)
            await asyncio.to_thread(touch, lever, {oid: stage for oid, stage in active[::step][:others]})
            assert (await engine.sync_now()).ok
            await asyncio.sleep(2.5)  # let Lever's bucket refill, as between two passes an hour apart
            recent = RecentInterviews(engine)
            first = await recent.run()
            slots = await store.call(lambda c: len(due.open_slots(c, engine.now_ms())))
            again = await recent.run()
            recent.feedback_max_age_ms = 0  # an hour later
            await asyncio.sleep(2.5)
            hourly = await recent.run()
            return {
                "boot": boot,
                "active": len(active),
                "first": first,
                "again": again,
                "hourly": hourly,
                "slots": slots,
            }
    finally:
        store.close()


def run() -> list[dict]:
    c_rate, c_burst = client_rate(RATE, BURST)
    out = []
    for n, interviews, others in ACCOUNTS:
        with sandbox_process(n, rate=RATE, burst=BURST) as lever, tempfile.TemporaryDirectory() as d:
            m = asyncio.run(_measure(lever, Path(d) / "c.sqlite3", interviews, others))
        first, full = m["first"], 3 * m["active"]
        full_seconds = max(0.0, (full - c_burst) / c_rate)
        print(
            f"\nN={n:,} opportunities ({m['active']:,} active): sync bootstrap {m['boot'].requests} requests "
            f"in {m['boot'].seconds:.1f} s"
        )
        print(
            f"  recent-interviews bootstrap: {first.details_read} opportunities read, {first.requests} requests "
            f"in {first.seconds:.1f} s -> {m['slots']} forms due"
        )
        print(
            f"  same pass again at once: {m['again'].requests} requests; an hour later: {m['hourly'].requests} "
            f"requests ({m['hourly'].feedback_read} opportunities' feedback) in {m['hourly'].seconds:.1f} s"
        )
        print(
            f"  full walk of every active opportunity's details: {full:,} requests, ~{full_seconds:,.0f} s at the "
            f"client's pace -> the bootstrap costs {first.requests / full:.1%} of it "
            f"({full / max(1, first.requests):.0f}x fewer requests)"
        )
        out.append(m)
    return out


def test_feedback_due_budget():
    for m in run():
        assert m["first"].requests == 3 * m["first"].details_read + m["first"].feedback_read
        assert m["again"].requests == 0
        assert m["first"].requests < 3 * m["active"] / 4


if __name__ == "__main__":
    run()
