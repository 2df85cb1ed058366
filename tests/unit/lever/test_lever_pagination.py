"""paginate(): verbatim offset tokens, stop rules, defences, streaming."""

from __future__ import annotations

import httpx
import pytest

from lever_desktop.lever import errors
from tests.unit.lever.lever_support import BASE

URL = f"{BASE}/opportunities"
# The shape of a real token: URL-encoded JSON. It must go back exactly as received.
TOKEN = "%5B1%2C1779397451223%2C%22991d2f5a-1b7e-4c1e-9a55-0d4a7e0c2b11%22%5D"


def page(ids, has_next, next_token=None, **extra):
    body = {"data": [{"id": i} for i in ids], "hasNext": has_next, **extra}
    if next_token is not None:
        body["next"] = next_token
    return httpx.Response(200, json=body)


async def collect(client, path="/opportunities", params=None):
    return [r["id"] async for r in client.paginate(path, params)]


async def test_walks_every_page_passing_next_back_verbatim(client, respx_mock):
    route = respx_mock.get(URL).mock(
        side_effect=[page(["a", "b"], True, TOKEN), page(["c"], True, "t2"), page(["d"], False)]
    )
    assert await collect(client, params={"archived": False}) == ["a", "b", "c", "d"]
    first, second, third = (c.request.url for c in route.calls)
    assert first.params["limit"] == "100" and "offset" not in first.params
    assert second.params["offset"] == TOKEN  # decoded once by httpx: exactly the token we got
    assert b"offset=%255B1%252C1779397451223" in second.raw_path  # ... because it was encoded once more
    assert third.params["offset"] == "t2" and third.params["archived"] == "false"


async def test_given_limit_is_kept(client, respx_mock):
    route = respx_mock.get(URL).mock(return_value=page(["a"], False))
    await collect(client, params={"limit": 25})
    assert route.calls.last.request.url.params["limit"] == "25"


@pytest.mark.parametrize("tail", [{}, {"next": None}, {"next": "ignored-token"}])
async def test_stops_when_has_next_is_false(client, respx_mock, tail):
    route = respx_mock.get(URL).mock(
        return_value=httpx.Response(200, json={"data": [{"id": "a"}], "hasNext": False, **tail})
    )
    assert await collect(client) == ["a"]
    assert route.call_count == 1


async def test_repeated_token_is_an_error(client, respx_mock):
    respx_mock.get(URL).mock(side_effect=[page(["a"], True, "t1"), page(["b"], True, "t2"), page(["c"], True, "t1")])
    seen = []
    with pytest.raises(errors.PaginationError, match="same offset token"):
        async for r in client.paginate("/opportunities"):
            seen.append(r["id"])
    assert seen == ["a", "b", "c"]


async def test_empty_page_claiming_more_is_an_error(client, respx_mock):
    respx_mock.get(URL).mock(side_effect=[page(["a"], True, "t1"), page([], True, "t2")])
    with pytest.raises(errors.PaginationError, match="empty page"):
        await collect(client)


async def test_has_next_without_token_is_an_error(client, respx_mock):
    respx_mock.get(URL).mock(return_value=page(["a"], True))
    with pytest.raises(errors.PaginationError, match="without a next token"):
        await collect(client)


async def test_invalid_offset_token_raises_its_own_error(client, respx_mock):
    bad = httpx.Response(
        400, json={"code": "BadRequestError", "message": "Invalid offset token: Offset token is invalid for sort"}
    )
    respx_mock.get(URL).mock(side_effect=[page(["a"], True, "t1"), bad])
    with pytest.raises(errors.InvalidOffsetToken) as info:
        await collect(client)
    assert info.value.status == 400 and info.value.path == "/opportunities"


async def test_streams_page_by_page(client, respx_mock):
    route = respx_mock.get(URL).mock(side_effect=[page(["a", "b"], True, "t1"), page(["c"], False)])
    walk = client.paginate("/opportunities")
    assert (await anext(walk))["id"] == "a"
    assert (await anext(walk))["id"] == "b"
    assert route.call_count == 1  # the second page is only fetched when needed
    assert (await anext(walk))["id"] == "c"
    assert route.call_count == 2
    await walk.aclose()


async def test_multi_valued_filters_repeat_on_every_page(client, respx_mock):
    route = respx_mock.get(URL).mock(side_effect=[page(["a"], True, "t1"), page(["b"], False)])
    await collect(client, params={"stage_id": ["s1", "s2"]})
    for call in route.calls:
        assert call.request.url.params.get_list("stage_id") == ["s1", "s2"]


async def test_a_non_list_answer_is_a_pagination_error(client, respx_mock):
    respx_mock.get(URL).mock(return_value=httpx.Response(200, json={"data": {"id": "x"}}))
    with pytest.raises(errors.PaginationError, match="not answer with a list"):
        await collect(client)


async def test_a_given_offset_starts_the_walk_and_counts_as_seen(client, respx_mock):
    route = respx_mock.get(URL).mock(side_effect=[page(["c"], True, "t0"), page(["d"], False)])
    with pytest.raises(errors.PaginationError, match="same offset token"):
        await collect(client, params={"offset": "t0"})
    assert route.calls[0].request.url.params["offset"] == "t0"


async def test_get_page_exposes_the_token(client, respx_mock):
    respx_mock.get(URL).mock(return_value=page(["a"], True, TOKEN))
    p = await client.get_page("/opportunities", {"limit": 1})
    assert (p.records, p.has_next, p.next) == ([{"id": "a"}], True, TOKEN)
