"""Sharing one Lever key with the team's other desktops: the relay counts who is syncing.

Lever gives each API key one bucket (10 requests/s, bursts of 20) however many desktops use it.
Limiters that share nothing find their share only through 429s, and ten of them starting at once
meet far too many (issue #16.2, ``tests/bench/bench_shared_key.py``). So while the sync engine
walks, ``KeyShare`` heartbeats the relay every desktop already polls (``POST /v1/share``), and
sets the key's limiter to an even share of the bucket for the count the relay answers
(``ratelimit.share_of``). The 429 back-off of ``ratelimit`` stays in force all along.

What the relay learns: a random id per install and a fingerprint of the key, an HMAC keyed by the
key, which identifies the key among the relay's rows but is no credential Lever would take.

The relay must never slow or fail a sync: the walk waits at most ``FIRST_WAIT`` for the first
answer; a relay that is down, refuses or answers nonsense leaves the limiter at the key's full
rate; such trouble is logged once, at INFO, until the relay answers again.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx

from lever_desktop.lever.ratelimit import RateLimiter, share_of
from lever_desktop.lever.urls import check_relay_url
from lever_desktop.store import cache

_log = logging.getLogger(__name__)

FINGERPRINT_MESSAGE = b"lever-desktop key share v1"
DESKTOP_STATE = "key-share:desktop"  # the install's random id, in the cache's sync state
# Beats come quickly at first: desktops that start together each see a count that is still
# growing, so they converge within the first second; then every HEARTBEAT seconds (the relay
# forgets a beat after 10 s).
FIRST_INTERVALS = (0.1, 0.2, 0.4)
HEARTBEAT = 2.5
FIRST_WAIT = 0.5  # longest the walk waits for the first answer before it starts at full rate
TIMEOUT = httpx.Timeout(2.0)
# A count beyond the reference relay's own cap per key (RelayConfig.max_desktops_per_key) is not an answer
# a relay gives: a relay that claims more (a compromised one) would slow every sync to a crawl.
MAX_SHARING = 200


def fingerprint(api_key: str) -> str:
    """What the relay knows the key by: HMAC-SHA256 keyed by the key, 32 hex digits."""
    return hmac.new(api_key.encode(), FINGERPRINT_MESSAGE, hashlib.sha256).hexdigest()[:32]


def desktop_id(conn: Any, now: int) -> str:
    """This install's random id for the relay's count (kept in the cache; no secret)."""
    known = cache.states(conn, DESKTOP_STATE).get(DESKTOP_STATE)
    if isinstance(known, str):
        return known
    made = str(uuid.uuid4())
    cache.set_state(conn, DESKTOP_STATE, made, now)
    return made


class KeyShare:
    """``async with share.syncing():`` around work that walks Lever; re-entrant (passes overlap)."""

    def __init__(
        self,
        relay_url: str,
        token: str,
        api_key: str,
        limiter: RateLimiter,
        desktop: str,
        *,
        server_rate: float = 10.0,
        server_burst: float = 20.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = check_relay_url(relay_url) + "/v1/share"
        self.limiter = limiter
        self._fingerprint = fingerprint(api_key)
        self._desktop = desktop
        self._bucket = (server_rate, server_burst)
        self.sharing = 1  # the relay's last count (1 while it does not answer)
        self._users = 0
        self._beating: asyncio.Task[None] | None = None
        self._leaving: asyncio.Task[None] | None = None
        self._answering = True  # False after a failure was logged, until the relay answers again
        self._http = httpx.AsyncClient(
            transport=transport, timeout=TIMEOUT, follow_redirects=False, headers={"Authorization": f"Bearer {token}"}
        )

    def __repr__(self) -> str:
        return f"KeyShare({self.url!r}, sharing={self.sharing})"

    @contextlib.asynccontextmanager
    async def syncing(self) -> AsyncIterator[None]:
        """Counted among the key's desktops for as long as the block runs."""
        self._users += 1
        try:
            if self._users == 1:
                await self._start()
            yield
        finally:
            self._users -= 1
            if self._users == 0:
                self._stop()

    async def _start(self) -> None:
        if self._leaving is not None:  # the previous pass's goodbye goes first, or it would undo this
            await asyncio.wait([self._leaving], timeout=FIRST_WAIT)
        answered = asyncio.Event()
        self._beating = asyncio.create_task(self._beat(answered), name="lever-key-share")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(FIRST_WAIT):
                await answered.wait()

    def _stop(self) -> None:
        if self._beating is not None:
            self._beating.cancel()
            self._beating = None
        self._configure(1)
        if not self._http.is_closed:  # a pass cancelled by the session's close ends after it
            self._leaving = asyncio.create_task(self._leave(), name="lever-key-share-leave")

    async def _beat(self, answered: asyncio.Event) -> None:
        intervals = iter(FIRST_INTERVALS)
        while True:
            self._configure(await self._post(True))
            answered.set()
            await asyncio.sleep(next(intervals, HEARTBEAT))

    async def _leave(self) -> None:
        await self._post(False)  # otherwise the others count us for up to the relay's 10 s

    async def _post(self, syncing: bool) -> int:
        """The relay's count of the key's desktops; 1 when it gives none."""
        body = {"desktop": self._desktop, "key": self._fingerprint, "syncing": syncing}
        try:
            resp = await self._http.post(self.url, json=body)
            if resp.status_code != 200:
                return self._failed(f"it answered HTTP {resp.status_code}")
            count = resp.json().get("sharing")
        except (httpx.HTTPError, ValueError, AttributeError) as e:  # ValueError: not JSON; Attribute: not an object
            return self._failed(type(e).__name__)
        if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= MAX_SHARING:
            return self._failed("its answer is not a count")
        if not self._answering:
            self._answering = True
            _log.info("key share: the relay answers again")
        return max(1, count)

    def _failed(self, why: str) -> int:
        if self._answering:
            self._answering = False
            _log.info(
                "key share: the relay did not count the desktops on this key (%s); syncing at the key's full rate", why
            )
        return 1

    def _configure(self, sharing: int) -> None:
        self.sharing = sharing
        shared = share_of(sharing, *self._bucket)
        if self.limiter.configured != shared:
            self.limiter.configure(*shared)

    async def aclose(self) -> None:
        """Stop beating, say goodbye (briefly), close the connection."""
        if self._beating is not None:
            self._beating.cancel()
            await asyncio.gather(self._beating, return_exceptions=True)
            self._beating = None
        if self._leaving is not None:  # a hung relay must not hold up quitting
            await asyncio.wait([self._leaving], timeout=FIRST_WAIT)
            self._leaving.cancel()
            await asyncio.gather(self._leaving, return_exceptions=True)
        await self._http.aclose()
