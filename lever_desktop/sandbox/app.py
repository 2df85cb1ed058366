"""The ASGI application: ``/v1`` (Lever) behind the gate, ``/_sandbox`` (admin)."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Mount

from lever_desktop.sandbox import api_admin, api_feedback, api_read, api_webhooks, api_writes
from lever_desktop.sandbox.gate import LeverGate
from lever_desktop.sandbox.http import (LeverHTTPError, client_gone_handler, http_exception_handler,
                                        lever_error_handler)

if TYPE_CHECKING:
    from lever_desktop.sandbox.server import SandboxServer


def build_app(server: "SandboxServer"):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        await server.background.start()
        try:
            yield
        finally:
            await server.background.stop()

    app = Starlette(
        routes=[
            Mount("/v1", routes=api_read.ROUTES + api_writes.ROUTES + api_webhooks.ROUTES + api_feedback.ROUTES),
            Mount("/_sandbox", routes=api_admin.ROUTES),
        ],
        # Every body read (feedback, writes, admin) may raise ClientDisconnect: one quiet handler for all.
        exception_handlers={LeverHTTPError: lever_error_handler, HTTPException: http_exception_handler,
                            ClientDisconnect: client_gone_handler},
        lifespan=lifespan,
    )
    app.state.sandbox = server.state
    app.state.server = server
    return LeverGate(app, state=server.state, api_key=server.api_key, limiter=server.limiter, faults=server.faults)
