"""``LeverClient`` against the sandbox over loopback: full walks and every retry rule."""

from __future__ import annotations

import time

import httpx
import pytest
from sandbox_http import client as http_client
from sandbox_http import walk

from lever_desktop.lever import errors, models
from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.retry import RetryPolicy


def lever_client(sandbox, **kw) -> LeverClient:
    kw.setdefault("retry", RetryPolicy(backoff_base=0.01, backoff_cap=0.05))
    return LeverClient(sandbox.api_key, base_url=sandbox.base_url, rate=1000.0, burst=1000, **kw)


def server_stats(sandbox) -> dict:
    with http_client(sandbox) as c:
        return c.get(sandbox.admin_url + "/stats").json()


def set_faults(sandbox, spec: str) -> None:
    with http_client(sandbox) as c:
        assert c.post(sandbox.admin_url + "/faults", json={"spec": spec}).status_code == 200


@pytest.fixture
def example(sandbox):
    with http_client(sandbox) as c:
        ex = c.get(sandbox.admin_url + "/examples").json()["interview"]
        template = c.get(f"/feedback_templates/{ex['templateId']}").json()["data"]
    return ex, template


async def test_full_walk_of_every_resource(sandbox_factory):
    s = sandbox_factory(opportunities=450)
    with http_client(s) as c:
        expected = {o["id"] for o in walk(c, "/opportunities")}
        c.post(s.admin_url + "/stats/reset")
    async with lever_client(s) as lever:
        ids = [o["id"] async for o in lever.paginate("/opportunities")]
        assert len(ids) == len(set(ids)) and set(ids) == expected
        assert lever.stats.requests == server_stats(s)["requests"]["GET /opportunities"] == len(expected) // 100 + 1
        typed = models.parse(
            models.Opportunity, [o async for o in lever.paginate("/opportunities", {"expand": ["stage", "owner"]})]
        )
        assert {o.id for o, _ in typed} == expected
        for path in (
            "/postings",
            "/stages",
            "/users",
            "/archive_reasons",
            "/feedback_templates",
            "/opportunities/deleted",
        ):
            assert [r async for r in lever.paginate(path, {"limit": 3})]
        assert await lever.get_one("/opportunities/does-not-exist") is None
        assert lever.stats.retries == 0 and lever.stats.rate_limited == 0


@pytest.mark.logs_warnings("the client logs its retries")
async def test_get_retries_5xx_then_succeeds(sandbox):
    set_faults(sandbox, "status=503,path=/stages,count=2")
    async with lever_client(sandbox) as lever:
        assert await lever.get("/stages")
        assert lever.stats.retries == 2 and lever.stats.requests == 3


@pytest.mark.logs_warnings("the client logs its retries")
async def test_get_gives_up_after_max_attempts(sandbox):
    set_faults(sandbox, "status=500,path=/stages")
    async with lever_client(sandbox) as lever:
        with pytest.raises(errors.LeverServerError):
            await lever.get("/stages")
    assert server_stats(sandbox)["requests"]["GET /stages"] == RetryPolicy().max_attempts


@pytest.mark.logs_warnings("the client logs its retries")
async def test_get_retries_dropped_connections_and_malformed_bodies(sandbox):
    set_faults(sandbox, "drop,path=/users,count=1;malformed,path=/users,count=1")
    async with lever_client(sandbox) as lever:
        assert await lever.get("/users")
        assert lever.stats.retries == 2


@pytest.mark.logs_warnings("the client logs its retries")
async def test_429_storm_is_ridden_out(sandbox):
    set_faults(sandbox, "storm=3,path=/stages,count=1")
    async with lever_client(sandbox) as lever:
        assert await lever.get("/stages")
        assert lever.stats.rate_limited == 3


@pytest.mark.logs_warnings("the client logs its retries")
async def test_retry_after_is_honoured(sandbox_factory):
    s = sandbox_factory(retry_after=True, faults="status=429,path=/stages,count=1")
    async with lever_client(s) as lever:
        started = time.monotonic()
        assert await lever.get("/stages")
        assert time.monotonic() - started >= 1.0  # the sandbox said Retry-After: 1
        assert lever.stats.rate_limited == 1


@pytest.mark.logs_warnings("the client logs its retries")
async def test_timeouts_are_retried_for_reads(sandbox):
    set_faults(sandbox, "latency=1.0,path=/stages,count=1")
    async with lever_client(sandbox, timeout=httpx.Timeout(0.3)) as lever:
        assert await lever.get("/stages")
        assert lever.stats.retries == 1


def _body(ex, template):
    return {
        "baseTemplateId": template["id"],
        "panel": ex["panelId"],
        "interview": ex["interviewId"],
        "fieldValues": [],
    }  # no completedAt: an unsubmitted draft needs no required fields


def _forms(sandbox, ex):
    with http_client(sandbox) as c:
        return c.get(f"{sandbox.admin_url}/feedback/{ex['opportunityId']}").json()


async def test_post_is_not_retried_after_a_5xx(sandbox, example):
    ex, template = example
    before = len(_forms(sandbox, ex))
    set_faults(sandbox, "status=503,method=POST,path=*/feedback,count=1")
    async with lever_client(sandbox) as lever:
        with pytest.raises(errors.AmbiguousWriteError):
            await lever.post(
                f"/opportunities/{ex['opportunityId']}/feedback",
                json=_body(ex, template),
                params={"perform_as": ex["interviewerId"]},
            )
    assert server_stats(sandbox)["requests"]["POST /opportunities/:id/feedback"] == 1
    assert len(_forms(sandbox, ex)) == before


async def test_post_stored_then_dropped_is_ambiguous_and_really_stored(sandbox, example):
    ex, template = example
    before = len(_forms(sandbox, ex))
    set_faults(sandbox, "drop-after,method=POST,path=*/feedback,count=1")
    async with lever_client(sandbox) as lever:
        with pytest.raises(errors.AmbiguousWriteError):
            await lever.post(
                f"/opportunities/{ex['opportunityId']}/feedback",
                json=_body(ex, template),
                params={"perform_as": ex["interviewerId"]},
            )
    assert len(_forms(sandbox, ex)) == before + 1  # re-read and match before trying again


@pytest.mark.logs_warnings("the client logs its retries")
async def test_post_is_retried_after_a_429(sandbox, example):
    ex, template = example
    before = len(_forms(sandbox, ex))
    set_faults(sandbox, "status=429,method=POST,path=*/feedback,count=1")
    async with lever_client(sandbox) as lever:
        created = await lever.post(
            f"/opportunities/{ex['opportunityId']}/feedback",
            json=_body(ex, template),
            params={"perform_as": ex["interviewerId"]},
        )
        assert created["id"] and lever.stats.rate_limited == 1
    assert len(_forms(sandbox, ex)) == before + 1


@pytest.mark.logs_warnings("the client logs its retries")
async def test_validation_auth_and_offset_errors_map_to_lever_errors(sandbox, example):
    ex, template = example
    async with lever_client(sandbox) as lever:
        with pytest.raises(errors.LeverValidationError):
            await lever.post(
                f"/opportunities/{ex['opportunityId']}/feedback",
                json={**_body(ex, template), "completedAt": 1},
                params={"perform_as": ex["interviewerId"]},
            )
        page = await lever.get_page("/opportunities", {"limit": 5})
        with pytest.raises(errors.InvalidOffsetToken):
            await lever.get_page("/opportunities", {"limit": 5, "offset": page.next, "archived": "true"})
    async with LeverClient("wrong-key", base_url=sandbox.base_url, rate=1000.0, burst=1000) as bad:
        with pytest.raises(errors.LeverAuthError):
            await bad.get("/stages")


@pytest.mark.logs_warnings("the client logs its retries")
async def test_client_survives_lever_going_offline_and_back(sandbox):
    async with lever_client(sandbox) as lever:
        assert await lever.get("/stages")
        sandbox.stop()
        with pytest.raises(errors.LeverUnavailable):
            await lever.get("/stages")
        sandbox.start()
        assert await lever.get("/stages")
