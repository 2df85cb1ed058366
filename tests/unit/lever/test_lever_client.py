"""LeverClient basics: auth, base URLs, envelopes, error mapping, redirects, no key leaks."""

from __future__ import annotations

import base64

import pytest

from lever_desktop.lever import errors
from lever_desktop.lever.client import LeverClient, unwrap
from tests.unit.lever.lever_support import API_KEY, BASE


def _basic(key: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:".encode()).decode()


async def test_get_sends_the_key_as_basic_auth_with_empty_password(client, respx_mock):
    route = respx_mock.get(f"{BASE}/stages").respond(json={"data": [{"id": "lead-new", "text": "New lead"}]})
    assert await client.get("/stages") == [{"id": "lead-new", "text": "New lead"}]
    assert route.calls.last.request.headers["authorization"] == _basic(API_KEY)
    assert client.stats.requests == 1


@pytest.mark.parametrize(
    ("region", "url"),
    [
        ("us", "https://api.lever.co/v1"),
        ("eu", "https://api.eu.lever.co/v1"),
        ("sandbox", "https://api.sandbox.lever.co/v1"),
    ],
)
async def test_region_picks_the_lever_host(make_client, region, url):
    assert make_client(base_url=None, region=region).base_url == url


async def test_explicit_base_url_wins_over_region(make_client, monkeypatch):
    monkeypatch.setenv("LEVER_ALLOW_CUSTOM_HOST", "proxy.example.com")  # not Lever: allowed by name only
    assert make_client(base_url="https://proxy.example.com/v1/", region="eu").base_url == "https://proxy.example.com/v1"


def test_unknown_region_is_refused_clearly():
    with pytest.raises(ValueError, match="Unknown Lever region 'mars'"):
        LeverClient(API_KEY, region="mars")


@pytest.mark.parametrize("url", ["http://api.lever.co/v1", "http://10.0.0.5:8080/v1", "http://127.example.com/v1"])
def test_plain_http_is_refused_off_loopback(url):
    with pytest.raises(errors.InsecureURLError, match="Refusing plain http://") as info:
        LeverClient(API_KEY, base_url=url)
    assert API_KEY not in str(info.value)


@pytest.mark.parametrize("url", ["ftp://api.lever.co/v1", "https://user:pw@api.lever.co/v1", "not a url"])
def test_odd_base_urls_are_refused(url):
    with pytest.raises(errors.InsecureURLError):
        LeverClient(API_KEY, base_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8123/v1", "http://127.3.4.5/v1", "http://[::1]:9000/v1", "http://localhost:1/v1"]
)
async def test_plain_http_is_allowed_on_loopback(make_client, url):
    assert make_client(base_url=url).base_url == url


def test_empty_key_is_refused():
    with pytest.raises(ValueError, match="API key is required"):
        LeverClient("  ")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"data": {"id": "o1"}}, {"id": "o1"}),
        ({"data": {"data": {"id": "t1"}}}, {"id": "t1"}),
        ({"id": "bare"}, {"id": "bare"}),
        ({"data": [1, 2], "hasNext": False}, [1, 2]),
        # An object that merely has a "data" field is not an envelope.
        (
            {"id": "d1", "event": "candidateHired", "data": {"opportunityId": "o"}},
            {"id": "d1", "event": "candidateHired", "data": {"opportunityId": "o"}},
        ),
        ({"data": {"id": "w1", "data": {"x": 1}}}, {"id": "w1", "data": {"x": 1}}),
    ],
)
def test_unwrap(body, expected):
    assert unwrap(body) == expected


async def test_get_unwraps_double_envelope(client, respx_mock):
    respx_mock.get(f"{BASE}/feedback_templates/t1").respond(json={"data": {"data": {"id": "t1", "fields": []}}})
    assert await client.get("/feedback_templates/t1") == {"id": "t1", "fields": []}


async def test_list_params_repeat_and_none_is_dropped(client, respx_mock):
    route = respx_mock.get(f"{BASE}/postings").respond(json={"data": []})
    await client.get("/postings", {"distributionChannel": ["public", "internal"], "state": None, "archived": False})
    url = route.calls.last.request.url
    assert url.params.get_list("distributionChannel") == ["public", "internal"]
    assert "state" not in url.params and url.params["archived"] == "false"


@pytest.mark.parametrize(
    ("status", "body", "cls", "text"),
    [
        (
            400,
            {"code": "BadRequestError", "message": "Missing required parameter: perform_as"},
            errors.LeverValidationError,
            "Missing required parameter: perform_as",
        ),
        (
            400,
            {"code": "BadRequestError", "message": "Invalid offset token: Offset token is invalid for sort"},
            errors.InvalidOffsetToken,
            "Invalid offset token",
        ),
        (401, {"code": "UnauthorizedError", "message": "Invalid API key"}, errors.LeverAuthError, "check the key"),
        (403, {"code": "ForbiddenError", "message": "confidential"}, errors.LeverAuthError, "permissions"),
        (404, {"code": "ResourceNotFound", "message": "No such opportunity"}, errors.LeverNotFound, "No such"),
        (409, {"code": "Conflict", "message": "nope"}, errors.LeverError, "nope"),
        (400, "<html>oops</html>", errors.LeverValidationError, "Bad Request"),
    ],
)
async def test_error_mapping(client, respx_mock, status, body, cls, text):
    kw = {"json": body} if isinstance(body, dict) else {"text": body}
    respx_mock.post(f"{BASE}/opportunities/o1/feedback").respond(status, **kw)
    with pytest.raises(cls) as info:
        await client.post("/opportunities/o1/feedback", json={"x": 1}, params={"perform_as": "u1"})
    e = info.value
    assert type(e) is cls
    assert (e.status, e.method, e.path) == (status, "POST", "/opportunities/o1/feedback")
    assert text in str(e)
    if isinstance(body, dict):
        assert e.code == body["code"]
    if cls is errors.LeverAuthError:
        assert e.forbidden is (status == 403)


async def test_get_one_returns_none_on_404(client, respx_mock):
    respx_mock.get(f"{BASE}/opportunities/gone").respond(404, json={"code": "ResourceNotFound", "message": "x"})
    assert await client.get_one("/opportunities/gone") is None


async def test_the_key_never_appears_in_errors_or_reprs(client, respx_mock):
    # A (hypothetical) server that echoes the key and the header back in its error message.
    echo = f"key {API_KEY} / header {_basic(API_KEY)}"
    respx_mock.get(f"{BASE}/users").respond(401, json={"code": API_KEY, "message": echo})
    with pytest.raises(errors.LeverAuthError) as info:
        await client.get("/users")
    encoded = _basic(API_KEY).split()[1]
    for text in (
        str(info.value),
        repr(info.value),
        repr(client),
        repr(vars(client)),
        *(repr(v) for v in vars(client).values()),
    ):
        assert API_KEY not in text and encoded not in text


async def test_301_to_a_lever_host_is_followed_with_credentials(client, respx_mock):
    respx_mock.get(f"{BASE}/users").respond(301, headers={"Location": "https://api.eu.lever.co/v1/users?limit=5"})
    moved = respx_mock.get("https://api.eu.lever.co/v1/users").respond(json={"data": [{"id": "u1"}]})
    assert await client.get("/users") == [{"id": "u1"}]
    assert moved.calls.last.request.headers["authorization"] == _basic(API_KEY)
    assert moved.calls.last.request.url.params["limit"] == "5"


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example.com/v1/users",
        "http://api.lever.co/v1/users",
        "https://lever.co.evil.com/v1/users",
        "https://notlever.co/v1/users",
    ],
)
async def test_redirect_off_lever_is_not_followed_and_gets_no_key(client, respx_mock, location):
    respx_mock.get(f"{BASE}/users").respond(301, headers={"Location": location})
    elsewhere = respx_mock.route(url__startswith=location.split("/v1")[0])
    with pytest.raises(errors.InsecureURLError, match="not followed") as info:
        await client.get("/users")
    assert not elsewhere.called
    assert API_KEY not in str(info.value)


async def test_redirect_loop_stops(client, respx_mock):
    respx_mock.get(f"{BASE}/users").respond(301, headers={"Location": f"{BASE}/users"})
    with pytest.raises(errors.LeverError, match="Too many redirects"):
        await client.get("/users")


async def test_a_302_is_an_error_not_a_redirect(client, respx_mock):
    respx_mock.get(f"{BASE}/users").respond(302, headers={"Location": "https://api.lever.co/v1/x"})
    with pytest.raises(errors.LeverError) as info:
        await client.get("/users")
    assert info.value.status == 302


async def test_async_context_manager_closes_the_http_client(make_client):
    async with make_client() as client:
        pass
    assert client.closed


def test_timeouts_are_set(client):
    timeout = client.timeout
    assert timeout.connect and timeout.read and timeout.write and timeout.pool
