"""Exactly-once under faults and kill -9: shared by the CI test and the N=1000 benchmark.

Phase 1: approve N drafts and flush them in-process while the sandbox fails 20%
of feedback POSTs (503 before storing, connection dropped before storing,
connection dropped *after* storing) and stores 5% of them only ``store_after_s``
seconds after receiving them (``store-after``: a submitter killed meanwhile
leaves a request that lands later). Phase 2: approve N more and flush them
with ``lever-desktop submit --settle-window`` subprocesses killed with SIGKILL
at random moments, restarted until the outbox is empty, under the same faults.
Then count in Lever: forms == 2N, duplicates == 0, lost == 0.

The settle window is injected, shorter than the real ten minutes but longer than
``store_after_s``: what matters is that it outlasts Lever's processing.
"""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from helpers.review_sandbox import (
    Tally,
    draft_for,
    fast_client,
    find_targets,
    open_slots,
    prime_cache,
    tally,
    template_named,
)
from lever_desktop import paths
from lever_desktop.review import approval, intake, queue
from lever_desktop.review.lifecycle import DraftState
from lever_desktop.review.outbox import Outbox
from lever_desktop.sandbox.faults import parse_spec
from lever_desktop.store import Store

# 20% of feedback POSTs fail, in the three ways that matter for exactly-once; 5% more are stored late.
FAULTS = (
    "status=503,method=POST,path=*/feedback,rate=0.07;"
    "drop,method=POST,path=*/feedback,rate=0.065;"
    "drop-after,method=POST,path=*/feedback,rate=0.0757;"
    "store-after={store_after},method=POST,path=*/feedback,rate=0.0625"
)
# Conditional rates: 0.07 + 0.93*0.065 + 0.87*0.0757 ≈ 0.20 of POSTs fail; 0.80*0.0625 = 0.05 land late.


@dataclass
class Outcome:
    tally: Tally
    kills: int
    runs: int
    states: dict[str, int]
    late_stores: int = 0  # POSTs the sandbox stored seconds after receiving them


async def _approve_batch(store: Any, client: Any, prefix: str, slots: list[Any], template: dict[str, Any]) -> None:
    # One draft per (interview, author): a second one would rightly stop before its POST, since the
    # author's own form (the first draft's) appeared in Lever after it was approved.
    for i, slot in enumerate(slots):
        doc = draft_for(f"{prefix}-{i:05d}", slot, template, interviewerEmail=slot.interviewer["email"])
        r = await intake.receive_draft(store, doc, source="reliability")
        assert r.status == "received", r
        await approval.approve(store, doc["draftId"], reviewer="reliability")


def _submit_cmd(settle_window_s: float) -> list[str]:
    return [
        sys.executable,
        "-m",
        "lever_desktop",
        "--basedir",
        str(paths.basedir()),
        "submit",
        "--json",
        "--settle-window",
        str(settle_window_s),
    ]


def _states() -> dict[str, int]:
    """Draft states straight from the file (what the killed process committed)."""
    con = sqlite3.connect(paths.database_path(), timeout=30)
    try:
        return dict(con.execute("select state, count(*) from drafts group by state").fetchall())
    finally:
        con.close()


def _last_audit_id() -> int:
    con = sqlite3.connect(paths.database_path(), timeout=30)
    try:
        return con.execute("select coalesce(max(id), 0) from draft_audit").fetchone()[0]
    finally:
        con.close()


def _wait_for_work(proc: subprocess.Popen, before: int, deadline_s: float = 60.0) -> None:
    """Until the subprocess is past start-up and working (it wrote to the audit trail), or it exited."""
    end = time.monotonic() + deadline_s
    while proc.poll() is None and time.monotonic() < end:
        if _last_audit_id() > before:
            return
        time.sleep(0.02)  # polling the database for the condition, with a deadline


def kill_and_restart(
    env: dict[str, str], rng: random.Random, max_kills: int, log: Callable[[str], None], settle_window_s: float
) -> tuple[int, int]:
    """Run ``submit`` until it finishes; the first ``max_kills`` runs are SIGKILLed at a random moment:
    most while it is sending (a random delay after it started sending), some during start-up."""
    kills = runs = 0
    while True:
        runs += 1
        before = _last_audit_id()
        proc = subprocess.Popen(
            _submit_cmd(settle_window_s), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        try:
            if kills < max_kills:
                if rng.random() < 0.8:
                    _wait_for_work(proc, before)
                    delay = rng.uniform(0.0, 2.0)
                else:
                    delay = rng.uniform(0.0, 1.5)  # during start-up or the reconciliation of the last kill
                try:
                    proc.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
                    kills += 1
                    log(f"kill {kills}: left behind {_states()}")
                    continue
            else:
                proc.wait(timeout=900)
        finally:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            if proc.stderr:
                proc.stderr.close()
        if proc.returncode == 0:
            return kills, runs
        if runs > max_kills + 20:
            raise AssertionError(f"submit keeps failing (exit {proc.returncode}): {err[-2000:]}")
        log(f"submit exited {proc.returncode}; running it again")


async def _late_stores_landed(sandbox: Any, deadline_s: float = 60.0) -> None:
    end = time.monotonic() + deadline_s
    while sandbox.faults.late_pending and time.monotonic() < end:
        await asyncio.sleep(0.05)  # polling the sandbox's own count of requests it still holds, with a deadline


async def run(
    sandbox: Any,
    n: int,
    *,
    max_kills: int,
    seed: int = 7,
    store_after_s: float = 0.5,
    settle_window_s: float = 1.5,
    log: Callable[[str], None] = lambda s: None,
) -> Outcome:
    assert settle_window_s > store_after_s, "the settle window must outlast Lever's processing"
    rng = random.Random(seed)
    client = fast_client(sandbox.api_key, sandbox.base_url)
    store = Store.open()
    try:
        targets = await find_targets(client, max(12, 2 * n // 15 + 1), scan=sandbox.state.opps.count)
        slots = await open_slots(client, targets)
        assert len(slots) >= 2 * n, f"only {len(slots)} (interview, author) pairs for {2 * n} drafts"
        await prime_cache(client, store, sorted({t.opportunity_id for t in targets}))
        template = await template_named(client, "Every field type")
        sandbox.faults.replace(parse_spec(FAULTS.format(store_after=store_after_s)))

        await _approve_batch(store, client, "p1", slots[:n], template)
        box = Outbox(
            store,
            client,
            backoff_base_ms=5,
            backoff_cap_ms=200,
            settle_ms=200,
            settle_window_ms=int(settle_window_s * 1000),
        )
        report = await box.drain(deadline_s=600)
        log(f"phase 1: {len(report.submitted)} submitted, {len(report.reconciled)} found after ambiguous failures")

        await _approve_batch(store, client, "p2", slots[n : 2 * n], template)
        env = {**os.environ, "LEVER_API_KEY": sandbox.api_key, "LEVER_BASE_URL": sandbox.base_url}
        kills, runs = kill_and_restart(env, rng, max_kills, log, settle_window_s)
        log(f"phase 2: {runs} runs of lever-desktop submit, {kills} killed with SIGKILL")

        sandbox.faults.replace([])
        # Let every late store land before counting (the sandbox holds them in tasks of its own).
        await _late_stores_landed(sandbox)
        everything = await store.call(queue.entries, [s.value for s in DraftState])
        requests = [e.request() for e in everything]
        states: dict[str, int] = {}
        for e in everything:
            states[e.state] = states.get(e.state, 0) + 1
        return Outcome(await tally(client, requests), kills, runs, states, sandbox.faults.late_received)
    finally:
        store.close()
        await client.aclose()
