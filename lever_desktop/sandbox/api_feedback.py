"""``/opportunities/:id/feedback``: read completed forms, create, edit and delete them.

Like Lever, every invalid write gets the generic 400 ``Unable to create feedback``
(``Unable to update feedback`` for PUT); the precise reason is logged to the
``lever_desktop.sandbox`` logger. A POST without ``completedAt`` is stored as an
unsubmitted draft: it is *not* returned by ``GET .../feedback`` (visible in the admin
API). ``GET`` returns deleted forms too, with ``deletedAt`` set.

Stricter readings: ``perform_as`` must be an existing, active user (panel membership
is not required: Lever lets admins submit on someone's behalf); the body may hold only
``baseTemplateId, panel, interview, completedAt, fieldValues`` (so a body that says
``fields`` instead of ``fieldValues`` is refused); the "No Feedback" template cannot be
submitted; PUT and DELETE need ``perform_as`` as well.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lever_desktop.sandbox import templates as tpl
from lever_desktop.sandbox.api_read import opportunity_row
from lever_desktop.sandbox.http import LeverHTTPError, bad_request, data, not_found
from lever_desktop.sandbox.paging import page_of
from lever_desktop.sandbox.state import SandboxState, now_ms
from lever_desktop.sandbox.validation import FeedbackRejected, check_field_values

_log = logging.getLogger("lever_desktop.sandbox")
BODY_KEYS = {"baseTemplateId", "panel", "interview", "completedAt", "fieldValues"}


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def _perform_as(state: SandboxState, params: Any) -> str:
    user_id = params.get("perform_as")
    if not user_id:
        raise bad_request("Missing required parameter: perform_as")
    user = state.catalog.user(user_id)
    if user is None:
        raise FeedbackRejected(f"perform_as {user_id} is not a user of this account")
    if user["deactivatedAt"] is not None:
        raise FeedbackRejected(f"perform_as {user_id} is deactivated")
    return user_id


def _completed_at(body: dict[str, Any]) -> int | None:
    value = body.get("completedAt")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise FeedbackRejected(f"completedAt {value!r} is not epoch milliseconds")
    return value


async def _body(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"null")
    except ValueError:
        raise FeedbackRejected("body is not JSON") from None
    if not isinstance(body, dict):
        raise FeedbackRejected("body is not a JSON object")
    return body


def _rejected(request: Request, message: str, reason: str) -> LeverHTTPError:
    _log.warning("%s %s rejected: %s", request.method, request.url.path, reason)
    return bad_request(message)


async def list_feedback(request: Request) -> JSONResponse:
    state = _state(request)
    row = opportunity_row(state, request.path_params["id"])
    with state.lock:
        forms = [state.feedback_view(f) for f in state.details_of(row).feedback if f["completedAt"]]
    return JSONResponse(page_of(request.url.path, request.query_params, forms, key=lambda f: (f["createdAt"], f["id"])))


def _find(state: SandboxState, row: int, feedback_id: str) -> dict[str, Any]:
    fb = next((f for f in state.details_of(row).feedback if f["id"] == feedback_id), None)
    if fb is None or fb["deletedAt"]:
        raise not_found("Feedback")
    return fb


async def get_feedback(request: Request) -> JSONResponse:
    state = _state(request)
    row = opportunity_row(state, request.path_params["id"])
    return data(state.feedback_view(_find(state, row, request.path_params["feedback_id"])))


async def post_feedback(request: Request) -> JSONResponse:
    state = _state(request)
    if not request.query_params.get("perform_as"):
        raise bad_request("Missing required parameter: perform_as")
    row = opportunity_row(state, request.path_params["id"])
    try:
        user_id = _perform_as(state, request.query_params)
        body = await _body(request)  # read before taking the lock: never await under it
        extra = set(body) - BODY_KEYS
        if extra:
            raise FeedbackRejected(f"unknown body keys {sorted(extra)}")
        template_id = body.get("baseTemplateId")
        if not isinstance(template_id, str) or not template_id:
            raise FeedbackRejected("baseTemplateId is required")
        with state.lock:
            template = state.templates.get(template_id)
            if template is None or not tpl.is_offerable(template):
                raise FeedbackRejected(f"baseTemplateId {template_id} is not a usable template")
            panel_id, interview_id = body.get("panel"), body.get("interview")
            if (panel_id is None) != (interview_id is None):
                raise FeedbackRejected("panel and interview must be given together")
            if interview_id is not None:
                found = state.find_interview(row, interview_id) if isinstance(interview_id, str) else None
                if found is None or found[0]["id"] != panel_id:
                    raise FeedbackRejected(f"interview {interview_id} is not in panel {panel_id} of this opportunity")
            completed = _completed_at(body)
            values = check_field_values(template, body.get("fieldValues", []), completed=completed is not None)
            fb = state.new_feedback(template, values, user_id, panel_id, interview_id, now_ms(), completed_at=completed)
            state.details_of(row).feedback.append(fb)
            view = state.feedback_view(fb)
    except FeedbackRejected as e:
        raise _rejected(request, "Unable to create feedback", e.reason) from None
    if completed is None:
        _log.info("feedback %s stored as an unsubmitted draft (no completedAt)", fb["id"])
    return data(view, status=201)


async def put_feedback(request: Request) -> JSONResponse:
    state = _state(request)
    if not request.query_params.get("perform_as"):
        raise bad_request("Missing required parameter: perform_as")
    row = opportunity_row(state, request.path_params["id"])
    try:
        _perform_as(state, request.query_params)
        body = await _body(request)
        with state.lock:
            fb = _find(state, row, request.path_params["feedback_id"])
            extra = set(body) - {"completedAt", "fieldValues"}
            if extra:
                raise FeedbackRejected(f"unknown body keys {sorted(extra)}")
            completed = _completed_at(body) or fb["completedAt"]
            current = state.templates[fb["template"]["id"]]
            values = check_field_values(
                current,
                body.get("fieldValues", []),
                completed=completed is not None,
                previous={k: v for k, v in fb["values"].items() if any(f["id"] == k for f in current["fields"])},
            )
            fb.update(template=current, values=values, completedAt=completed, updatedAt=now_ms())
            view = state.feedback_view(fb)
    except FeedbackRejected as e:
        raise _rejected(request, "Unable to update feedback", e.reason) from None
    return data(view)


async def delete_feedback(request: Request) -> Response:
    state = _state(request)
    if not request.query_params.get("perform_as"):
        raise bad_request("Missing required parameter: perform_as")
    row = opportunity_row(state, request.path_params["id"])
    try:
        _perform_as(state, request.query_params)
    except FeedbackRejected as e:
        raise _rejected(request, "Unable to delete feedback", e.reason) from None
    with state.lock:
        fb = _find(state, row, request.path_params["feedback_id"])
        fb["deletedAt"] = fb["updatedAt"] = now_ms()
    return Response(status_code=204)


ROUTES = [
    Route("/opportunities/{id}/feedback", list_feedback, methods=["GET"]),
    Route("/opportunities/{id}/feedback", post_feedback, methods=["POST"]),
    Route("/opportunities/{id}/feedback/{feedback_id}", get_feedback, methods=["GET"]),
    Route("/opportunities/{id}/feedback/{feedback_id}", put_feedback, methods=["PUT"]),
    Route("/opportunities/{id}/feedback/{feedback_id}", delete_feedback, methods=["DELETE"]),
]
