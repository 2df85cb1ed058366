"""Lever-shaped responses and errors: ``{"data": ...}`` and ``{"code", "message"}``."""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

_log = logging.getLogger("lever_desktop.sandbox")


class LeverHTTPError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def bad_request(message: str) -> LeverHTTPError:
    return LeverHTTPError(400, "BadRequestError", message)


def not_found(what: str = "Resource") -> LeverHTTPError:
    return LeverHTTPError(404, "ResourceNotFound", f"{what} not found")


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status_code=status, headers=headers)


async def lever_error_handler(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LeverHTTPError)
    return error_response(exc.status, exc.code, exc.message)


async def http_exception_handler(request: Request, exc: Exception) -> Response:
    status = getattr(exc, "status_code", 500)
    if status == 404:
        return error_response(404, "ResourceNotFound", "Resource not found")
    if status == 405:
        return error_response(405, "MethodNotAllowed", f"{request.method} is not allowed here")
    return error_response(status, "Error", str(getattr(exc, "detail", "")))


async def client_gone_handler(request: Request, exc: Exception) -> Response:
    """A client killed while sending its body (``request.body()`` raised): nothing was read, nothing stored.

    Routine for a test double that clients are killed against, so a debug line, not
    uvicorn's "Exception in ASGI application" traceback. The answer goes nowhere.
    """
    assert isinstance(exc, ClientDisconnect)
    _log.debug("%s %s: client disconnected before its whole body arrived; dropped", request.method, request.url.path)
    return Response(status_code=400)


def data(obj: Any, status: int = 200) -> JSONResponse:
    return JSONResponse({"data": obj}, status_code=status)


async def json_body(request: Request) -> Any:
    raw = await request.body()
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        raise bad_request("Request body is not valid JSON") from None


def bool_param(params: Any, name: str) -> bool | None:
    raw = params.get(name)
    if raw is None:
        return None
    if raw not in ("true", "false"):
        raise bad_request(f"Invalid value for parameter {name}: expected true or false")
    return raw == "true"


def ms_param(params: Any, name: str) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f"Invalid value for parameter {name}: expected epoch milliseconds") from None
