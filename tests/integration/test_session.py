"""The one session builder: what the window and every command get, wired once (real cache, real sandbox)."""

from __future__ import annotations

from typing import Any

import pytest

from lever_desktop import config
from lever_desktop.lever.errors import InsecureURLError
from lever_desktop.session import open_session, opened
from lever_desktop.store import StoreError
from lever_desktop.store.db import Store


def _recording(stores: list[Store]):
    """An ``offload`` that runs inline and keeps the stores it opened."""

    async def offload(fn, *args: Any) -> Any:
        result = fn(*args)
        if isinstance(result, Store):
            stores.append(result)
        return result

    return offload


async def _assert_closed(store: Store) -> None:
    with pytest.raises(StoreError, match="closed"):
        await store.call(lambda conn: None)


async def test_without_an_account_the_session_is_the_cache_alone():
    stores: list[Store] = []
    async with opened(None, settings=config.Settings(), offload=_recording(stores)) as session:
        assert session.store is stores[0]
        assert (session.client, session.engine, session.scheduler, session.outbox, session.poller) == (None,) * 5
        assert session.reviewer  # the login name, for the audit trail
    await _assert_closed(stores[0])


async def test_with_an_account_one_engine_serves_sync_scheduler_and_outbox(sandbox):
    stores: list[Store] = []
    account = config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url)
    settings = config.Settings(submitted_retention_days=7)
    async with opened(account, settings=settings, offload=_recording(stores), settle_window_ms=1234) as session:
        engine = session.engine
        assert engine is not None and engine.client is session.client and engine.store is session.store
        assert engine.retention_days == 7  # the settings', in the window and the commands alike
        assert session.scheduler is not None and session.scheduler.engine is engine
        assert session.outbox is not None and session.outbox.engine is engine
        assert session.outbox.settle_window_ms == 1234
        assert session.poller is None  # not asked for
        assert (await engine.sync_now()).ok
    assert session.client is None
    await _assert_closed(stores[0])


async def test_the_relay_poller_comes_only_when_asked_and_configured(sandbox):
    account = config.Account(
        api_key=sandbox.api_key, base_url=sandbox.base_url, relay_url="http://127.0.0.1:9", relay_token="reader-token"
    )
    async with opened(account, settings=config.Settings(), relay=True, relay_wait=3) as session:
        assert session.poller is not None and session.poller.url == "http://127.0.0.1:9"
    unconfigured = config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url)
    async with opened(unconfigured, settings=config.Settings(), relay=True) as session:
        assert session.poller is None


async def test_an_address_the_key_may_not_go_to_leaves_no_cache_open():
    stores: list[Store] = []
    account = config.Account(api_key="k-123456", base_url="http://lever.example.com/v1")
    with pytest.raises(InsecureURLError):
        await open_session(account, settings=config.Settings(), offload=_recording(stores))
    await _assert_closed(stores[0])
