"""One session with Lever: the cache, the client, sync (engine and scheduler), the outbox, the relay poller.

The one place these are assembled, for the app window and every headless command
alike (no Qt here: the window's controllers drive the plain asyncio objects).
Without an account a session holds the cache alone: reviewing works offline.
``aclose`` stops them in order — background loops first, then the HTTP client,
then the database (whose close checkpoints the WAL).
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from lever_desktop import config
from lever_desktop.lever.client import LeverClient
from lever_desktop.relay import keyshare
from lever_desktop.relay.client import FeedPoller, TokenSource
from lever_desktop.relay.dispatch import SyncDispatcher
from lever_desktop.review.approval import default_reviewer
from lever_desktop.review.outbox import Outbox
from lever_desktop.store.db import Store
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.scheduler import Scheduler

_log = logging.getLogger(__name__)

# Runs blocking work (opening the cache: migrations, a backup) and awaits it. The window passes
# its own worker thread; a headless command may simply block.
Offload = Callable[..., Awaitable[Any]]


async def _inline(fn: Callable[..., Any], *args: Any) -> Any:
    return fn(*args)


@dataclass
class Session:
    """What one window or one command works with; ``None`` where it has no account (or no relay)."""

    settings: config.Settings
    store: Store  # closed by ``aclose``; the session is not used after it
    account: config.Account | None = None
    client: LeverClient | None = None
    engine: SyncEngine | None = None
    scheduler: Scheduler | None = None
    outbox: Outbox | None = None
    poller: FeedPoller | None = None
    key_share: keyshare.KeyShare | None = None  # whenever a relay is configured, polled or not
    sandbox: bool = False
    reviewer: str = ""
    offload: Offload = _inline
    _closed: bool = field(default=False, init=False, repr=False)

    async def aclose(self) -> None:
        if self.engine is not None:
            try:
                self.engine.close()
                self.engine.cancel()
            except Exception:  # noqa: BLE001 - closing must go on
                _log.exception("cancelling the sync engine")
        if self.poller is not None:
            await self.poller.aclose()
        if self.key_share is not None:
            await self.key_share.aclose()
        if self.client is not None:
            await self.client.aclose()
            self.client = None
        if not self._closed:
            self._closed = True
            await self.offload(self.store.close)


async def open_session(
    account: config.Account | None,
    *,
    settings: config.Settings | None = None,
    database_path: Any = None,
    sandbox: bool = False,
    relay: bool = False,
    relay_tokens: TokenSource | None = None,
    relay_wait: int | None = None,
    settle_window_ms: int | None = None,
    offload: Offload = _inline,
    store: Store | None = None,
) -> Session:
    """Open the cache and, with an ``account``, connect to Lever (no request is sent yet).

    ``relay``: also make the relay poller when a relay is configured, verifying deliveries with
    ``relay_tokens`` (default: the account's webhook signature tokens). ``store``: the cache, already
    opened by the caller (the window opens it while the rest of the session's modules import); the
    session owns it from here, closing it with everything else.
    """
    chosen: config.Settings = settings or await offload(config.Settings.load)
    if store is None:
        store = await offload(Store.open, database_path)  # migrations + backup: never on the GUI thread
    assert store is not None
    session = Session(
        settings=chosen,
        store=store,
        account=account,
        sandbox=sandbox,
        offload=offload,
        reviewer=str(chosen.extra.get("reviewer_email") or "") or default_reviewer(),
    )
    if account is None:
        return session
    try:
        desktop = None
        if account.relay_url and account.relay_token:
            desktop = await store.call(keyshare.desktop_id, int(time.time() * 1000))
        _connect(
            session,
            account,
            desktop=desktop,
            relay=relay,
            relay_tokens=relay_tokens,
            relay_wait=relay_wait,
            settle_window_ms=settle_window_ms,
        )
    except BaseException:
        await session.aclose()  # e.g. an API address the key may not go to: the cache is not left open
        raise
    return session


def _connect(
    session: Session,
    account: config.Account,
    *,
    desktop: str | None,
    relay: bool,
    relay_tokens: TokenSource | None,
    relay_wait: int | None,
    settle_window_ms: int | None,
) -> None:
    store, settings = session.store, session.settings
    assert store is not None
    session.client = LeverClient(account.api_key, base_url=account.base_url)
    if desktop and account.relay_url and account.relay_token:
        # Desktops sharing the key take even shares of its rate limit while they walk.
        session.key_share = keyshare.KeyShare(
            account.relay_url, account.relay_token, account.api_key, session.client.limiter, desktop
        )
    session.engine = SyncEngine(
        session.client,
        store,
        retention_days=settings.submitted_retention_days,
        sharing=session.key_share.syncing if session.key_share else None,
    )
    session.scheduler = Scheduler(session.engine)
    outbox_options: dict[str, Any] = {} if settle_window_ms is None else {"settle_window_ms": settle_window_ms}
    session.outbox = Outbox(store, session.client, session.engine, **outbox_options)
    if relay and account.relay_url and account.relay_token:
        dispatcher = SyncDispatcher(session.engine, store, confidence_threshold=settings.confidence_threshold)
        poller_options: dict[str, Any] = {} if relay_wait is None else {"wait": relay_wait}
        session.poller = FeedPoller(
            account.relay_url,
            account.relay_token,
            store,
            dispatcher,
            account.webhook_tokens if relay_tokens is None else relay_tokens,
            **poller_options,
        )


@contextlib.asynccontextmanager
async def opened(account: config.Account | None, **options: Any) -> AsyncIterator[Session]:
    """``open_session`` for the length of a ``with`` block; closed however it ends."""
    session = await open_session(account, **options)
    try:
        yield session
    finally:
        await session.aclose()


def configured_account(lever: Literal["required", "optional"]) -> config.Account | None:
    """The configured account; ``None`` when there is none and Lever is ``optional``.

    ``required`` raises ``config.ConfigError``, whose message says how to configure one.
    """
    try:
        return config.resolve_account()
    except config.ConfigError:
        if lever == "required":
            raise
        return None
