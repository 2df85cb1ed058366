"""What every ``/v1`` request passes before a handler: counting, auth, rate limit, faults.

A plain ASGI wrapper (outermost, so ``send`` is uvicorn's own) — which is what lets
a "dropped connection" fault abort the real socket with no HTTP response at all.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import json
import logging
import re
from typing import Any

from lever_desktop.sandbox.faults import Faults
from lever_desktop.sandbox.ratelimit import RateLimiter
from lever_desktop.sandbox.state import SandboxState, now_ms

_log = logging.getLogger("lever_desktop.sandbox")

STATIC_SEGMENTS = {
    "opportunities",
    "deleted",
    "stage",
    "archived",
    "panels",
    "interviews",
    "feedback",
    "postings",
    "stages",
    "users",
    "archive_reasons",
    "feedback_templates",
    "webhooks",
}
_PREFIX = "/v1"


def endpoint_key(method: str, path: str) -> str:
    """``GET /opportunities/:id/feedback`` — the request counters' key."""
    parts = [p if p in STATIC_SEGMENTS else ":id" for p in path.strip("/").split("/") if p]
    return f"{method} /{'/'.join(parts)}"


def api_key_of(headers: list[tuple[bytes, bytes]]) -> str | None:
    """The key from ``Authorization: Basic base64(key:)``; a password makes it invalid."""
    raw = next((v for k, v in headers if k.lower() == b"authorization"), None)
    if raw is None:
        return None
    m = re.fullmatch(rb"(?i)basic\s+(\S+)", raw.strip())
    if not m:
        return None
    try:
        user, sep, password = base64.b64decode(m.group(1), validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return user if sep and not password else None


async def _respond(send, status: int, body: dict[str, Any] | bytes, headers: dict[str, str] | None = None) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    hdrs += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": raw})


async def drop_connection(send) -> None:
    """Close the client's socket without any HTTP response (uvicorn's h11 cycle)."""
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if transport is None:
        raise RuntimeError("cannot reach the transport to drop the connection")
    transport.abort()
    # connection_lost runs on a later loop turn; once it has, uvicorn sends nothing more.
    for _ in range(100):
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0)


async def _read_body(receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    return b"".join(chunks)


def _completed_at(body: bytes, mode: str | None) -> bytes:
    """The ``completed-at`` fault: the body as this Lever would store it (called when it is stored)."""
    try:
        doc = json.loads(body)
    except ValueError:
        return body
    value = doc.get("completedAt") if isinstance(doc, dict) else None
    if mode is None or not isinstance(value, int) or isinstance(value, bool):
        return body
    doc["completedAt"] = value // 1000 * 1000 if mode == "round" else now_ms()
    return json.dumps(doc).encode()


def _replay(body: bytes, receive, mode: str | None):
    """A ``receive`` that hands the handler ``body`` (rewritten as it is read), then the client's own."""
    given = False

    async def replayed():
        nonlocal given
        if given:
            return await receive()
        given = True
        return {"type": "http.request", "body": _completed_at(body, mode), "more_body": False}

    return replayed


class LeverGate:
    def __init__(self, app, *, state: SandboxState, api_key: str, limiter: RateLimiter, faults: Faults) -> None:
        self.app, self.state, self.api_key, self.limiter, self.faults = app, state, api_key, limiter, faults
        self._late: set[asyncio.Task] = set()  # store-after requests, kept alive past their client

    async def __call__(self, scope, receive, send) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or not (path == _PREFIX or path.startswith(_PREFIX + "/")):
            await self.app(scope, receive, send)
            return
        method, sub = scope["method"], path[len(_PREFIX) :] or "/"
        key = endpoint_key(method, sub)
        with self.state.lock:
            self.state.requests[key] += 1
        api_key = api_key_of(scope.get("headers", []))
        if api_key is None:
            await _respond(send, 401, {"code": "UnauthorizedError", "message": "Missing or malformed API key"})
            return
        if api_key != self.api_key:
            await _respond(send, 401, {"code": "UnauthorizedError", "message": "Invalid API key"})
            return
        if not self.limiter.allow(api_key):
            await self._too_many(send)
            return
        decision = self.faults.decide(method, sub)
        if decision.delay:
            await asyncio.sleep(decision.delay)
        rule = decision.rule
        if rule is not None and rule.kind == "store-after":
            await self._store_after(
                scope, receive, send, float(rule.arg or 0), decision.completed_at, f"{method} {sub}"
            )
            return
        if decision.completed_at is not None:
            receive = _replay(await _read_body(receive), receive, decision.completed_at)
        if rule is None:
            await self.app(scope, receive, send)
        elif rule.kind == "status":
            status = int(rule.arg or 500)
            if status == 429:
                await self._too_many(send)
            else:
                code = "ServiceUnavailable" if status == 503 else "InternalServerError"
                await _respond(send, status, {"code": code, "message": f"Injected fault {status}"})
        elif rule.kind == "drop":
            _log.info("fault: dropping %s %s before handling it", method, sub)
            await drop_connection(send)
        elif rule.kind == "drop-after":

            async def swallow(message) -> None:
                return None

            await self.app(scope, receive, swallow)
            _log.info("fault: handled %s %s, dropping the connection before the response", method, sub)
            await drop_connection(send)
        elif rule.kind == "malformed":
            await _respond(send, 200, b'{"data": [{"id": "5f0c7d8e-')

    async def _store_after(self, scope, receive, send, delay: float, completed_at: str | None, what: str) -> None:
        """Handle the request ``delay`` s after receiving it, in a task the client's leaving cannot cancel."""
        body = await _read_body(receive)

        async def late() -> list[dict[str, Any]]:
            await asyncio.sleep(delay)
            kept: list[dict[str, Any]] = []

            async def keep(message) -> None:
                kept.append(message)

            await self.app(scope, _replay(body, receive, completed_at), keep)
            _log.info("fault: handled %s %.1f s after receiving it", what, delay)
            return kept

        task = asyncio.ensure_future(late())
        self._late.add(task)
        self.faults.late_pending += 1
        self.faults.late_received += 1

        def done(t: asyncio.Task) -> None:
            self._late.discard(t)
            self.faults.late_pending -= 1

        task.add_done_callback(done)
        for message in await asyncio.shield(task):
            await send(message)  # uvicorn drops these if the client has gone

    async def _too_many(self, send) -> None:
        with self.state.lock:
            self.state.rate_limited += 1
        headers = {"Retry-After": str(self.limiter.seconds_until_token())} if self.limiter.retry_after else None
        await _respond(send, 429, {"code": "TooManyRequests", "message": "Too many requests, slow down"}, headers)
