"""What the services need of Lever, as Protocols: the client satisfies them, and so may a fake.

The outbox, the sync engine and the duplicate remover are typed against these rather than
``Any``; ``LeverClient`` (lever/client.py) is the one implementation the app runs.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from lever_desktop.lever.envelope import Page

Params = Mapping[str, Any]


@dataclass
class ClientStats:
    """Counters the sync summary and the benchmarks read."""

    requests: int = 0  # requests that reached the server (retries and redirects included)
    rate_limited: int = 0  # 429 answers
    retries: int = 0


class LeverReads(Protocol):
    stats: ClientStats

    async def get_one(self, path: str, params: Params | None = None) -> Any: ...

    async def get_page(self, path: str, params: Params | None = None) -> Page: ...

    def paginate(self, path: str, params: Params | None = None) -> AsyncIterator[Any]: ...


class LeverAPI(LeverReads, Protocol):
    async def post(self, path: str, json: Any = None, params: Params | None = None) -> Any: ...

    async def put(self, path: str, json: Any = None, params: Params | None = None) -> Any: ...

    async def delete(self, path: str, params: Params | None = None) -> Any: ...
