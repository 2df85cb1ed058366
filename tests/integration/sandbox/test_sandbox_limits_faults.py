"""Rate limit, request counters, fault injection and the admin API's guard."""

from __future__ import annotations

import time

import httpx
import pytest
from sandbox_http import client

from lever_desktop.sandbox.faults import FaultSpecError, parse_spec
from lever_desktop.sandbox.gate import endpoint_key


def burst(c, n, path="/stages"):
    return [c.get(path) for _ in range(n)]


def test_token_bucket_allows_the_burst_then_429s_without_retry_after(sandbox_factory):
    s = sandbox_factory(rate=1.0, burst=20)
    with client(s) as c:
        answers = burst(c, 30)
        codes = [r.status_code for r in answers]
        assert codes[:20] == [200] * 20 and set(codes[20:]) <= {200, 429} and codes.count(429) >= 9
        limited = next(r for r in answers if r.status_code == 429)
        assert set(limited.json()) == {"code", "message"} and "retry-after" not in limited.headers
        stats = c.get(s.admin_url + "/stats").json()
        assert stats["rateLimited"] == codes.count(429)
        assert stats["requests"]["GET /stages"] == 30 + 0  # admin calls are not counted


def test_retry_after_option_and_runtime_reconfiguration(sandbox_factory):
    s = sandbox_factory(rate=1.0, burst=1, retry_after=True)
    with client(s) as c:
        codes = burst(c, 3)
        assert codes[0].status_code == 200 and codes[-1].status_code == 429
        assert int(codes[-1].headers["retry-after"]) >= 1
        r = c.put(s.admin_url + "/rate-limit", json={"rate": 1000, "burst": 1000, "retryAfter": False})
        assert r.json() == {"rate": 1000.0, "burst": 1000, "retryAfter": False}
        assert {x.status_code for x in burst(c, 30)} == {200}


def test_steady_rate_is_enforced(sandbox_factory):
    s = sandbox_factory(rate=20.0, burst=5)
    with client(s) as c:
        started = time.monotonic()
        ok = sum(r.status_code == 200 for r in burst(c, 60))
        elapsed = time.monotonic() - started
    assert ok <= 5 + 20 * elapsed + 1


def test_the_limit_is_per_key(sandbox):
    # A second key is unknown, so 401 — never a 429 taken from the first key's bucket.
    sandbox.limiter.configure(rate=1.0, burst=2)
    with client(sandbox) as c, client(sandbox, key="other") as other:
        burst(c, 5)
        assert other.get("/stages").status_code == 401


def test_counters_per_endpoint_and_reset(sandbox):
    with client(sandbox) as c:
        opp = c.get("/opportunities", params={"limit": 1}).json()["data"][0]["id"]
        c.get(f"/opportunities/{opp}/feedback")
        c.get(f"/opportunities/{opp}/feedback")
        stats = c.get(sandbox.admin_url + "/stats").json()
        assert stats["requests"] == {"GET /opportunities": 1, "GET /opportunities/:id/feedback": 2}
        assert stats["total"] == 3
        assert c.post(sandbox.admin_url + "/stats/reset").status_code == 204
        assert c.get(sandbox.admin_url + "/stats").json()["total"] == 0


def test_endpoint_keys():
    assert endpoint_key("PUT", "/opportunities/abc/stage") == "PUT /opportunities/:id/stage"
    assert endpoint_key("GET", "/opportunities/deleted") == "GET /opportunities/deleted"


def test_fault_spec_grammar():
    rules = parse_spec(
        "status=503,path=/opportunities*,rate=0.5;drop-after,method=post,path=*/feedback,count=1;latency=0.2"
    )
    assert [(r.kind, r.arg, r.path, r.method, r.rate, r.count) for r in rules] == [
        ("status", 503.0, "/opportunities*", None, 0.5, None),
        ("drop-after", None, "*/feedback", "POST", 1.0, 1),
        ("latency", 0.2, "*", None, 1.0, None),
    ]
    for bad in ("explode", "status", "status=x", "drop,rate=2", "drop,colour=red", "drop,path"):
        with pytest.raises(FaultSpecError):
            parse_spec(bad)


def test_injected_5xx_per_endpoint_and_count(sandbox_factory):
    s = sandbox_factory(faults="status=503,path=/stages,count=2")
    with client(s) as c:
        codes = [c.get("/stages").status_code for _ in range(3)]
        assert codes == [503, 503, 200]
        assert c.get("/users").status_code == 200
        r = c.post(s.admin_url + "/faults", json={"spec": "status=500,path=/users"})
        assert r.status_code == 200 and r.json()[0]["kind"] == "status"
        bad = c.get("/users")
        assert bad.status_code == 500 and set(bad.json()) == {"code", "message"}
        assert c.delete(s.admin_url + "/faults").json() == []
        assert c.get("/users").status_code == 200
        assert c.post(s.admin_url + "/faults", json={"spec": "nonsense"}).status_code == 400


def test_fault_rate_is_deterministic_from_the_seed(sandbox_factory):
    def pattern(server):
        with client(server) as c:
            return [c.get("/stages").status_code for _ in range(30)]

    a = pattern(sandbox_factory(faults="status=500,rate=0.3", seed=4))
    assert a == pattern(sandbox_factory(faults="status=500,rate=0.3", seed=4))
    assert 0 < a.count(500) < 30


def test_429_storm(sandbox_factory):
    s = sandbox_factory(faults="storm=4,path=/stages,count=1")
    with client(s) as c:
        codes = [c.get("/stages").status_code for _ in range(6)]
        assert codes == [429, 429, 429, 429, 200, 200]
        assert c.get(s.admin_url + "/stats").json()["rateLimited"] == 4


def test_latency(sandbox_factory):
    s = sandbox_factory(faults="latency=0.3,path=/stages")
    with client(s) as c:
        started = time.monotonic()
        assert c.get("/stages").status_code == 200
        assert time.monotonic() - started >= 0.3


def test_drop_closes_the_socket_without_a_response(sandbox_factory):
    s = sandbox_factory(faults="drop,path=/stages,count=1")
    with client(s) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/stages")
        assert c.get("/stages").status_code == 200


def test_drop_after_stores_the_feedback_then_drops(sandbox_factory):
    s = sandbox_factory(faults="drop-after,method=POST,path=*/feedback,count=1")
    with client(s) as c:
        iv = c.get(s.admin_url + "/examples").json()["interview"]
        template = c.get(f"/feedback_templates/{iv['templateId']}").json()["data"]
        url = f"/opportunities/{iv['opportunityId']}/feedback"
        before = len(c.get(url).json()["data"])
        body = {"baseTemplateId": template["id"], "fieldValues": []}  # a draft: no required fields needed
        with pytest.raises(httpx.RemoteProtocolError):
            c.post(url, params={"perform_as": iv["interviewerId"]}, json=body)
        stored = c.get(f"{s.admin_url}/feedback/{iv['opportunityId']}").json()
        assert any(f["completedAt"] is None and f["user"] == iv["interviewerId"] for f in stored)
        assert len(c.get(url).json()["data"]) == before


def test_malformed_json_body(sandbox_factory):
    s = sandbox_factory(faults="malformed,path=/users,count=1")
    with client(s) as c:
        r = c.get("/users")
        assert r.status_code == 200
        with pytest.raises(ValueError):
            r.json()


async def test_admin_api_is_loopback_only():
    from starlette.requests import Request
    from starlette.responses import Response

    from lever_desktop.sandbox.api_admin import admin

    @admin
    async def handler(request):
        return Response(status_code=204)

    def request_from(host):
        return Request(
            {
                "type": "http",
                "method": "GET",
                "path": "/_sandbox/stats",
                "headers": [],
                "query_string": b"",
                "client": (host, 50000),
            }
        )

    assert (await handler(request_from("127.0.0.1"))).status_code == 204
    assert (await handler(request_from("::1"))).status_code == 204
    assert (await handler(request_from("10.1.2.3"))).status_code == 403


def _feedback_target(c, s):
    """An interview, its template, and a complete valid body for it."""
    import random

    from lever_desktop.sandbox.drafts import sample_value

    iv = c.get(s.admin_url + "/examples").json()["interview"]
    template = c.get(f"/feedback_templates/{iv['templateId']}").json()["data"]
    now = int(time.time() * 1000)
    values = [
        {"id": f["id"], "value": v}
        for f in template["fields"]
        if (v := sample_value(f, random.Random(f["id"]), now)) is not None
    ]
    body = {
        "baseTemplateId": template["id"],
        "panel": iv["panelId"],
        "interview": iv["interviewId"],
        "completedAt": 1_731_609_025_310,
        "fieldValues": values,
    }
    return iv, f"/opportunities/{iv['opportunityId']}/feedback", body


def test_store_after_stores_the_post_late_even_when_the_client_gave_up(sandbox_factory):
    from helpers.waiting import wait_until

    s = sandbox_factory(faults="store-after=0.5,method=POST,path=*/feedback")
    with client(s) as c:
        iv, url, body = _feedback_target(c, s)
        before = len(c.get(url).json()["data"])
        with pytest.raises(httpx.ReadTimeout):  # the client leaves long before Lever stores it
            c.post(url, params={"perform_as": iv["interviewerId"]}, json=body, timeout=0.1)
        assert len(c.get(url).json()["data"]) == before  # not yet...
        wait_until(lambda: len(c.get(url).json()["data"]) == before + 1, timeout=5, what="the late store")
        started = time.monotonic()
        r = c.post(url, params={"perform_as": iv["interviewerId"]}, json=body)  # a patient client gets its answer
        assert r.status_code == 201 and time.monotonic() - started >= 0.5
        assert len(c.get(url).json()["data"]) == before + 2


@pytest.mark.parametrize("mode", ["round", "now"])
def test_completed_at_is_rounded_or_replaced(sandbox_factory, mode):
    s = sandbox_factory(faults=f"completed-at={mode},method=POST,path=*/feedback")
    with client(s) as c:
        iv, url, body = _feedback_target(c, s)
        before = int(time.time() * 1000)
        r = c.post(url, params={"perform_as": iv["interviewerId"]}, json=body)
        assert r.status_code == 201
        stored = r.json()["data"]["completedAt"]
        if mode == "round":
            assert stored == 1_731_609_025_000
        else:
            assert before <= stored <= int(time.time() * 1000)


def test_store_after_and_completed_at_spec_errors():
    assert [(r.kind, r.arg) for r in parse_spec("store-after=6,method=POST;completed-at=now")] == [
        ("store-after", 6.0),
        ("completed-at", "now"),
    ]
    for bad in ("store-after", "store-after=soon", "completed-at", "completed-at=sometimes"):
        with pytest.raises(FaultSpecError):
            parse_spec(bad)
