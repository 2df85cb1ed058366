"""Retention: items older than the configured age are purged; sequence numbers are never reused."""

from __future__ import annotations

import contextlib

import httpx
from helpers.relay_fixtures import lever_shaped

from lever_desktop.relay.server import DAY_MS, RelayConfig, create_app
from lever_desktop.relay.storage import FeedItem, FeedStore

READER = {"Authorization": "Bearer reader-token-1"}


@contextlib.asynccontextmanager
async def _running(app):
    """The app in process with its lifespan (start-up purge, shutdown), over ASGI."""
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://relay") as client:
            yield client


def _app(tmp_path, clock, retention_days=30.0):
    config = RelayConfig(
        db_url=f"sqlite:///{tmp_path / 'relay.sqlite3'}",
        ingest_tokens=("ingest-token-1",),
        reader_tokens=("reader-token-1",),
        retention_days=retention_days,
    )
    return create_app(config, clock=lambda: clock[0])


async def test_purge_drops_old_items_and_numbers_keep_growing(tmp_path):
    clock = [1_700_000_000.0]
    app = _app(tmp_path, clock)
    async with _running(app) as client:
        for i in range(3):
            assert (await client.post("/lever/webhooks", json=lever_shaped(id=i))).status_code == 200
        clock[0] += 29 * 86400
        assert app.state.purge() == 0  # 29 days old: kept
        assert (await client.post("/lever/webhooks", json=lever_shaped(id="recent"))).status_code == 200
        clock[0] += 1.5 * 86400
        assert app.state.purge() == 3
        feed = (await client.get("/v1/feed", params={"after": 0}, headers=READER)).json()
        assert [(i["seq"], i["body"]["id"]) for i in feed["items"]] == [(4, "recent")]
        clock[0] += 31 * 86400
        assert app.state.purge() == 1
        # Everything is gone, yet the next item is 5: a reader's cursor at 4 never skips it.
        assert (await client.post("/lever/webhooks", json=lever_shaped(id="next"))).json() == {"seq": 5}
        assert (await client.get("/v1/feed", params={"after": 4}, headers=READER)).json()["items"][0]["seq"] == 5


async def test_a_restarted_relay_purges_at_start(tmp_path):
    clock = [1_700_000_000.0]
    async with _running(_app(tmp_path, clock, retention_days=1)) as client:
        await client.post("/lever/webhooks", json=lever_shaped(id="old"))
    clock[0] += 2 * 86400
    async with _running(_app(tmp_path, clock, retention_days=1)) as client:
        assert (await client.get("/v1/feed", headers=READER)).json() == {"items": [], "next": 0}
        assert (await client.get("/healthz")).json()["lastSeq"] == 0


def test_item_json_splices_the_verbatim_body():
    item = FeedItem(seq=7, kind="draft", received_at=DAY_MS, body='{"b":  [1,2], "a": "\\u00e9"}')
    assert (
        item.to_json() == '{"seq": 7, "kind": "draft", "receivedAt": 86400000, "body": {"b":  [1,2], "a": "\\u00e9"}}'
    )


def test_postgresql_urls_use_psycopg3():
    store = FeedStore("postgresql://u:secret@db.example/relay")
    try:
        assert store.url.startswith("postgresql+psycopg://") and store.dialect == "postgresql"
    finally:
        store.close()
