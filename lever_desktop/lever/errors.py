"""Errors from talking to Lever.

Every error carries what a person (or the log) needs to understand it —
HTTP status, Lever's ``code`` and ``message``, the method and the path (no
query string: it may hold e-mail filters) — and never the API key: the client
scrubs the key out of any text it copies from a response before raising.
"""

from __future__ import annotations


class LeverError(Exception):
    """Base class for everything the Lever client raises."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.code = code
        self.method = method
        self.path = path

    def __str__(self) -> str:
        where = f"{self.method} {self.path}: " if self.method and self.path else ""
        status = f" (HTTP {self.status}{', ' + self.code if self.code else ''})" if self.status else ""
        return f"{where}{self.message}{status}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, code={self.code!r}, "
            f"message={self.message!r}, method={self.method!r}, path={self.path!r})"
        )


class InsecureURLError(LeverError, ValueError):
    """A base URL or redirect target the client refuses to send the key to."""


class LeverValidationError(LeverError):
    """400: Lever rejected a parameter or a body (e.g. ``Unable to create feedback``)."""


class InvalidOffsetToken(LeverValidationError):
    """400 ``Invalid offset token``: the token does not fit these filters; restart the walk."""


class LeverAuthError(LeverError):
    """401 (the key is wrong or revoked) or 403 (the key lacks a permission)."""

    @property
    def forbidden(self) -> bool:
        return self.status == 403


class LeverNotFound(LeverError):
    """404: the object does not exist (or no longer does)."""


class LeverRateLimited(LeverError):
    """429 after the retries allowed for this request (or a Retry-After too long to wait)."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class LeverServerError(LeverError):
    """5xx (or an unreadable body) after the retries allowed for this request."""


class LeverUnavailable(LeverError):
    """Lever could not be reached (DNS, refused connection, timeout, reset)."""


class AmbiguousWriteError(LeverError):
    """A POST/PUT/DELETE failed in a way that Lever may still have processed it.

    Never retried automatically: the caller (the outbox) must re-read Lever to
    find out whether the write happened before trying again.
    """


class PaginationError(LeverError):
    """Lever's pagination misbehaved (repeated token, empty page that claims more)."""


def from_status(
    status: int,
    code: str | None,
    message: str,
    *,
    retry_after: float | None = None,
    method: str | None = None,
    path: str | None = None,
) -> LeverError:
    """The error for an HTTP error answer (``message`` already free of secrets)."""
    kw = {"status": status, "code": code, "method": method, "path": path}
    if status == 400:
        if "invalid offset token" in message.lower():
            return InvalidOffsetToken(message, **kw)
        return LeverValidationError(message, **kw)
    if status == 401:
        return LeverAuthError(f"Lever rejected the API key; check the key in Settings ({message})", **kw)
    if status == 403:
        return LeverAuthError(f"Lever refused this request; check the API key's permissions ({message})", **kw)
    if status == 404:
        return LeverNotFound(message, **kw)
    if status == 429:
        return LeverRateLimited(message, retry_after=retry_after, **kw)
    if status >= 500:
        return LeverServerError(message, **kw)
    return LeverError(message, **kw)
