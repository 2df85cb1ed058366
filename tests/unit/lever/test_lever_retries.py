"""Which failures the client retries, how long it waits, and which writes it never repeats."""

from __future__ import annotations

import logging

import httpx
import pytest

from lever_desktop.lever import errors
from lever_desktop.lever.ratelimit import RateLimiter
from lever_desktop.lever.retry import RetryPolicy
from tests.unit.lever.lever_support import API_KEY, BASE

URL = f"{BASE}/opportunities"
FEEDBACK = f"{BASE}/opportunities/o1/feedback"
OK = httpx.Response(200, json={"data": [{"id": "o1"}], "hasNext": False})
CREATED = httpx.Response(200, json={"data": {"id": "f1"}})


@pytest.mark.parametrize("status", [500, 502, 503, 504, 429])
async def test_get_retries_transient_statuses(client, respx_mock, clock, caplog, status):
    route = respx_mock.get(URL).mock(side_effect=[httpx.Response(status, json={"message": "busy"}), OK])
    with caplog.at_level(logging.WARNING, logger="lever_desktop.lever.client"):
        assert await client.get("/opportunities", {"email": "a@b.com"}) == [{"id": "o1"}]
    assert route.call_count == 2
    assert client.stats.retries == 1 and client.stats.requests == 2
    assert client.stats.rate_limited == (1 if status == 429 else 0)
    [record] = caplog.records
    assert record.levelno == logging.WARNING and f"HTTP {status}" in record.getMessage()
    assert "a@b.com" not in record.getMessage() and API_KEY not in record.getMessage()


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.ReadTimeout("slow"),
        httpx.ReadError("reset"),
        httpx.RemoteProtocolError("Server disconnected"),
    ],
)
@pytest.mark.logs_warnings("the client logs its retries")
async def test_get_retries_network_failures(client, respx_mock, exc):
    route = respx_mock.get(URL).mock(side_effect=[exc, OK])
    assert await client.get("/opportunities") == [{"id": "o1"}]
    assert route.call_count == 2 and client.stats.retries == 1


@pytest.mark.logs_warnings("the client logs its retries")
async def test_get_gives_up_after_max_attempts_with_exponential_full_jitter_backoff(make_client, respx_mock, clock):
    client = make_client(retry=RetryPolicy(max_attempts=4, backoff_base=0.5, rng=lambda: 0.5))
    route = respx_mock.get(URL).respond(503, json={"code": "ServiceUnavailable", "message": "maintenance"})
    with pytest.raises(errors.LeverServerError) as info:
        await client.get("/opportunities")
    assert route.call_count == 4
    assert info.value.status == 503 and info.value.code == "ServiceUnavailable"
    backoffs = [s for s in clock.sleeps if s >= 0.1]  # the fast limiter's own waits are ~1 ms
    assert backoffs == [0.25, 0.5, 1.0]  # rng 0.5 x 0.5 * 2**(n-1)


def test_full_jitter_spans_zero_to_the_capped_exponential():
    policy = RetryPolicy(backoff_base=1.0, backoff_cap=8.0, rng=lambda: 0.999999)
    assert [round(policy.backoff(n), 3) for n in (1, 2, 3, 4, 5, 6)] == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert RetryPolicy(rng=lambda: 0.0).backoff(3) == 0.0


@pytest.mark.logs_warnings("the client logs its retries")
async def test_get_gives_up_on_network_failure_as_unavailable(make_client, respx_mock):
    client = make_client(retry=RetryPolicy(max_attempts=2, rng=lambda: 0.0))
    respx_mock.get(URL).mock(side_effect=httpx.ConnectError("refused"))
    with pytest.raises(errors.LeverUnavailable, match="could not be reached"):
        await client.get("/opportunities")


async def test_get_does_not_retry_other_5xx_or_4xx(client, respx_mock):
    route = respx_mock.get(URL).mock(side_effect=[httpx.Response(501), httpx.Response(400, json={"message": "bad"})])
    with pytest.raises(errors.LeverServerError):
        await client.get("/opportunities")
    with pytest.raises(errors.LeverValidationError):
        await client.get("/opportunities")
    assert route.call_count == 2 and client.stats.retries == 0


@pytest.mark.logs_warnings("the client logs its retries")
async def test_retry_after_seconds_is_honoured(client, respx_mock, clock):
    respx_mock.get(URL).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "7"}), OK])
    start = clock.now
    await client.get("/opportunities")
    assert clock.now - start == pytest.approx(7.0, abs=0.01)


@pytest.mark.logs_warnings("the client logs its retries")
async def test_retry_after_http_date_is_honoured(client, respx_mock, clock):
    # The policy's wall clock reads 1_700_000_000 = Tue, 14 Nov 2023 22:13:20 GMT.
    later = httpx.Response(429, headers={"Retry-After": "Tue, 14 Nov 2023 22:13:32 GMT"})
    respx_mock.get(URL).mock(side_effect=[later, OK])
    start = clock.now
    await client.get("/opportunities")
    assert clock.now - start == pytest.approx(12.0, abs=0.01)


async def test_retry_after_pauses_other_requests_sharing_the_key(make_client, respx_mock, clock):
    first = make_client(retry=RetryPolicy(rate_limit_deadline=0.0, clock=clock))
    second = make_client(limiter=first.limiter)
    respx_mock.get(URL).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "5"}), OK])
    with pytest.raises(errors.LeverRateLimited):
        await first.get("/opportunities")  # its deadline has passed: no wait of its own
    assert clock.now < 1000.1
    await second.get("/opportunities")
    assert clock.now >= 1005.0  # the other client waited out the pause


@pytest.mark.logs_warnings("the client logs its retries")
async def test_429s_without_retry_after_back_off_from_a_refill_interval_up_to_a_full_refill(client, respx_mock, clock):
    respx_mock.get(URL).mock(side_effect=[httpx.Response(429)] * 7 + [OK])
    await client.get("/opportunities")
    backoffs = [s for s in clock.sleeps if s >= 0.05]  # the fast limiter's own waits are ~1 ms
    assert backoffs == pytest.approx([0.1, 0.2, 0.4, 0.8, 1.6, 2.0, 2.0])  # rng 1.0: the ceiling


@pytest.mark.logs_warnings("the client logs its retries")
async def test_a_get_never_gives_up_on_429s_alone(make_client, respx_mock, clock):
    """Colleagues sharing the key may slow a walk down, never fail it: 40 429s in a row on
    one page (far beyond max_attempts) and the walk goes on, waiting at most 2 s each time."""
    client = make_client(retry=RetryPolicy(max_attempts=3, rng=lambda: 1.0))
    respx_mock.get(URL).mock(side_effect=[httpx.Response(429)] * 40 + [OK])
    assert await client.get("/opportunities") == [{"id": "o1"}]
    assert client.stats.rate_limited == 40 and max(clock.sleeps) <= 2.0


@pytest.mark.logs_warnings("the client logs its retries")
async def test_a_gets_429s_do_not_use_up_its_attempts_for_other_failures(make_client, respx_mock):
    client = make_client(retry=RetryPolicy(max_attempts=3, rng=lambda: 0.0))
    route = respx_mock.get(URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(429), httpx.Response(429), httpx.Response(503), OK]
    )
    assert await client.get("/opportunities") == [{"id": "o1"}]
    assert route.call_count == 5
    respx_mock.get(URL).mock(
        side_effect=[httpx.Response(503), httpx.Response(429), httpx.Response(503), httpx.Response(503)]
    )
    with pytest.raises(errors.LeverServerError):  # the third 503 is the third failed attempt
        await client.get("/opportunities")


@pytest.mark.logs_warnings("the client logs its retries")
async def test_a_get_gives_up_on_429s_only_past_the_callers_deadline(make_client, respx_mock, clock):
    client = make_client(retry=RetryPolicy(rate_limit_deadline=30.0, clock=clock, rng=lambda: 1.0))
    route = respx_mock.get(URL).respond(429)
    with pytest.raises(errors.LeverRateLimited):
        await client.get("/opportunities")
    assert 30.0 <= clock.now - 1000.0 < 30.0 + 2.1  # one capped backoff past the deadline at most
    assert route.call_count > RetryPolicy().max_attempts


@pytest.mark.logs_warnings("the client logs its retries")
async def test_a_write_still_gives_up_on_429s_after_max_attempts(make_client, respx_mock):
    client = make_client(retry=RetryPolicy(max_attempts=3, rng=lambda: 0.0))
    route = respx_mock.post(FEEDBACK).respond(429)
    with pytest.raises(errors.LeverRateLimited):
        await client.post("/opportunities/o1/feedback", json={})
    assert route.call_count == 3


@pytest.mark.logs_warnings("the client logs its retries")
async def test_the_429s_of_one_request_are_one_congestion_epoch(make_client, respx_mock, clock):
    """The retries of one request report the congestion its first attempt met: no cut at all
    for a storm of 429s on one request after a calm spell (issue #16 item 1)."""
    limiter = RateLimiter(9.75, 19, clock=clock, rng=lambda: 0.0)
    client = make_client(limiter=limiter, retry=RetryPolicy(rng=lambda: 1.0))
    respx_mock.get(URL).mock(side_effect=[httpx.Response(429)] * 3 + [OK])
    await client.get("/opportunities")
    assert limiter.cuts == 0 and limiter.rate == pytest.approx(9.75)


async def test_too_long_retry_after_is_raised_not_waited(client, respx_mock, clock):
    route = respx_mock.get(URL).respond(429, headers={"Retry-After": "3600"})
    with pytest.raises(errors.LeverRateLimited) as info:
        await client.get("/opportunities")
    assert route.call_count == 1 and info.value.retry_after == 3600
    assert clock.now < 1000 + 61


@pytest.mark.logs_warnings("the client logs its retries")
async def test_unreadable_body_on_get_is_retried(client, respx_mock):
    route = respx_mock.get(URL).mock(side_effect=[httpx.Response(200, text="{truncated"), OK])
    assert await client.get("/opportunities") == [{"id": "o1"}]
    assert route.call_count == 2


# -- writes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_post_is_never_retried_after_a_5xx(client, respx_mock, status):
    route = respx_mock.post(FEEDBACK).respond(status)
    with pytest.raises(errors.AmbiguousWriteError) as info:
        await client.post("/opportunities/o1/feedback", json={"baseTemplateId": "t"}, params={"perform_as": "u"})
    assert route.call_count == 1 and client.stats.retries == 0
    assert info.value.status == status and info.value.method == "POST"


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ReadTimeout("slow"),
        httpx.ReadError("reset"),
        httpx.WriteError("broken pipe"),
        httpx.RemoteProtocolError("Server disconnected without sending a response"),
    ],
)
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
async def test_write_is_never_retried_when_the_request_may_have_arrived(client, respx_mock, exc, method):
    route = respx_mock.route(method=method, url=FEEDBACK + "/f1").mock(side_effect=exc)
    with pytest.raises(errors.AmbiguousWriteError, match="may or may not"):
        await getattr(client, method.lower())("/opportunities/o1/feedback/f1")
    assert route.call_count == 1 and client.stats.retries == 0


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ConnectError("refused"),
        httpx.ConnectTimeout("slow"),
        httpx.PoolTimeout("busy"),
        httpx.Response(429),
        httpx.Response(429, headers={"Retry-After": "2"}),
    ],
)
@pytest.mark.logs_warnings("the client logs its retries")
async def test_post_is_retried_when_lever_certainly_did_not_act(client, respx_mock, failure):
    route = respx_mock.post(FEEDBACK).mock(side_effect=[failure, CREATED])
    assert await client.post("/opportunities/o1/feedback", json={"baseTemplateId": "t"}) == {"id": "f1"}
    assert route.call_count == 2 and client.stats.retries == 1
    assert route.calls[1].request.content == route.calls[0].request.content


async def test_post_unreadable_success_body_is_ambiguous(client, respx_mock):
    route = respx_mock.post(FEEDBACK).respond(200, text="<html>")
    with pytest.raises(errors.AmbiguousWriteError):
        await client.post("/opportunities/o1/feedback", json={})
    assert route.call_count == 1


async def test_post_validation_error_is_not_retried(client, respx_mock):
    route = respx_mock.post(FEEDBACK).respond(
        400, json={"code": "BadRequestError", "message": "Unable to create feedback"}
    )
    with pytest.raises(errors.LeverValidationError, match="Unable to create feedback"):
        await client.post("/opportunities/o1/feedback", json={})
    assert route.call_count == 1


async def test_delete_204_returns_none(client, respx_mock):
    respx_mock.delete(FEEDBACK + "/f1").respond(204)
    assert await client.delete("/opportunities/o1/feedback/f1") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3", 3.0),
        ("0.5", 0.5),
        ("-4", 0.0),
        ("soon", None),
        ("", None),
        ("Tue, 14 Nov 2023 22:13:00 GMT", 0.0),
        ("Tue, 14 Nov 2023 22:14:20 GMT", 60.0),
    ],
)
def test_retry_after_parsing(value, expected):
    policy = RetryPolicy(wall_clock=lambda: 1_700_000_000.0)
    assert policy.retry_after(httpx.Response(429, headers={"Retry-After": value})) == expected


async def test_post_redirected_to_lever_keeps_method_and_body(client, respx_mock):
    respx_mock.post(FEEDBACK).respond(
        301, headers={"Location": "https://api.eu.lever.co/v1/opportunities/o1/feedback?perform_as=u"}
    )
    moved = respx_mock.post("https://api.eu.lever.co/v1/opportunities/o1/feedback").mock(return_value=CREATED)
    assert await client.post(
        "/opportunities/o1/feedback", json={"baseTemplateId": "t"}, params={"perform_as": "u"}
    ) == {"id": "f1"}
    assert moved.calls.last.request.content == b'{"baseTemplateId":"t"}'
    assert moved.calls.last.request.url.params["perform_as"] == "u"
