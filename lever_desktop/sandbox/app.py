"""The ASGI application: ``/v1`` (Lever) behind the gate, ``/_sandbox`` (admin)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.routing import Mount

from lever_desktop.sandbox import api_admin, api_feedback, api_read, api_webhooks, api_writes
from lever_desktop.sandbox.activity import Activity
from lever_desktop.sandbox.clock import Background
from lever_desktop.sandbox.faults import Faults
from lever_desktop.sandbox.gate import LeverGate
from lever_desktop.sandbox.http import LeverHTTPError, client_gone_handler, http_exception_handler, lever_error_handler
from lever_desktop.sandbox.ratelimit import RateLimiter
from lever_desktop.sandbox.state import SandboxState


@dataclass(frozen=True)
class Services:
    """What the routes reach: the simulated account and its machinery, not the server running them."""

    state: SandboxState
    api_key: str
    limiter: RateLimiter
    faults: Faults
    activity: Activity
    background: Background
    relay_url: str | None
    root_url: Callable[[], str]  # known once the server listens (port 0 picks one)


def build_app(services: Services):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        await services.background.start()
        try:
            yield
        finally:
            await services.background.stop()

    app = Starlette(
        routes=[
            Mount("/v1", routes=api_read.ROUTES + api_writes.ROUTES + api_webhooks.ROUTES + api_feedback.ROUTES),
            Mount("/_sandbox", routes=api_admin.ROUTES),
        ],
        # Every body read (feedback, writes, admin) may raise ClientDisconnect: one quiet handler for all.
        exception_handlers={
            LeverHTTPError: lever_error_handler,
            HTTPException: http_exception_handler,
            ClientDisconnect: client_gone_handler,
        },
        lifespan=lifespan,
    )
    app.state.sandbox = services.state
    app.state.services = services
    return LeverGate(
        app, state=services.state, api_key=services.api_key, limiter=services.limiter, faults=services.faults
    )
