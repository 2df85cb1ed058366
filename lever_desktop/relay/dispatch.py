"""Where accepted feed items go: the sync engine's targeted refreshes and the review intake.

The poller talks to a ``Dispatcher`` so it can be tested without Lever; ``SyncDispatcher`` is
the real one. A dispatcher raises ``DispatchDeferred`` when the work may succeed later (Lever or
the network is down): the poller then keeps its cursor and retries the whole batch, which is
safe because every action is idempotent. Any other exception is permanent for that item.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

_log = logging.getLogger(__name__)


class DispatchDeferred(Exception):
    """Try again later (Lever unreachable, rate-limited, 5xx); nothing was lost."""


@dataclass
class DraftOutcome:
    status: str  # received | duplicate | invalid
    problems: list[str] = field(default_factory=list)


class Dispatcher(Protocol):
    async def refresh_opportunity(self, opportunity_id: str) -> None: ...
    async def refresh_interviews(self, opportunity_id: str) -> None: ...
    async def refresh_contact(self, contact_id: str) -> None: ...
    async def receive_draft(self, doc: dict[str, Any]) -> DraftOutcome: ...


def _transient_errors() -> tuple[type[BaseException], ...]:
    from lever_desktop.lever import errors

    names = ("LeverUnavailable", "LeverServerError", "LeverRateLimited", "AmbiguousWriteError")
    return tuple(getattr(errors, n) for n in names if hasattr(errors, n)) + (OSError, TimeoutError)


class SyncDispatcher:
    """Routes feed items to a ``SyncEngine`` and ``review.intake.receive_draft``."""

    def __init__(self, engine: Any, store: Any, *, confidence_threshold: float | None = None) -> None:
        self.engine, self.store = engine, store
        self.confidence_threshold = confidence_threshold
        self._transient = _transient_errors()

    async def _run(self, what: str, coro: Any) -> None:
        try:
            await coro
        except self._transient as e:
            raise DispatchDeferred(f"{what}: {type(e).__name__}") from e

    async def refresh_opportunity(self, opportunity_id: str) -> None:
        await self._run("refresh opportunity", self.engine.refresh_opportunity(opportunity_id))

    async def refresh_interviews(self, opportunity_id: str) -> None:
        await self._run("refresh interviews", self.engine.refresh_interviews(opportunity_id))

    async def refresh_contact(self, contact_id: str) -> None:
        await self._run("refresh contact", self.engine.refresh_contact(contact_id))

    async def receive_draft(self, doc: dict[str, Any]) -> DraftOutcome:
        from lever_desktop.review.intake import receive_draft

        kwargs: dict[str, Any] = {"engine": self.engine}
        if self.confidence_threshold is not None:
            kwargs["confidence_threshold"] = self.confidence_threshold
        try:
            result = await receive_draft(self.store, doc, source="relay", **kwargs)
        except self._transient as e:
            raise DispatchDeferred(f"receive draft: {type(e).__name__}") from e
        return DraftOutcome(result.status, list(result.problems))
