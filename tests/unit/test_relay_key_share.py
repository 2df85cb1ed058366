"""The relay's count of desktops syncing with one key (``POST /v1/share``): who counts, for how long, how many."""

from __future__ import annotations

import contextlib
import uuid

import httpx
import pytest

from lever_desktop.relay.server import SHARE_TTL, RelayConfig, create_app

READER = {"Authorization": "Bearer reader-token-1"}
KEY_A, KEY_B = "a" * 32, "b" * 64


@contextlib.asynccontextmanager
async def _running(tmp_path, clock, **caps):
    config = RelayConfig(
        db_url=f"sqlite:///{tmp_path / 'relay.sqlite3'}",
        ingest_tokens=("ingest-token-1",),
        reader_tokens=("reader-token-1",),
        **caps,
    )
    app = create_app(config, clock=lambda: clock[0])
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as client:
            yield client


def _desktop() -> str:
    return str(uuid.uuid4())


async def _beat(client: httpx.AsyncClient, desktop: str, key: str = KEY_A, syncing: bool = True) -> httpx.Response:
    return await client.post("/v1/share", json={"desktop": desktop, "key": key, "syncing": syncing}, headers=READER)


async def _sharing(client: httpx.AsyncClient, desktop: str, key: str = KEY_A, syncing: bool = True) -> int:
    resp = await _beat(client, desktop, key, syncing)
    assert resp.status_code == 200, resp.text
    return resp.json()["sharing"]


async def test_distinct_desktops_per_key_are_counted_with_the_caller(tmp_path):
    clock = [1_700_000_000.0]
    one, two, three = _desktop(), _desktop(), _desktop()
    async with _running(tmp_path, clock) as client:
        assert await _sharing(client, one) == 1
        assert await _sharing(client, two) == 2
        assert await _sharing(client, one) == 2  # a second beat is the same desktop
        assert await _sharing(client, three, KEY_B) == 1  # another key is another bucket
        assert await _sharing(client, two) == 2


async def test_a_desktop_that_stops_beating_is_forgotten_after_the_ttl(tmp_path):
    clock = [1_700_000_000.0]
    quiet, busy = _desktop(), _desktop()
    async with _running(tmp_path, clock) as client:
        assert await _sharing(client, quiet) == 1
        clock[0] += SHARE_TTL - 1
        assert await _sharing(client, busy) == 2
        clock[0] += 2  # the quiet one's beat is now older than the TTL, the busy one's is not
        assert await _sharing(client, busy) == 1


async def test_syncing_false_removes_the_desktop_at_once(tmp_path):
    clock = [1_700_000_000.0]
    done, still = _desktop(), _desktop()
    async with _running(tmp_path, clock) as client:
        await _sharing(client, done)
        assert await _sharing(client, still) == 2
        assert await _sharing(client, done, syncing=False) == 1  # what is left: the other one
        assert await _sharing(client, still) == 1


@pytest.mark.logs_warnings("the relay logs each refused heartbeat")
@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"desktop": "not-a-uuid", "key": KEY_A, "syncing": True}, "desktop must be a lowercase UUID"),
        ({"desktop": str(uuid.uuid4()).upper(), "key": KEY_A, "syncing": True}, "desktop must be a lowercase UUID"),
        ({"desktop": str(uuid.uuid4()), "key": "g" * 32, "syncing": True}, "key must be the key's fingerprint"),
        ({"desktop": str(uuid.uuid4()), "key": "a" * 31, "syncing": True}, "key must be the key's fingerprint"),
        ({"desktop": str(uuid.uuid4()), "key": "a" * 65, "syncing": True}, "key must be the key's fingerprint"),
        ({"desktop": str(uuid.uuid4()), "key": KEY_A, "syncing": 1}, "syncing must be true or false"),
        ({"desktop": str(uuid.uuid4()), "key": KEY_A}, "syncing must be true or false"),
        ({"desktop": str(uuid.uuid4()), "key": KEY_A, "syncing": True, "apiKey": "x"}, "unknown field 'apiKey'"),
        (["a list"], "body must be a JSON object"),
    ],
)
async def test_a_bad_heartbeat_is_refused_with_a_clear_message(tmp_path, body, says):
    async with _running(tmp_path, [1_700_000_000.0]) as client:
        resp = await client.post("/v1/share", json=body, headers=READER)
        assert resp.status_code == 400
        assert says in resp.json()["message"]
        assert await _sharing(client, _desktop()) == 1  # nothing of the refused one was counted


@pytest.mark.logs_warnings("the relay logs each refused heartbeat")
async def test_a_heartbeat_needs_the_reader_token_and_a_small_body(tmp_path):
    beat = {"desktop": _desktop(), "key": KEY_A, "syncing": True}
    async with _running(tmp_path, [1_700_000_000.0]) as client:
        assert (await client.post("/v1/share", json=beat)).status_code == 401
        ingest = {"Authorization": "Bearer ingest-token-1"}
        assert (await client.post("/v1/share", json=beat, headers=ingest)).status_code == 401
        padded = {**beat, "key": KEY_A + " " * 2000}
        assert (await client.post("/v1/share", json=padded, headers=READER)).status_code == 413
        assert await _sharing(client, _desktop()) == 1


@pytest.mark.logs_warnings("the relay logs each refused heartbeat")
async def test_the_table_is_capped_per_key_and_in_all_and_counted_desktops_go_on(tmp_path):
    clock = [1_700_000_000.0]
    async with _running(tmp_path, clock, max_desktops_per_key=2, max_key_shares=3) as client:
        first, second = _desktop(), _desktop()
        assert await _sharing(client, first) == 1
        assert await _sharing(client, second) == 2
        full = await _beat(client, _desktop())
        assert full.status_code == 429 and "at most 2 desktops syncing with one key" in full.json()["message"]
        assert await _sharing(client, first) == 2  # those already counted still beat
        assert await _sharing(client, _desktop(), KEY_B) == 1
        full = await _beat(client, _desktop(), "c" * 32)
        assert full.status_code == 429 and "at most 3 desktops syncing in all" in full.json()["message"]
        assert await _sharing(client, second, syncing=False) == 1  # leaving frees a place
        assert await _sharing(client, _desktop()) == 2
        clock[0] += SHARE_TTL + 1  # and so does expiry
        assert await _sharing(client, _desktop(), "c" * 32) == 1
