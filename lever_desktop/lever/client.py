"""The Lever API client: auth, rate limit, retries, redirects, envelopes, pagination.

One ``LeverClient`` per account is enough (it is safe to share between
tasks); several are fine too, because they share the per-key rate limiter.
The API key goes only into the Authorization header of requests to the
configured base URL and to Lever's own HTTPS hosts; it never appears in an
exception, a log line or a repr.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any, TypedDict

import httpx

from lever_desktop import __version__
from lever_desktop import log as applog
from lever_desktop.lever import errors, reachability
from lever_desktop.lever.api import ClientStats
from lever_desktop.lever.envelope import Page, unwrap
from lever_desktop.lever.ratelimit import RateLimiter, Sleep, client_rate, shared_limiter
from lever_desktop.lever.retry import NOT_SENT_ERRORS, RETRY_STATUSES, TRANSIENT_ERRORS, RetryPolicy, idempotent
from lever_desktop.lever.urls import InsecureURLError, is_lever_host, resolve_base_url, same_origin

_log = logging.getLogger(__name__)


class Where(TypedDict):
    """The request an error is about (the keyword arguments of every ``LeverError``)."""

    method: str
    path: str


DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_REDIRECTS = 5
REDIRECT_STATUSES = frozenset({301, 307, 308})  # permanent/method-preserving: safe to repeat as is
GATEWAY_FAILURES = frozenset({502, 503, 504})

Params = Mapping[str, Any]


class _Credential:
    """The Authorization header value, kept out of every repr."""

    __slots__ = ("_key", "header")

    def __init__(self, api_key: str) -> None:
        self._key = api_key
        self.header = "Basic " + base64.b64encode(f"{api_key}:".encode()).decode("ascii")

    def scrub(self, text: str) -> str:
        """``text`` (copied from a response) without the key or the header value."""
        for value in (self._key, self.header.split()[1]):
            text = text.replace(value, applog.REDACTED)
        return text

    def __repr__(self) -> str:
        return "<Lever API key>"


def _answered(e: errors.LeverError) -> bool | None:
    """Did Lever answer the request that raised ``e``? None: this error cannot tell."""
    if e.status is not None:
        # 502/503/504 come from the gateway in front of Lever: Lever itself did not answer.
        return e.status not in GATEWAY_FAILURES
    if isinstance(e, (errors.LeverUnavailable, errors.AmbiguousWriteError)):
        return False  # the connection failed (before or after the request left)
    return None


def _clean_params(params: Params | None) -> dict[str, Any]:
    # None means "not given"; lists stay lists so httpx repeats the parameter.
    return {
        k: (list(v) if isinstance(v, (list, tuple, set)) else v) for k, v in (params or {}).items() if v is not None
    }


class LeverClient:
    def __init__(
        self,
        api_key: str,
        base_url: str | None = None,
        region: str = "us",
        *,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        rate: float = 10.0,
        burst: int = 20,
        transport: httpx.AsyncBaseTransport | None = None,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        """``rate``/``burst`` describe the server's bucket (Lever: 10/s, 20); the
        shared limiter keeps a margin below them (see ``ratelimit``)."""
        if not isinstance(api_key, str) or not api_key.strip():
            raise ValueError("A Lever API key is required.")
        self.base_url = resolve_base_url(base_url, region)
        self._base = httpx.URL(self.base_url)
        applog.register_secret(api_key)
        self._credential = _Credential(api_key)
        if limiter is None:
            origin = f"{self._base.scheme}://{self._base.host}:{self._base.port or ''}"
            limiter = shared_limiter(api_key, origin, *client_rate(rate, burst))
        self.limiter = limiter
        self.reachability = reachability.of(f"{self._base.scheme}://{self._base.host}:{self._base.port or ''}")
        self.retry = retry or RetryPolicy()
        self.stats = ClientStats()
        # Whether Lever answered the last request: offline, every look at Lever fails the same way,
        # so the log says so once when it stops answering and once when it answers again.
        self._answering = True
        self._sleep = sleep
        self._http = httpx.AsyncClient(
            timeout=timeout,
            transport=transport,
            follow_redirects=False,  # redirects are followed by hand, to Lever hosts only
            headers={"Accept": "application/json", "User-Agent": f"lever-desktop/{__version__}"},
        )

    def __repr__(self) -> str:
        return f"LeverClient(base_url={self.base_url!r})"

    async def __aenter__(self) -> LeverClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @property
    def closed(self) -> bool:
        """Whether ``aclose`` has run: no request can be sent any more."""
        return self._http.is_closed

    @property
    def timeout(self) -> httpx.Timeout:
        return self._http.timeout

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- public calls -------------------------------------------------------------------

    async def get(self, path: str, params: Params | None = None) -> Any:
        return unwrap(await self._request("GET", path, params=params))

    async def get_one(self, path: str, params: Params | None = None) -> Any:
        """Like ``get``, but ``None`` when Lever answers 404."""
        try:
            return await self.get(path, params)
        except errors.LeverNotFound:
            return None

    async def post(self, path: str, json: Any = None, params: Params | None = None) -> Any:
        return unwrap(await self._request("POST", path, params=params, json=json))

    async def put(self, path: str, json: Any = None, params: Params | None = None) -> Any:
        return unwrap(await self._request("PUT", path, params=params, json=json))

    async def delete(self, path: str, params: Params | None = None) -> Any:
        return unwrap(await self._request("DELETE", path, params=params))

    async def get_page(self, path: str, params: Params | None = None) -> Page:
        """One page of a list: its records, ``hasNext`` and the ``next`` token."""
        page = Page.of(await self._request("GET", path, params=params))
        if page is None:
            raise errors.PaginationError("Lever did not answer with a list", method="GET", path=path)
        return page

    async def paginate(self, path: str, params: Params | None = None) -> AsyncIterator[Any]:
        """Every record of a list, page by page (``limit=100`` unless given)."""
        query = _clean_params(params)
        query.setdefault("limit", 100)
        seen: set[str] = {query["offset"]} if "offset" in query else set()
        while True:
            page = await self.get_page(path, query)
            for record in page.records:
                yield record
            if not page.has_next:
                return
            problem = (
                "an empty page claims more records"
                if not page.records
                else "hasNext without a next token"
                if page.next is None
                else "the same offset token came back twice"
                if page.next in seen
                else None
            )
            if problem:
                raise errors.PaginationError(f"Lever's pagination is stuck: {problem}", method="GET", path=path)
            seen.add(page.next)  # type: ignore[arg-type]
            query["offset"] = page.next  # verbatim: httpx percent-encodes it once more, as Lever expects

    # -- the request loop -----------------------------------------------------------------

    async def _request(self, method: str, path: str, *, params: Params | None = None, json: Any = None) -> Any:
        """Send with rate limit and retries; the decoded JSON body (None when empty).

        Its outcome is reported to ``reachability``: Lever answered (any status below 500), or not.
        """
        try:
            body = await self._attempts(method, path, params=params, json=json)
        except errors.LeverError as e:
            answered = _answered(e)
            if answered is not None:
                self.reachability.report(answered)
            raise
        self.reachability.report(True)
        return body

    async def _attempts(self, method: str, path: str, *, params: Params | None = None, json: Any = None) -> Any:
        query = _clean_params(params)
        safe = idempotent(method)
        attempts = max(1, self.retry.max_attempts)
        where = Where(method=method, path=path)
        attempt = 0  # failed attempts counted against max_attempts (a GET's 429s are not)
        limited: list[float] = []  # when each attempt that met a 429 in a row was sent
        started = self.retry.clock()
        while True:
            sent_at = await self.limiter.acquire(self._sleep)
            try:
                response = await self._send(method, path, query, json)
            except httpx.HTTPError as e:
                attempt += 1
                failure = self._transport_failure(e, safe, where)
                if isinstance(failure, errors.LeverUnavailable):
                    self._not_answering(failure)
                if attempt >= attempts:
                    raise failure from e
                wait, reason = self.retry.backoff(attempt), type(e).__name__
                if not self._answering:
                    self.stats.retries += 1
                    _log.debug("%s %s: %s; retry %d of %d in %.2f s", method, path, reason, attempt, attempts - 1, wait)
                    if wait > 0:
                        await self._sleep(wait)
                    continue
            else:
                if not self._answering:
                    self._answering = True
                    _log.info("Lever answers again")
                self.stats.requests += 1
                reason = f"HTTP {response.status_code}"
                if response.status_code == 429:
                    limited.append(sent_at)
                    if not safe:
                        attempt += 1
                    wait = self._wait_out_429(response, safe, attempt >= attempts, limited, started, where)
                    self.stats.retries += 1
                    _log.warning("%s %s: HTTP 429 (%d in a row); retry in %.2f s", method, path, len(limited), wait)
                    if wait > 0:
                        await self._sleep(wait)
                    continue
                self.limiter.on_success()
                limited.clear()
                attempt += 1
                if response.is_success:
                    try:
                        return response.json() if response.content else None
                    except ValueError:
                        self._unreadable(response, safe, attempt >= attempts, where)
                        wait = self.retry.backoff(attempt)
                else:
                    wait = self._wait_or_raise(response, safe, attempt >= attempts, attempt, where)
            self.stats.retries += 1
            _log.warning("%s %s: %s; retry %d of %d in %.2f s", method, path, reason, attempt, attempts - 1, wait)
            if wait > 0:
                await self._sleep(wait)

    def _wait_out_429(
        self,
        response: httpx.Response,
        safe: bool,
        last: bool,
        limited: list[float],
        started: float,
        where: Where,
    ) -> float:
        """How long to wait after a 429; raises when this request gives up on it.

        A GET gives up only past the policy's ``rate_limit_deadline`` (or a
        Retry-After too long to wait); a write after ``max_attempts``.
        """
        self.stats.rate_limited += 1
        retry_after = self.retry.retry_after(response)
        # All the 429s of this request report one congestion: its first attempt's epoch.
        self.limiter.on_rate_limited(retry_after, limited[-1], first_sent_at=limited[0])
        deadline = self.retry.rate_limit_deadline
        overdue = safe and deadline is not None and self.retry.clock() - started >= deadline
        if (last and not safe) or overdue or (retry_after or 0) > self.retry.max_retry_after:
            raise self._error(response, where)
        # With Retry-After, the limiter's pause holds back this request and all others.
        return 0.0 if retry_after is not None else self.retry.limited_backoff(len(limited))

    def _wait_or_raise(self, response: httpx.Response, safe: bool, last: bool, attempt: int, where: Where) -> float:
        """How long to wait before retrying after a failed answer (not 429); raises when no retry is due."""
        status = response.status_code
        retry_after = self.retry.retry_after(response)
        if status >= 500 and not safe:
            raise errors.AmbiguousWriteError(
                f"Lever answered {status}; the write may or may not have been applied", status=status, **where
            )
        if status not in RETRY_STATUSES or last:
            raise self._error(response, where)
        return min(retry_after, self.retry.max_retry_after) if retry_after is not None else self.retry.backoff(attempt)

    def _unreadable(self, response: httpx.Response, safe: bool, last: bool, where: Where) -> None:
        """A 2xx whose body is not JSON: a GET may try again; a write did happen, unseen."""
        if not safe:
            raise errors.AmbiguousWriteError(
                "Lever accepted the write but its answer was unreadable", status=response.status_code, **where
            )
        if last:
            raise errors.LeverServerError(
                "Lever sent an unreadable (non-JSON) answer", status=response.status_code, **where
            )

    def _not_answering(self, failure: errors.LeverError) -> None:
        if self._answering:
            self._answering = False
            _log.warning("Lever cannot be reached (%s); retrying quietly until it answers", failure)

    def _transport_failure(self, e: httpx.HTTPError, safe: bool, where: Where) -> errors.LeverError:
        """The error to raise for a transport failure; raises at once if it must not be retried."""
        if isinstance(e, NOT_SENT_ERRORS):
            return errors.LeverUnavailable(f"Lever could not be reached ({type(e).__name__})", **where)
        self.stats.requests += 1  # it left: the server may have seen it
        if isinstance(e, TRANSIENT_ERRORS):
            if not safe:
                raise errors.AmbiguousWriteError(
                    f"The connection failed after the request was sent ({type(e).__name__}); "
                    "the write may or may not have been applied",
                    **where,
                ) from e
            return errors.LeverUnavailable(f"The connection to Lever failed ({type(e).__name__})", **where)
        raise errors.LeverError(f"The request to Lever failed ({type(e).__name__})", **where) from e

    async def _send(self, method: str, path: str, query: dict[str, Any], json: Any) -> httpx.Response:
        url = httpx.URL(self.base_url + "/" + path.lstrip("/"))
        request = self._http.build_request(method, url, params=query, json=json, headers=self._auth_for(url))
        for _ in range(MAX_REDIRECTS + 1):
            response = await self._http.send(request)
            if response.status_code not in REDIRECT_STATUSES:
                return response
            self.stats.requests += 1
            location = response.headers.get("location")
            if not location:
                return response  # mapped to an error by the caller
            target = request.url.join(location)
            if not self._may_send_key_to(target):
                raise InsecureURLError(
                    f"Lever redirected to {target.scheme}://{target.host}, which is not a Lever HTTPS "
                    "host; not followed, so the API key was not sent there",
                    status=response.status_code,
                    method=method,
                    path=path,
                )
            _log.info("%s %s: following %d to %s", method, path, response.status_code, target.host)
            request = self._http.build_request(method, target, json=json, headers=self._auth_for(target))
        raise errors.LeverError("Too many redirects from Lever", method=method, path=path)

    def _may_send_key_to(self, url: httpx.URL) -> bool:
        return same_origin(url, self._base) or is_lever_host(url)

    def _auth_for(self, url: httpx.URL) -> dict[str, str]:
        return {"Authorization": self._credential.header} if self._may_send_key_to(url) else {}

    # -- error mapping ----------------------------------------------------------------------

    def _error(self, response: httpx.Response, where: Where) -> errors.LeverError:
        code: str | None = None
        message = ""
        try:
            body = response.json()
        except ValueError:
            body = None
        if isinstance(body, dict):
            code = str(body["code"]) if body.get("code") else None
            message = str(body.get("message") or body.get("error") or "")
        scrub = self._credential.scrub
        return errors.from_status(
            response.status_code,
            scrub(code)[:100] if code else None,
            scrub(message or response.reason_phrase or f"HTTP {response.status_code}")[:500],
            retry_after=self.retry.retry_after(response),
            **where,
        )
