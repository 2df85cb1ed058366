"""Interviews that have just happened in a sandbox: what "Feedback due" lists (tests and the benchmark).

The sandbox's seeded opportunities had their last activity long ago; ``happened(lever, n)`` makes
``n`` upcoming interviews (on distinct active opportunities) happen now, and records activity on
their opportunities the way Lever would (a stage move), so the recent-interviews pass reads them.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx


def touch(lever, stages: dict[str, str]) -> None:
    """Activity on these opportunities now: each moves to the stage it is in ({id: stage id})."""
    with httpx.Client(base_url=lever.admin_url, timeout=30) as admin:
        for oid, stage in stages.items():
            admin.post(f"/opportunities/{oid}/stage", json={"stage": stage}).raise_for_status()


def happened(lever, n: int, stage_of: Callable[[str], str] | None = None) -> dict[str, list[str]]:
    """{opportunity id: [interview ids that just happened]} for ``n`` opportunities. ``stage_of``
    names an opportunity's stage (default: the in-process sandbox's own state)."""
    stage_of = stage_of or (lambda oid: lever.state.opps.stage_id(lever.state.opps.row_of(oid)))
    out: dict[str, list[str]] = {}
    with httpx.Client(base_url=lever.admin_url, timeout=30) as admin:
        for item in admin.get("/interviews/upcoming").raise_for_status().json():
            oid = item["opportunityId"]
            if oid not in out and len(out) >= n:
                continue
            admin.post(
                "/interviews/complete", json={"opportunityId": oid, "interviewId": item["interviewId"], "flaw": None}
            ).raise_for_status()
            out.setdefault(oid, []).append(item["interviewId"])
    assert len(out) == n, f"the sandbox had upcoming interviews on {len(out)} opportunities only"
    touch(lever, {oid: stage_of(oid) for oid in out})
    return out
