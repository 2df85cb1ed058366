"""One connected session: the cache, the Lever client, sync, outbox, relay poller.

Plain asyncio objects (no Qt): the controllers drive them, and the shell
closes them in order at quit — background loops first, then the HTTP client,
then the database (whose close checkpoints the WAL).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from lever_desktop import config
from lever_desktop.ui.tasks import in_thread

_log = logging.getLogger(__name__)


@dataclass
class Session:
    account: config.Account
    settings: config.Settings
    store: Any
    client: Any
    engine: Any
    outbox: Any
    poller: Any = None
    sandbox: bool = False
    reviewer: str = ""
    extra_closers: list[Any] = field(default_factory=list)

    async def aclose(self) -> None:
        if self.engine is not None:
            try:
                self.engine.cancel()
            except Exception:  # noqa: BLE001 - closing must go on
                _log.exception("cancelling the sync engine")
        closer = getattr(self.poller, "aclose", None)
        if closer is not None:
            await closer()
        if self.client is not None:
            await self.client.aclose()
            self.client = None
        if self.store is not None:
            await in_thread(self.store.close)
            self.store = None


async def open_session(account: config.Account, *, sandbox: bool = False,
                       settings: config.Settings | None = None, database_path: Any = None) -> Session:
    from lever_desktop.lever.client import LeverClient
    from lever_desktop.review.outbox import Outbox
    from lever_desktop.store.db import Store
    from lever_desktop.sync.engine import SyncEngine

    settings = settings or await in_thread(config.Settings.load)
    store = await in_thread(Store.open, database_path)  # migrations + backup: never on the GUI thread
    client = LeverClient(account.api_key, base_url=account.base_url)
    engine = SyncEngine(client, store, retention_days=settings.submitted_retention_days)
    outbox = Outbox(store, client, engine)
    session = Session(account=account, settings=settings, store=store, client=client, engine=engine,
                      outbox=outbox, sandbox=sandbox,
                      reviewer=str(settings.extra.get("reviewer_email") or "") or _login())
    if account.relay_url and account.relay_token:
        session.poller = _make_poller(session)
    return session


def _make_poller(session: Session) -> Any:
    from lever_desktop.relay.client import FeedPoller
    from lever_desktop.relay.dispatch import SyncDispatcher

    dispatcher = SyncDispatcher(session.engine, session.store,
                                confidence_threshold=session.settings.confidence_threshold)
    return FeedPoller(session.account.relay_url, session.account.relay_token, session.store, dispatcher,
                      session.account.webhook_tokens)


def _login() -> str:
    from lever_desktop.review.approval import default_reviewer

    return default_reviewer()
