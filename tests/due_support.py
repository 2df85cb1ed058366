"""Interviews that have just happened in a sandbox: what "Feedback due" lists (tests and the benchmark).

The sandbox's seeded opportunities had their last activity long ago; ``happened(lever, n)`` makes
``n`` upcoming interviews (on distinct active opportunities) happen now, and records activity on
their opportunities the way Lever would (a stage move), so the recent-interviews pass reads them.
"""

from __future__ import annotations

import httpx


def happened(lever, n: int) -> dict[str, list[str]]:
    """{opportunity id: [interview ids that just happened]} for ``n`` opportunities."""
    out: dict[str, list[str]] = {}
    with httpx.Client(base_url=lever.admin_url, timeout=30) as admin:
        for item in admin.get("/interviews/upcoming").raise_for_status().json():
            oid = item["opportunityId"]
            if oid not in out and len(out) >= n:
                continue
            admin.post("/interviews/complete", json={"opportunityId": oid, "interviewId": item["interviewId"],
                                                     "flaw": None}).raise_for_status()
            out.setdefault(oid, []).append(item["interviewId"])
        for oid in out:
            stage = lever.state.opps.stage_id(lever.state.opps.row_of(oid))
            admin.post(f"/opportunities/{oid}/stage", json={"stage": stage}).raise_for_status()
    assert len(out) == n, f"the sandbox had upcoming interviews on {len(out)} opportunities only"
    return out
