"""Review tests against the sandbox: fill the cache from it, build drafts for its interviews, count its forms.

Everything goes through the real Lever client over loopback, as the app does.
Imported by tests/integration/review and tests/bench (tests/helpers/).
"""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.retry import RetryPolicy
from lever_desktop.sandbox.drafts import sample_value
from lever_desktop.store import cache


def fast_client(api_key: str, base_url: str) -> LeverClient:
    """A client for a sandbox whose rate limit is raised; quick retries so offline tests stay short."""
    return LeverClient(
        api_key,
        base_url=base_url,
        rate=100_000.0,
        burst=100_000,
        retry=RetryPolicy(backoff_base=0.01, backoff_cap=0.05),
    )


@dataclass
class Target:
    """An interview a draft can be written for."""

    opportunity_id: str
    panel_id: str
    interview_id: str
    interviewer: dict[str, Any]


async def prime_cache(client: LeverClient, store: Any, opportunity_ids: list[str]) -> None:
    """What a sync leaves behind: users (deactivated too), templates, these opportunities with details."""
    now = int(time.time() * 1000)
    users = [u async for u in client.paginate("/users", {"includeDeactivated": "true"})]
    templates = [t async for t in client.paginate("/feedback_templates")]
    await store.call(cache.upsert_users, users, now)
    await store.call(cache.upsert_templates, templates, now)
    for oid in opportunity_ids:
        opp = await client.get(f"/opportunities/{oid}")
        panels = [p async for p in client.paginate(f"/opportunities/{oid}/panels")]
        interviews = [i async for i in client.paginate(f"/opportunities/{oid}/interviews")]
        feedback = [f async for f in client.paginate(f"/opportunities/{oid}/feedback")]
        await store.call(cache.upsert_opportunities, [opp], now)
        await store.call(cache.replace_opportunity_details, oid, panels, interviews, feedback, now)


async def find_targets(client: LeverClient, want: int, scan: int = 60) -> list[Target]:
    """Interviews with a panel and an active interviewer who has not submitted feedback for it yet
    (the app refuses to add a second form silently), across the first ``scan`` opportunities."""
    active = {u["id"] async for u in client.paginate("/users")}
    targets: list[Target] = []
    n = 0
    async for opp in client.paginate("/opportunities"):
        n += 1
        if n > scan or len(targets) >= want:
            break
        written = {
            (_ref(f.get("user")), _ref(f.get("interview")))
            async for f in client.paginate(f"/opportunities/{opp['id']}/feedback")
            if not f.get("deletedAt")
        }
        async for iv in client.paginate(f"/opportunities/{opp['id']}/interviews"):
            people = [
                p for p in iv.get("interviewers") or [] if p.get("id") in active and (p["id"], iv["id"]) not in written
            ]
            if iv.get("panel") and people and not iv.get("canceledAt"):
                targets.append(Target(opp["id"], iv["panel"], iv["id"], people[0]))
    return targets


async def open_slots(client: LeverClient, targets: list[Target]) -> list[Target]:
    """Every (interview, active user) pair without a form yet: one draft each never meets the author's
    own form. Round-robin over the interviews, so consecutive drafts go to different opportunities."""
    users = [u async for u in client.paginate("/users")]
    written: set[tuple[Any, Any]] = set()
    for oid in sorted({t.opportunity_id for t in targets}):
        written |= {
            (_ref(f.get("user")), _ref(f.get("interview")))
            async for f in client.paginate(f"/opportunities/{oid}/feedback")
            if not f.get("deletedAt")
        }
    per_target = [
        [
            Target(t.opportunity_id, t.panel_id, t.interview_id, u)
            for u in users
            if (u["id"], t.interview_id) not in written
        ]
        for t in targets
    ]
    return [s for row in zip(*per_target) for s in row]


def _ref(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else value


async def template_named(client: LeverClient, text: str) -> dict[str, Any]:
    async for t in client.paginate("/feedback_templates"):
        if t["text"] == text:
            return t
    raise LookupError(text)


def draft_for(draft_id: str, target: Target, template: dict[str, Any], seed: int = 1, **over: Any) -> dict[str, Any]:
    """A valid draft document (every field the drafter can fill) for ``target``."""
    rng = random.Random(f"{draft_id}:{seed}")
    now = int(time.time() * 1000)
    fields = []
    for f in template["fields"]:
        value = sample_value(f, rng, now)
        if value is not None:
            fields.append(
                {
                    "id": f["id"],
                    "value": value,
                    "confidence": 0.9,
                    "evidence": [{"quote": "They explained it well.", "atMs": 60_000}],
                }
            )
    doc = {
        "schema": "lever-desktop/draft@1",
        "draftId": draft_id,
        "opportunityId": target.opportunity_id,
        "templateId": template["id"],
        "panelId": target.panel_id,
        "interviewId": target.interview_id,
        "interviewerEmail": target.interviewer["email"],
        "createdAt": now,
        "model": "test",
        "fields": fields,
    }
    doc.update(over)
    return doc


@dataclass
class Tally:
    forms: int  # forms in Lever that belong to our approved drafts
    duplicates: int  # forms beyond the first for one approved draft
    lost: int  # approved drafts with no form in Lever

    def __str__(self) -> str:
        return f"forms in sandbox = {self.forms}, duplicates = {self.duplicates}, lost = {self.lost}"


async def tally(client: LeverClient, approved: list[dict[str, Any]]) -> Tally:
    """``approved``: outbox requests (``Entry.request()``); counts matching forms per draft in Lever."""

    def key(template: Any, user: Any, interview: Any, completed: Any) -> tuple[Any, ...]:
        ref = lambda v: v.get("id") if isinstance(v, dict) else v  # noqa: E731
        return (ref(template), ref(user), ref(interview), completed)

    wanted = Counter(
        key(
            r["body"]["baseTemplateId"], r["params"]["perform_as"], r["body"].get("interview"), r["body"]["completedAt"]
        )
        for r in approved
    )
    assert all(v == 1 for v in wanted.values()), "two approved drafts share a match key"
    seen: Counter[tuple[Any, ...]] = Counter()
    for oid in sorted({r["path"].split("/")[2] for r in approved}):
        async for f in client.paginate(f"/opportunities/{oid}/feedback"):
            if f.get("deletedAt"):
                continue
            k = key(f.get("baseTemplateId"), f.get("user"), f.get("interview"), f.get("completedAt"))
            if k in wanted:
                seen[k] += 1
    return Tally(
        forms=sum(seen.values()),
        duplicates=sum(max(0, c - 1) for c in seen.values()),
        lost=sum(1 for k in wanted if seen[k] == 0),
    )
