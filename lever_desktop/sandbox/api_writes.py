"""Opportunity writes (stage, archived) and webhook management.

Stricter readings: ``perform_as``, when given, must name an active user (else 400);
a webhook URL must be ``https://`` — plain ``http://`` is accepted only for loopback
hosts, so a local relay can be registered.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lever_desktop.sandbox.api_read import opportunity_row, render_opportunity
from lever_desktop.sandbox.http import bad_request, data, json_body, not_found
from lever_desktop.sandbox.paging import page_of
from lever_desktop.sandbox.state import SandboxState
from lever_desktop.sandbox.webhooks import EVENTS, create_webhook, public_webhook

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


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
    request.app.state.server.activity.change_stage(row, stage, actor)
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
    request.app.state.server.activity.set_archived(row, reason)
    return data(render_opportunity(state, row, set()))


async def list_webhooks(request: Request) -> JSONResponse:
    state = _state(request)
    with state.lock:
        hooks = [public_webhook(h) for h in state.webhooks.values()]
    return JSONResponse(page_of(request.url.path, request.query_params, hooks, key=lambda h: (h["createdAt"], h["id"])))


async def post_webhook(request: Request) -> JSONResponse:
    body = await json_body(request)
    if not isinstance(body, dict):
        raise bad_request("Request body must be a JSON object")
    url, event = body.get("url"), body.get("event")
    if event not in EVENTS:
        raise bad_request(f"Invalid value for event: must be one of {', '.join(EVENTS)}")
    parts = urlsplit(url) if isinstance(url, str) else None
    secure = parts is not None and parts.scheme == "https" and bool(parts.hostname)
    local = parts is not None and parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS
    if not (secure or local):
        raise bad_request("Invalid value for url: webhooks need a public https:// URL")
    conditions = (body.get("configuration") or {}).get("conditions") if isinstance(body.get("configuration"), dict) else None
    hook = create_webhook(_state(request), url, event, conditions)
    return data(hook, status=201)


async def delete_webhook(request: Request) -> Response:
    state = _state(request)
    with state.lock:
        if state.webhooks.pop(request.path_params["id"], None) is None:
            raise not_found("Webhook")
    return Response(status_code=204)


ROUTES = [
    Route("/opportunities/{id}/stage", put_stage, methods=["PUT"]),
    Route("/opportunities/{id}/archived", put_archived, methods=["PUT"]),
    Route("/webhooks", list_webhooks, methods=["GET"]),
    Route("/webhooks", post_webhook, methods=["POST"]),
    Route("/webhooks/{id}", delete_webhook, methods=["DELETE"]),
]
