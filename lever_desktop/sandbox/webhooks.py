"""Webhooks as Lever sends them, and the delivery queue they share with AI drafts.

Each webhook (event + URL) has its own signature token, returned only by the create
call. A delivery is ``{"id", "event", "triggeredAt", "token", "signature", "data"}``
signed with ``lever_desktop.lever.signatures.sign``; any non-2xx answer (3xx
included: redirects are not followed) is retried 5 times with growing gaps, always
the same body, so receivers see repeats. Deliveries not yet done when the server
stops stay queued and resume when it starts again.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid
from collections.abc import Sequence
from typing import Any

import httpx

from lever_desktop.lever.signatures import sign
from lever_desktop.sandbox.state import SandboxState, now_ms

_log = logging.getLogger("lever_desktop.sandbox")

EVENTS = [
    "applicationCreated",
    "candidateHired",
    "candidateStageChange",
    "candidateArchiveChange",
    "candidateDeleted",
    "interviewCreated",
    "interviewUpdated",
    "interviewDeleted",
    "contactCreated",
    "contactUpdated",
]
DEFAULT_RETRY_GAPS = (30.0, 60.0, 120.0, 300.0, 600.0)


def create_webhook(
    state: SandboxState, url: str, event: str, conditions: dict[str, Any] | None = None
) -> dict[str, Any]:
    at = now_ms()
    hook = {
        "id": str(uuid.uuid4()),
        "event": event,
        "url": url,
        "configuration": {"conditions": conditions or {}, "signatureToken": secrets.token_hex(24)},
        "createdAt": at,
        "updatedAt": at,
    }
    with state.lock:
        state.webhooks[hook["id"]] = hook
    return hook


def public_webhook(hook: dict[str, Any]) -> dict[str, Any]:
    """What ``GET /webhooks`` shows: never the signature token."""
    conf = {k: v for k, v in hook["configuration"].items() if k != "signatureToken"}
    return {**hook, "configuration": conf}


def _queue(state: SandboxState, kind: str, url: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    item = {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "url": url,
        "body": body,
        "headers": headers,
        "attempts": [],
        "due": time.monotonic(),
        "done": False,
        "succeeded": False,
    }
    with state.lock:
        state.deliveries.append(item)
    state.wake()
    return item


def emit(state: SandboxState, event: str, data: dict[str, Any]) -> int:
    """Queue one signed delivery per webhook registered for ``event``; returns how many."""
    with state.lock:
        hooks = [h for h in state.webhooks.values() if h["event"] == event]
    for hook in hooks:
        triggered, token = now_ms(), secrets.token_hex(24)
        body = {
            "id": str(uuid.uuid4()),
            "event": event,
            "triggeredAt": triggered,
            "token": token,
            "signature": sign(token, triggered, hook["configuration"]["signatureToken"]),
            "data": data,
        }
        _queue(state, "webhook", hook["url"], body, {})
    return len(hooks)


def queue_draft(state: SandboxState, relay_url: str, ingest_token: str | None, doc: dict[str, Any]) -> None:
    headers = {"Authorization": f"Bearer {ingest_token}"} if ingest_token else {}
    _queue(state, "draft", relay_url.rstrip("/") + "/drafts", doc, headers)


class Dispatcher:
    """Sends queued deliveries from the server's event loop."""

    def __init__(self, state: SandboxState, retry_gaps: Sequence[float] = DEFAULT_RETRY_GAPS) -> None:
        self.state, self.retry_gaps = state, tuple(retry_gaps)
        self._wakeup: asyncio.Event | None = None
        self._client: httpx.AsyncClient | None = None
        self._task: asyncio.Task | None = None
        self._sending: set[asyncio.Task] = set()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        self._client = httpx.AsyncClient(timeout=10.0, follow_redirects=False)
        wakeup = self._wakeup

        def wake() -> None:
            loop.call_soon_threadsafe(wakeup.set)

        self.state.wake = wake
        self._task = asyncio.create_task(self._run(), name="sandbox-deliveries")

    async def stop(self) -> None:
        self.state.wake = lambda: None
        tasks = [t for t in [self._task, *self._sending] if t]
        for t in tasks:
            t.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with self.state.lock:  # deliveries cut short are retried after a restart
            for item in self.state.deliveries:
                item.pop("sending", None)
        if self._client is not None:
            await self._client.aclose()
        self._task, self._client, self._sending = None, None, set()

    async def _run(self) -> None:
        assert self._wakeup is not None
        while True:
            now = time.monotonic()
            with self.state.lock:
                pending = [d for d in self.state.deliveries if not d["done"] and not d.get("sending")]
                due = [d for d in pending if d["due"] <= now]
                for d in due:
                    d["sending"] = True
            for d in due:
                task = asyncio.create_task(self._send(d))
                self._sending.add(task)
                task.add_done_callback(self._sending.discard)
            later = [d["due"] for d in pending if d["due"] > now]
            self._wakeup.clear()
            try:  # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancel (gh-86296)
                async with asyncio.timeout((min(later) - now) if later else None):
                    await self._wakeup.wait()
            except TimeoutError:
                pass

    async def _send(self, item: dict[str, Any]) -> None:
        assert self._client is not None
        try:
            response = await self._client.post(item["url"], json=item["body"], headers=item["headers"])
            outcome: dict[str, Any] = {"at": now_ms(), "status": response.status_code}
            ok = 200 <= response.status_code < 300
        except httpx.HTTPError as e:
            outcome, ok = {"at": now_ms(), "error": type(e).__name__}, False
        with self.state.lock:
            item["attempts"].append(outcome)
            item.pop("sending", None)
            retries_done = len(item["attempts"]) - 1
            if ok:
                item["done"] = item["succeeded"] = True
            elif retries_done >= len(self.retry_gaps):
                item["done"] = True
                _log.warning(
                    "delivery of %s to %s failed after %d attempts", item["kind"], item["url"], len(item["attempts"])
                )
            else:
                item["due"] = time.monotonic() + self.retry_gaps[retries_done]
        if self._wakeup is not None:
            self._wakeup.set()
