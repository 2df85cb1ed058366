"""The outbox while Lever cannot be reached: a growing delay between looks, and a quiet log.

Issue #14.18: offline, the outbox re-checked Lever about 50 times a minute with no growing delay
(the check for the author's own form fails before a send is attempted, so the entry's send
attempts, which set the back-off, never grew) and logged about 100 lines a minute.
"""

from __future__ import annotations

import logging

from helpers.review_sandbox import draft_for

from lever_desktop.review import approval, intake
from lever_desktop.review.outbox import Outbox

BASE_MS = 1_000


async def test_offline_the_outbox_looks_again_later_each_time_and_logs_once(world, sandbox, lever, caplog):
    store, targets, every = world
    doc = draft_for("d-offline", targets[0], every)
    assert (await intake.receive_draft(store, doc, source="test")).status == "received"
    await approval.approve(store, "d-offline", reviewer="rita")
    now = [10_000_000]
    box = Outbox(store, lever, clock=lambda: now[0], rng=lambda: 1.0, backoff_base_ms=BASE_MS, backoff_cap_ms=60_000)
    sandbox.stop()
    delays = []
    with caplog.at_level(logging.INFO):
        for _ in range(7):
            report = await box.flush()
            assert report.retrying == ["d-offline"] and not report.submitted
            due = await box.next_due()
            delays.append(due - now[0])
            now[0] = due  # the loop looks again exactly when the entry is due
    assert delays == sorted(delays) and delays[-1] >= 32 * BASE_MS, delays  # 1, 2, 4, … s, up to the cap
    noisy = [r for r in caplog.records if r.levelno >= logging.INFO and r.name.startswith("lever_desktop")]
    assert len(noisy) <= 1, [r.getMessage() for r in noisy]  # "Lever unreachable", once, not per look
    sandbox.start()
    now[0] = await box.next_due()
    assert (await box.flush()).submitted == ["d-offline"]
