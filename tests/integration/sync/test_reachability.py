"""Online/offline is Lever's last real answer to any request, not the last sync pass (#14.4).

Against the sandbox over loopback, its outage (``drop``: no answer at all) switched on and off.
"""

from __future__ import annotations

import pytest
from helpers.review_sandbox import fast_client

from lever_desktop.lever.account import describe_key
from lever_desktop.lever.errors import LeverUnavailable
from lever_desktop.sandbox.faults import parse_spec
from lever_desktop.store import Store
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.events import SyncState


@pytest.mark.logs_warnings("Lever is made unreachable on purpose: the client logs each retry")
async def test_the_first_answer_after_an_outage_puts_sync_online_without_a_sync(sandbox):
    client = fast_client(sandbox.api_key, sandbox.base_url)
    store = Store.open()
    engine = SyncEngine(client, store)
    states: list[SyncState] = []
    engine.subscribe(lambda e: e.kind == "state" and states.append(e.state))
    try:
        sandbox.faults.replace(parse_spec("drop"))  # Lever's outage: nothing answers
        report = await engine.sync_now()
        assert report.offline and engine.state == SyncState.OFFLINE
        assert client.reachability.reachable is False
        sandbox.faults.replace([])  # Lever is back; nobody syncs
        # Any request to the same Lever counts, even another client's: the Settings key check.
        assert "key works" in await describe_key(sandbox.api_key, sandbox.base_url)
        assert engine.state == SyncState.ONLINE and states[-2:] == [SyncState.OFFLINE, SyncState.ONLINE]
        # And a failure outside a pass (an outbox send) turns it offline at once.
        sandbox.faults.replace(parse_spec("drop"))
        try:
            await client.get("/users", {"limit": 1})
        except LeverUnavailable:
            pass
        else:
            raise AssertionError("the outage answered")
        assert engine.state == SyncState.OFFLINE
    finally:
        engine.close()
        await client.aclose()
        store.close()


@pytest.mark.logs_warnings("Lever is made unreachable on purpose: the client logs each retry")
async def test_an_outage_s_5xx_is_no_answer_but_a_refusal_is(sandbox):
    client = fast_client(sandbox.api_key, sandbox.base_url)
    try:
        sandbox.faults.replace(parse_spec("status=503"))
        try:
            await client.get("/users", {"limit": 1})
        except Exception:  # noqa: BLE001 - the 503 after the retries
            pass
        assert client.reachability.reachable is False
        sandbox.faults.replace(parse_spec("status=404"))
        assert await client.get_one("/users/nobody") is None
        assert client.reachability.reachable is True  # Lever answered, even if with "not found"
    finally:
        await client.aclose()
