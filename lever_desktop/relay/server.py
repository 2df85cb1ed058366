"""The reference relay: collects Lever's webhooks and the pipeline's drafts for desktops to poll.

Protocol (DESIGN.md "Relay protocol v1"):
- ``POST /lever/webhooks`` — Lever's delivery, stored verbatim, 200 at once. No token: Lever
  cannot send one; the app verifies Lever's signature itself, so the relay is not trusted.
  Since anyone may post here, a body that cannot be a Lever delivery (not shaped like one, or
  over ``max_webhook_body``) is kept only as a bounded record — kind ``rejected``: the reason,
  size, sha256 and first KB — so anonymous megabytes never fill the relay or the desktops.
- ``POST /drafts`` — a draft document from the AI pipeline, ``Authorization: Bearer <ingest>``.
- ``GET /v1/feed?after=&limit=&wait=`` — ``Authorization: Bearer <reader>``; long-polls.
- ``POST /v1/share`` — ``Authorization: Bearer <reader>``; a desktop's heartbeat while it syncs,
  ``{"desktop": <uuid>, "key": <fingerprint>, "syncing": bool}``, answered ``{"sharing": N}``: the
  desktops that sent ``syncing: true`` with that fingerprint in the last ``SHARE_TTL`` seconds, so
  each can take an even share of Lever's rate limit (``relay/keyshare.py``). The relay learns a
  fingerprint of the API key (an HMAC keyed by it, no use against Lever) and a random id per desktop.
- ``GET /healthz``.

Waiting readers are woken at once by inserts in this process; inserts made by other processes
sharing the database are noticed by one watcher per process that reads the last sequence number
every ``poll_interval`` while anyone waits.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lever_desktop.lever.urls import RELAY_WEBHOOK_PATH
from lever_desktop.relay.deliveries import canonical, excerpt
from lever_desktop.relay.storage import FeedStore, SharesFull, redacted_url
from lever_desktop.untrusted import MAX_DEPTH, nesting_depth

_log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
MAX_WEBHOOK_BODY = 16 * 1024  # Lever's deliveries are well under 1 KB: ids, a token, a signature
MAX_FEED_BYTES = 4 * 1024 * 1024  # bodies per feed page (at least one item): bounds a reader's memory
DAY_MS = 86_400_000
SHARE_TTL = 10.0  # seconds a heartbeat counts: a desktop beats every few seconds while it syncs
MAX_SHARE_BODY = 1024  # a heartbeat is ~120 bytes


@dataclass(frozen=True)
class RelayConfig:
    db_url: str
    ingest_tokens: tuple[str, ...]
    reader_tokens: tuple[str, ...]
    retention_days: float = 30.0
    poll_interval: float = 0.25  # how often a waiting process looks for other processes' inserts
    max_wait: float = 60.0  # longest long-poll a reader may ask for
    max_limit: int = 1000
    max_body: int = MAX_BODY
    max_webhook_body: int = MAX_WEBHOOK_BODY
    max_feed_bytes: int = MAX_FEED_BYTES
    body_timeout: float = 10.0  # a client gets this long to send a whole body
    purge_interval: float = 3600.0
    max_desktops_per_key: int = 200  # heartbeats counted per key fingerprint...
    max_key_shares: int = 10_000  # ...and in all: the table stays small whatever is posted

    def __repr__(self) -> str:  # tokens and database passwords never reach a log
        return f"RelayConfig(db_url={redacted_url(self.db_url)!r}, retention_days={self.retention_days})"


class Refused(Exception):
    """A request the relay will not take; becomes a JSON error response and a log line."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class FeedSignal:
    """Wakes long-polling readers when the feed may have grown."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self._waiters = 0
        self._someone_waits = asyncio.Event()
        self.closed = False

    @property
    def waiters(self) -> int:
        return self._waiters

    def current(self) -> asyncio.Event:
        # Taken before reading the database, so an insert between the read and the wait still wakes.
        return self._event

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def close(self) -> None:
        """Server is stopping: release every waiter now instead of at its deadline."""
        self.closed = True
        self.notify()

    async def wait(self, event: asyncio.Event, timeout: float) -> None:
        self._waiters += 1
        self._someone_waits.set()
        try:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):  # not wait_for: 3.11's can swallow a cancel (gh-86296)
                    await event.wait()
        finally:
            self._waiters -= 1
            if not self._waiters:
                self._someone_waits.clear()

    async def watch(self, last_seq: Callable[[], int], interval: float) -> None:
        """Notice inserts by other relay processes, only while someone is waiting."""
        last = await run_in_threadpool(last_seq)
        while True:
            await self._someone_waits.wait()
            await asyncio.sleep(interval)
            try:
                seq = await run_in_threadpool(last_seq)
            except Exception:  # noqa: BLE001 - the notifier retries; a database blip must not end it (logged)
                _log.exception("relay: cannot read the feed's last sequence number")
                continue
            if seq != last:
                last = seq
                self.notify()


def _refuse(request: Request, err: Refused) -> JSONResponse:
    client = request.client.host if request.client else "?"
    _log.warning(
        "refused %s %s from %s: %d %s (%s)", request.method, request.url.path, client, err.status, err.code, err.message
    )
    headers = {"WWW-Authenticate": 'Bearer realm="lever-relay"'} if err.status == 401 else None
    return JSONResponse({"error": err.code, "message": err.message}, err.status, headers=headers)


def _check_token(request: Request, allowed: tuple[str, ...], role: str) -> None:
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        raise Refused(401, "unauthorized", f"no Bearer token: send the {role} token in the Authorization header")
    presented_b = presented.strip().encode()
    # Compare against every configured token, always, so timing says nothing about which matched.
    ok = False
    for token in allowed:
        ok |= hmac.compare_digest(presented_b, token.encode())
    if not ok:
        raise Refused(401, "unauthorized", f"the {role} token is not valid")


@dataclass(frozen=True)
class Body:
    kept: bytes  # the first ``keep`` bytes (all of it when it fits)
    size: int
    sha256: str

    @property
    def whole(self) -> bool:
        return len(self.kept) == self.size


async def _read_body(request: Request, max_body: int, timeout: float, keep: int) -> Body:
    """Read a JSON request's body within ``timeout`` seconds, at most ``max_body`` bytes; only the
    first ``keep`` bytes stay in memory (the rest is hashed as it passes)."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise Refused(
            415, "unsupported-media-type", f"Content-Type must be application/json, not {media_type or 'missing'!r}"
        )
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > max_body:
        raise Refused(413, "too-large", f"body of {declared} bytes is over the {max_body}-byte limit")
    kept, size, digest = bytearray(), 0, hashlib.sha256()
    try:
        async with asyncio.timeout(timeout):  # a body trickled byte by byte would hold its socket forever
            async for chunk in request.stream():
                size += len(chunk)
                if size > max_body:
                    raise Refused(413, "too-large", f"body is over the {max_body}-byte limit")
                digest.update(chunk)
                if len(kept) < keep:
                    kept += chunk[: keep - len(kept)]
    except TimeoutError:
        raise Refused(408, "timeout", f"the body did not arrive within {timeout:g} s") from None
    return Body(bytes(kept), size, digest.hexdigest())


def _json_object(raw: bytes) -> tuple[str, dict]:
    """The body as verbatim text and parsed, once it is one JSON object."""
    try:
        text = raw.decode("utf-8")
        doc = json.loads(text, parse_constant=_reject_constant)
        # JSON allows a lone surrogate ("\ud800"); UTF-8 does not, and no reader could store it.
        canonical(doc).encode("utf-8")
    except (UnicodeError, ValueError, RecursionError) as e:  # RecursionError: nested too deeply
        raise Refused(400, "invalid-json", f"body is not valid UTF-8 JSON ({type(e).__name__})") from None
    if not isinstance(doc, dict):
        raise Refused(400, "invalid-json", "body must be a JSON object")
    if nesting_depth(doc) > MAX_DEPTH:  # the readers must be able to parse it back (untrusted.MAX_DEPTH)
        raise Refused(400, "too-deep", f"body nests more than {MAX_DEPTH} levels deep")
    return text, doc


def _not_a_lever_delivery(doc: dict) -> str | None:
    """Why this body cannot be a Lever webhook delivery (None when it may be one)."""
    at = doc.get("triggeredAt")
    if (
        not all(isinstance(doc.get(k), str) and doc[k] for k in ("event", "token", "signature"))
        or isinstance(at, bool)
        or not isinstance(at, int)
    ):
        return "not-a-lever-delivery"
    return None


def _set_aside(reason: str, body: Body) -> str:
    """The bounded record kept instead of a body that cannot be a Lever delivery."""
    record = {"kind": "lever-webhook", "reason": reason, **excerpt(body.kept), "size": body.size, "sha256": body.sha256}
    return json.dumps(record, ensure_ascii=False)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


_DIGITS = re.compile(r"[0-9]{1,19}")


def _int_param(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    # ASCII digits only: int() also takes "+5", " 5", "1_0" and other scripts' digits ("١٢"), which
    # no client sends and a cache or proxy in front would key differently from us.
    if not _DIGITS.fullmatch(raw):
        raise Refused(400, "bad-parameter", f"{name} must be a whole number written with the digits 0-9")
    value = int(raw)
    if not lo <= value <= hi:
        raise Refused(400, "bad-parameter", f"{name} must be between {lo} and {hi}")
    return value


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FINGERPRINT = re.compile(r"[0-9a-f]{32,64}")
_SHARE_FIELDS = frozenset({"desktop", "key", "syncing"})


def _heartbeat(doc: dict) -> tuple[str, str, bool]:
    """(fingerprint, desktop, syncing) of a ``/v1/share`` body, or why not (400)."""
    unknown = sorted(set(doc) - _SHARE_FIELDS)
    if unknown:
        raise Refused(400, "bad-heartbeat", f"unknown field {unknown[0][:40]!r}: send desktop, key and syncing")
    desktop, key, syncing = doc.get("desktop"), doc.get("key"), doc.get("syncing")
    if not isinstance(desktop, str) or not _UUID.fullmatch(desktop):
        raise Refused(400, "bad-heartbeat", "desktop must be a lowercase UUID (8-4-4-4-12 hex digits)")
    if not isinstance(key, str) or not _FINGERPRINT.fullmatch(key):
        raise Refused(400, "bad-heartbeat", "key must be the key's fingerprint: 32 to 64 lowercase hex digits")
    if not isinstance(syncing, bool):
        raise Refused(400, "bad-heartbeat", "syncing must be true or false")
    return key, desktop, syncing


def create_app(config: RelayConfig, *, clock: Callable[[], float] = time.time) -> Starlette:
    """The relay as an ASGI app. ``clock`` (seconds) stamps items and drives retention."""
    store = FeedStore(config.db_url)
    signal = FeedSignal()
    now_ms = lambda: int(clock() * 1000)  # noqa: E731

    def purge() -> int:
        removed = store.purge(now_ms() - int(config.retention_days * DAY_MS))
        if removed:
            _log.info("retention: purged %d items older than %g days", removed, config.retention_days)
        return removed

    async def purge_loop() -> None:
        while True:
            await asyncio.sleep(config.purge_interval)
            try:
                await run_in_threadpool(purge)
            except Exception:  # noqa: BLE001 - the purge retries later (logged)
                _log.exception("retention purge failed; will retry")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        await run_in_threadpool(store.create_schema)
        await run_in_threadpool(purge)
        tasks = [
            asyncio.create_task(purge_loop()),
            asyncio.create_task(signal.watch(store.last_seq, config.poll_interval)),
        ]
        _log.info("relay ready: %r", config)
        try:
            yield
        finally:
            signal.close()
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            store.close()

    async def store_item(kind: str, body: str) -> Response:
        seq = await run_in_threadpool(store.append, kind, body, now_ms())
        signal.notify()
        return JSONResponse({"seq": seq})

    async def lever_webhook(request: Request) -> Response:
        # Anyone may post here: past the webhook limit only a record (size, sha256, first KB) is
        # kept, and the body is neither held in memory nor parsed.
        body = await _read_body(request, config.max_body, config.body_timeout, config.max_webhook_body + 1)
        if body.size > config.max_webhook_body:
            return await store_item("rejected", _set_aside("oversize", body))
        text, doc = _json_object(body.kept)
        reason = _not_a_lever_delivery(doc)
        # Still 200 when set aside: the poster learns nothing, and the desktops see a record.
        return (
            await store_item("lever-webhook", text)
            if reason is None
            else await store_item("rejected", _set_aside(reason, body))
        )

    async def draft(request: Request) -> Response:
        _check_token(request, config.ingest_tokens, "ingest")
        body = await _read_body(request, config.max_body, config.body_timeout, config.max_body)
        text, _doc = _json_object(body.kept)
        return await store_item("draft", text)

    async def feed(request: Request) -> Response:
        _check_token(request, config.reader_tokens, "reader")
        after = _int_param(request, "after", 0, 0, 2**62)
        limit = _int_param(request, "limit", 100, 1, config.max_limit)
        wait = _int_param(request, "wait", 0, 0, int(config.max_wait))
        deadline = time.monotonic() + wait
        while True:
            woken = signal.current()
            items = await run_in_threadpool(store.read, after, limit, config.max_feed_bytes)
            remaining = deadline - time.monotonic()
            if items or remaining <= 0 or signal.closed:
                break
            await signal.wait(woken, remaining)
        nxt = items[-1].seq if items else after
        payload = '{"items": [' + ", ".join(i.to_json() for i in items) + '], "next": ' + str(nxt) + "}"
        return Response(payload, media_type="application/json")

    async def share(request: Request) -> Response:
        _check_token(request, config.reader_tokens, "reader")
        body = await _read_body(request, MAX_SHARE_BODY, config.body_timeout, MAX_SHARE_BODY)
        fingerprint, desktop, syncing = _heartbeat(_json_object(body.kept)[1])
        try:
            sharing = await run_in_threadpool(
                store.share,
                fingerprint,
                desktop,
                syncing,
                now_ms(),
                int(SHARE_TTL * 1000),
                per_key=config.max_desktops_per_key,
                total=config.max_key_shares,
            )
        except SharesFull as e:
            where = "with one key" if e.scope == "key" else "in all"
            raise Refused(
                429, "too-many-desktops", f"the relay counts at most {e.cap} desktops syncing {where}; try later"
            ) from None
        return JSONResponse({"sharing": sharing})

    async def healthz(request: Request) -> Response:
        try:
            last = await run_in_threadpool(store.last_seq)
        except Exception as e:  # noqa: BLE001 - any database failure is an unhealthy answer
            _log.error("healthz: database unavailable (%s)", type(e).__name__)
            return JSONResponse({"status": "unavailable", "database": store.dialect}, 503)
        return JSONResponse({"status": "ok", "database": store.dialect, "lastSeq": last, "waiting": signal.waiters})

    def guarded(handler):
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(request)
            except Refused as err:
                return _refuse(request, err)
            except ClientDisconnect:
                return Response(status_code=499)
            except Exception:  # noqa: BLE001 - a 5xx makes Lever retry; nothing is lost (logged)
                _log.exception("relay: %s %s failed", request.method, request.url.path)
                # 5xx makes Lever retry the delivery later; nothing is lost.
                return JSONResponse(
                    {
                        "error": "unavailable",
                        "message": "the relay could not store or read items right now; retry later",
                    },
                    503,
                )

        return endpoint

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return JSONResponse({"error": "http", "message": exc.detail}, exc.status_code)

    app = Starlette(
        routes=[
            Route(RELAY_WEBHOOK_PATH, guarded(lever_webhook), methods=["POST"]),
            Route("/drafts", guarded(draft), methods=["POST"]),
            Route("/v1/feed", guarded(feed), methods=["GET"]),
            Route("/v1/share", guarded(share), methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ],
        lifespan=lifespan,
        exception_handlers={HTTPException: http_error},
    )
    app.state.store = store
    app.state.signal = signal
    app.state.purge = purge
    return app
