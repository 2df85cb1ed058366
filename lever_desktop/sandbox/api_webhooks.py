"""Webhook management as Lever documents it: ``GET/POST /webhooks``, ``DELETE /webhooks/:id``.

- ``GET /webhooks`` lists the account's webhooks (paged like every list) without their
  signature tokens: Lever returns a token once, in the answer to the create.
- ``POST /webhooks`` takes ``{event, url, configuration?: {conditions}}`` and answers 201
  with the webhook, ``configuration.signatureToken`` included. Deliveries of that event
  go to ``url`` from then on (``webhooks.emit``), signed with that token.
- ``DELETE /webhooks/:id`` answers 204, or 404 for an unknown id.
Stricter readings: ``event`` must be one Lever documents; ``url`` must be ``https://`` —
plain ``http://`` only for loopback hosts, so a local relay can be registered;
``configuration`` and its ``conditions``, when given, must be objects.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lever_desktop.lever.urls import is_loopback  # the one URL policy: plain http only to loopback
from lever_desktop.sandbox.http import bad_request, data, json_body, not_found
from lever_desktop.sandbox.paging import page_of
from lever_desktop.sandbox.state import SandboxState
from lever_desktop.sandbox.webhooks import EVENTS, create_webhook, public_webhook


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


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
    local = parts is not None and parts.scheme == "http" and is_loopback(parts.hostname or "")
    if not (secure or local) or not isinstance(url, str):
        raise bad_request("Invalid value for url: webhooks need a public https:// URL")
    configuration = body.get("configuration")
    if configuration is not None and not isinstance(configuration, dict):
        raise bad_request("Invalid value for configuration: expected an object")
    conditions = (configuration or {}).get("conditions")
    if conditions is not None and not isinstance(conditions, dict):
        raise bad_request("Invalid value for configuration.conditions: expected an object")
    hook = create_webhook(_state(request), url, event, conditions)
    return data(hook, status=201)


async def delete_webhook(request: Request) -> Response:
    state = _state(request)
    with state.lock:
        if state.webhooks.pop(request.path_params["id"], None) is None:
            raise not_found("Webhook")
    return Response(status_code=204)


ROUTES = [
    Route("/webhooks", list_webhooks, methods=["GET"]),
    Route("/webhooks", post_webhook, methods=["POST"]),
    Route("/webhooks/{id}", delete_webhook, methods=["DELETE"]),
]
