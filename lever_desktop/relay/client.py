"""The app's feed poller: follows the relay's feed and turns items into targeted work.

Guarantees:
- nothing is lost: the cursor moves (with the batch's delivery records, in one transaction) only
  after every item of the batch was processed; a failure part-way leaves the cursor where it was
  and the whole batch is processed again later, which is safe because every action is idempotent
  and accepted Lever tokens are remembered in the cache;
- nothing forged is acted on: see ``deliveries.judge``; rejected items are kept with the reason,
  as a bounded record (size, sha256, first KB);
- no item stops the feed: one that cannot be decoded, parsed or processed is rejected with its
  reason and the cursor moves past it (only "try later" — ``DispatchDeferred`` — holds the batch);
- a relay that repeats or reorders items changes nothing: items are sorted and de-duplicated, the
  cursor never goes back, and deliveries already accepted (same token, same work) are duplicates.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import time
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from lever_desktop.lever.urls import check_relay_url
from lever_desktop.observers import Listeners
from lever_desktop.relay import deliveries, ledger
from lever_desktop.relay.dispatch import DispatchDeferred, Dispatcher
from lever_desktop.relay.feed import FeedItem, RelayError, RelayUnauthorized, parse_feed

_log = logging.getLogger(__name__)

TokenSource = Mapping[str, str] | Callable[[], Mapping[str, str]]
# States a UI shows: connected (or idle before the first poll), unreachable, unauthorized.
IDLE, CONNECTED, UNREACHABLE, UNAUTHORIZED = "idle", "connected", "unreachable", "unauthorized"


@dataclass
class PollStats:
    items: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: Counter = field(default_factory=Counter)
    drafts: Counter = field(default_factory=Counter)  # received | duplicate | invalid
    failed: int = 0  # accepted, but the targeted work failed for good (the periodic sync catches up)

    def merge(self, other: PollStats) -> None:
        self.items += other.items
        self.accepted += other.accepted
        self.duplicates += other.duplicates
        self.rejected.update(other.rejected)
        self.drafts.update(other.drafts)
        self.failed += other.failed

    def to_json(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": dict(self.rejected),
            "drafts": dict(self.drafts),
            "failed": self.failed,
        }


class FeedPoller:
    """``FeedPoller(url, token, store, dispatcher, webhook_tokens)``; ``run()`` follows the feed."""

    def __init__(
        self,
        url: str,
        token: str,
        store: Any,
        dispatcher: Dispatcher,
        webhook_tokens: TokenSource,
        *,
        clock: Callable[[], float] = time.time,
        wait: int = 25,
        limit: int = 100,
        max_age_s: float = deliveries.DEFAULT_MAX_AGE_S,
        max_skew_s: float = deliveries.DEFAULT_MAX_SKEW_S,
        backoff: tuple[float, float] = (1.0, 60.0),
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = check_relay_url(url)
        self._token = token
        self.store, self.dispatcher = store, dispatcher
        self._webhook_tokens = webhook_tokens
        self.clock, self.wait, self.limit = clock, wait, limit
        self.max_age_s, self.max_skew_s = max_age_s, max_skew_s
        self.backoff = backoff
        self._http = httpx.AsyncClient(
            transport=transport, follow_redirects=False, headers={"Authorization": f"Bearer {token}"}
        )
        self._cursor_key = ledger.cursor_key(self.url)
        self.cursor: int | None = None
        self.state, self.message = IDLE, ""
        # The feed has been read to its end once: what was waiting on the relay is in (a first
        # launch says "no drafts" only after this, not while they are on their way).
        self.caught_up = False
        self.stats = PollStats()
        self._listeners: list[Callable[[str, str], None]] = []
        self._batches: Listeners[PollStats] = Listeners()
        self._failures = 0

    def __repr__(self) -> str:
        return f"FeedPoller({self.url!r}, state={self.state!r}, cursor={self.cursor})"

    def subscribe(self, callback: Callable[[str, str], None]) -> Callable[[], None]:
        """``callback(state, message)`` on every state change; returns an unsubscribe function."""
        self._listeners.append(callback)
        return lambda: self._listeners.remove(callback) if callback in self._listeners else None

    def on_processed(self, callback: Callable[[PollStats], None]) -> Callable[[], None]:
        """``callback(batch_stats)`` after each batch is processed and committed (views refresh)."""
        return self._batches.subscribe(callback)

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- following the feed ---------------------------------------------------

    async def run(self) -> None:
        """Poll until cancelled, backing off while the relay is down or refuses the token.

        The first request after (re)starting, and the first after a failure, does not wait: a
        relay with nothing new holds a long poll for ``wait`` seconds before answering, and the
        status would stay "starting" (or "unreachable") all that time although it answers."""
        answered = False
        while True:
            try:
                await self.poll_once(self.wait if answered else 0)
                answered = True
                self._failures = 0
            except (RelayError, DispatchDeferred) as e:
                answered = False
                self._failures += 1
                await asyncio.sleep(self._delay())
                _log.debug("retrying the relay feed after %s", type(e).__name__)

    async def drain(self) -> PollStats:
        """Process everything available now (no waiting); for ``relay poll --once``."""
        before = PollStats()
        before.merge(self.stats)
        while True:
            cursor = self.cursor
            if await self.poll_once(0) < self.limit or self.cursor == cursor:
                break
        delta = PollStats()
        delta.merge(self.stats)
        delta.items -= before.items
        delta.accepted -= before.accepted
        delta.duplicates -= before.duplicates
        delta.rejected.subtract(before.rejected)
        delta.drafts.subtract(before.drafts)
        delta.failed -= before.failed
        delta.rejected, delta.drafts = +delta.rejected, +delta.drafts
        return delta

    async def poll_once(self, wait: int = 0) -> int:
        """One request and its processing; returns how many items came back."""
        if self.cursor is None:
            self.cursor = await self.store.call(ledger.load_cursor, self._cursor_key)
        try:
            items = await self._fetch(wait)
        except RelayUnauthorized as e:
            await self._set_state(UNAUTHORIZED, str(e))
            raise
        except RelayError as e:
            await self._set_state(UNREACHABLE, str(e))
            raise
        await self._set_state(CONNECTED, "")
        first_time_at_the_end = not self.caught_up and len(items) < self.limit
        if first_time_at_the_end:
            self.caught_up = True  # before the batch is told: its listeners read it
        if items:
            await self._process(items)
        elif first_time_at_the_end:
            self._batches.emit(PollStats())  # nothing waited: listeners learn the feed was read to its end
        return len(items)

    async def _fetch(self, wait: int) -> list[FeedItem]:
        params = {"after": self.cursor, "limit": self.limit, "wait": wait}
        try:
            async with self._http.stream(
                "GET", self.url + "/v1/feed", params=params, timeout=httpx.Timeout(10.0, read=wait + 20.0)
            ) as resp:
                if resp.status_code in (401, 403):
                    raise RelayUnauthorized(
                        "the relay refused the reader token: check the relay token in Settings (or LEVER_RELAY_TOKEN)"
                    )
                if resp.status_code != 200:
                    raise RelayError(f"relay unreachable: it answered HTTP {resp.status_code}")
                return parse_feed(await _read_capped(resp))
        except httpx.HTTPError as e:
            raise RelayError(f"relay unreachable ({type(e).__name__})") from None

    def _tokens(self) -> Mapping[str, str]:
        src = self._webhook_tokens
        return src() if callable(src) else src

    async def _process(self, items: list[FeedItem]) -> None:
        now = int(self.clock() * 1000)
        items = sorted({i.seq: i for i in items}.values(), key=lambda i: i.seq)  # repeated seqs once
        tokens = self._tokens()
        batch = PollStats(items=len(items))
        records: list[ledger.DeliveryRecord] = []
        judged: list[tuple[FeedItem, deliveries.Verdict]] = []
        drafts: list[FeedItem] = []
        for item in items:
            reason = item.problem or _relay_reason(item)
            if reason is None and item.kind == "lever-webhook":
                judged.append((item, self._judge(item, tokens, now)))
                continue
            if reason is None and item.kind == "draft" and item.size <= deliveries.MAX_BODY:
                drafts.append(item)
                continue
            reason = reason or ("oversize" if item.kind == "draft" else "unknown-kind")
            records.append(_rejected(item, reason, now))
            batch.rejected[reason] += 1
        seen = await self.store.call(ledger.accepted_among, [v.dedup_key for _, v in judged if v.accepted])
        acted = await self.store.call(ledger.targets_acted_on, [v.token for _, v in judged if v.accepted and v.token])
        actions: list[deliveries.Action] = []
        for item, v in judged:
            if not v.accepted:
                _log.warning("relay item %d rejected: %s (event %s)", item.seq, v.reason, v.event)
                records.append(_rejected(item, v.reason or "rejected", now, v))
                batch.rejected[v.reason] += 1
            elif v.dedup_key in seen:
                batch.duplicates += 1
            elif acted.get(v.token or "", 0) >= deliveries.MAX_TARGETS_PER_TOKEN:
                # Yet another object named under one Lever token: a forged copy (deliveries.py).
                records.append(_rejected(item, "retargeted", now, v))
                batch.rejected["retargeted"] += 1
            else:
                seen.add(v.dedup_key)
                acted[v.token or ""] = acted.get(v.token or "", 0) + 1
                assert v.action is not None
                actions.append(v.action)
                records.append(ledger.DeliveryRecord(v.dedup_key, item.text, "accepted", now, v.event, v.triggered_at))
                batch.accepted += 1
        await self._dispatch(actions, batch)
        for item in drafts:
            try:
                outcome = await self.dispatcher.receive_draft(item.body)
            except DispatchDeferred:
                raise
            except Exception:  # noqa: BLE001 - a poison draft is set aside with its reason; the ones behind it go on
                _log.exception("relay item %d: the draft could not be processed", item.seq)
                records.append(_rejected(item, "unprocessable", now, event="draft"))
                batch.rejected["unprocessable"] += 1
                continue
            batch.drafts[outcome.status] += 1
            if outcome.status == "invalid":
                _log.warning("relay item %d: invalid draft (%s)", item.seq, "; ".join(outcome.problems)[:500])
                records.append(_rejected(item, "invalid-draft", now, event="draft"))
                batch.rejected["invalid-draft"] += 1
        cursor = max(self.cursor or 0, items[-1].seq)
        await self.store.call(ledger.commit_batch, records, self._cursor_key, cursor, now)
        self.cursor = cursor
        self.stats.merge(batch)
        self._batches.emit(batch)

    def _judge(self, item: FeedItem, tokens: Mapping[str, str], now: int) -> deliveries.Verdict:
        try:
            return deliveries.judge(
                item.body, item.size, tokens, now, max_age_s=self.max_age_s, max_skew_s=self.max_skew_s
            )
        except Exception:  # noqa: BLE001 - judge never raises on bad input; if it does, one item must not stop the feed
            _log.exception("relay item %d could not be judged", item.seq)
            return deliveries.Verdict(False, "unprocessable", None, None, None)

    async def _dispatch(self, actions: list[deliveries.Action], batch: PollStats) -> None:
        # Ten stage changes of one opportunity in a batch need one refresh: keep each action's
        # last occurrence, in order.
        unique = list(reversed(list(dict.fromkeys(reversed(actions)))))
        for action in unique:
            try:
                await getattr(self.dispatcher, action.name)(action.target)
            except DispatchDeferred:
                raise
            except Exception:  # noqa: BLE001 - one failed action must not stop the feed (logged)
                _log.exception("relay: %s(%s) failed; the periodic sync will catch up", action.name, action.target)
                batch.failed += 1

    async def _set_state(self, state: str, message: str) -> None:
        if (state, message) == (self.state, self.message):
            return
        self.state, self.message = state, message
        (_log.info if state == CONNECTED else _log.warning)("relay %s %s", state, message)
        status = {"state": state, "message": message, "at": int(self.clock() * 1000)}
        await self.store.call(ledger.save_status, status, status["at"])
        for cb in list(self._listeners):
            cb(state, message)

    def _delay(self) -> float:
        base, cap = self.backoff
        return min(cap, base * 2 ** min(self._failures - 1, 16)) * random.uniform(0.8, 1.2)


def _rejected(
    item: FeedItem, reason: str, now: int, v: deliveries.Verdict | None = None, event: str | None = None
) -> ledger.DeliveryRecord:
    # A bounded record (size, sha256, first KB), never the whole body: anyone can post to the relay.
    record = json.dumps(deliveries.excerpt(item.text), ensure_ascii=False)
    return ledger.DeliveryRecord(
        deliveries.rejected_key(item.kind, item.text),
        record,
        "rejected",
        now,
        v.event if v else event,
        v.triggered_at if v else None,
        reason,
    )


def _relay_reason(item: FeedItem) -> str | None:
    """The reason the relay gave for an item it kept only a record of (kind ``rejected``)."""
    if item.kind != "rejected":
        return None
    reason = item.body.get("reason") if isinstance(item.body, dict) else None
    return f"relay:{reason}" if isinstance(reason, str) and _REASON.fullmatch(reason) else "relay:rejected"


_REASON = re.compile(r"[a-z][a-z-]{0,39}")


async def _read_capped(resp: httpx.Response, cap: int = 160 * 1024 * 1024) -> bytes:
    chunks, size = [], 0
    async for chunk in resp.aiter_bytes():
        size += len(chunk)
        if size > cap:
            raise RelayError("relay sent a feed page over the size limit")
        chunks.append(chunk)
    return b"".join(chunks)


__all__ = ["FeedPoller", "PollStats", "RelayError", "RelayUnauthorized"]
