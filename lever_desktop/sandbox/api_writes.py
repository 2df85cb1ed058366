"""Opportunity writes (stage, archived); webhook management is in ``api_webhooks``.

Stricter reading: ``perform_as``, when given, must name an active user (else 400).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lever_desktop.sandbox.api_read import opportunity_row, render_opportunity
from lever_desktop.sandbox.http import bad_request, data, json_body
from lever_desktop.sandbox.state import SandboxState


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def optional_actor(state: SandboxState, params: Any) -> str | None:
    user_id = params.get("perform_as")
    if user_id is None:
        return None
    user = state.catalog.user(user_id)
    if user is None or user["deactivatedAt"] is not None:
        raise bad_request("perform_as must be an active user")
    return user_id


async def put_stage(request: Request) -> JSONResponse:
    state = _state(request)
    row = opportunity_row(state, request.path_params["id"])
    actor = optional_actor(state, request.query_params)
    body = await json_body(request)
    stage = body.get("stage") if isinstance(body, dict) else None
    if not isinstance(stage, str) or state.catalog.stage(stage) is None:
        raise bad_request("Invalid value for stage")
    request.app.state.services.activity.change_stage(row, stage, actor)
    return data(render_opportunity(state, row, set()))


async def put_archived(request: Request) -> JSONResponse:
    state = _state(request)
    row = opportunity_row(state, request.path_params["id"])
    optional_actor(state, request.query_params)
    body = await json_body(request)
    if not isinstance(body, dict) or "reason" not in body:
        raise bad_request("Missing required field: reason")
    reason = body["reason"]
    if reason is not None and (not isinstance(reason, str) or state.catalog.archive_reason(reason) is None):
        raise bad_request("Invalid value for reason")
    request.app.state.services.activity.set_archived(row, reason)
    return data(render_opportunity(state, row, set()))


ROUTES = [
    Route("/opportunities/{id}/stage", put_stage, methods=["PUT"]),
    Route("/opportunities/{id}/archived", put_archived, methods=["PUT"]),
]
