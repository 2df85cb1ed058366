"""The admin API under ``/_sandbox`` (loopback clients only, no Lever auth).

GET  /                            summary (seed, counts, URLs)
GET  /stats                       requests per endpoint, 429s served; POST /stats/reset
GET|POST|DELETE /faults           list, replace ({"spec": "..."} or rule list), clear
GET|PUT /rate-limit               {"rate", "burst", "retryAfter"}
POST /opportunities/{id}/stage    {"stage"}: move now (webhook)
POST /opportunities/{id}/archive  {"reason": id|null} (webhooks)
POST /opportunities/{id}/contact  {"name"}: rename the candidate's contact (contactUpdated)
POST /opportunities/{id}/anonymize  remove the candidate's personal data (isAnonymized; no webhook)
POST /applications               {"postingId"?, "name"?} -> {opportunityId}: a new applicant (applicationCreated)
DELETE /opportunities/{id}        delete (candidateDeleted)
GET  /interviews/upcoming         interviews the clock will complete next
POST /interviews/complete         {"opportunityId"?, "interviewId"?, "flaw"?: "auto"|null|kind} -> {draft, flaws}
POST /interviews/schedule         {"opportunityId"?} -> {opportunityId, panel} (interviewCreated)
DELETE /opportunities/{id}/interviews/{interview id}   remove it (interviewDeleted)
POST /templates/drift             {"templateId"?, "kind"?: "change"|"reword"} -> the new template version
POST /clock/tick                  one clock tick now
GET  /drafts                      drafts produced so far [{draft, flaws}]
GET  /feedback/{opportunity id}   every form incl. unsubmitted drafts
GET  /deliveries                  webhook and draft deliveries with their attempts
GET  /examples                    handy ids for tests (an interview with an active interviewer, ...)
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from lever_desktop.lever.urls import is_loopback  # the one URL policy: 127.0.0.0/8 and ::1
from lever_desktop.sandbox import drafts as drafting
from lever_desktop.sandbox import templates as tpl
from lever_desktop.sandbox.faults import FaultSpecError, parse_rules
from lever_desktop.sandbox.http import error_response, json_body

Handler = Callable[[Request], Awaitable[Response]]


def admin(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def guarded(request: Request) -> Response:
        if request.client is None or not is_loopback(request.client.host):
            return error_response(403, "Forbidden", "the sandbox admin API answers loopback clients only")
        try:
            return await handler(request)
        except (LookupError, ValueError) as e:  # FaultSpecError is a ValueError
            return error_response(400 if isinstance(e, ValueError) else 404, "BadRequestError", str(e))

    return guarded


def _services(request: Request):
    return request.app.state.services


def _row(request: Request, opportunity_id: str | None) -> int | None:
    if opportunity_id is None:
        return None
    row = _services(request).state.row(opportunity_id)
    if row is None:
        raise LookupError(f"no opportunity {opportunity_id}")
    return row


async def _obj(request: Request) -> dict[str, Any]:
    body = await json_body(request)
    if body is None:
        return {}
    if not isinstance(body, dict):
        raise ValueError("expected a JSON object")
    return body


@admin
async def summary(request: Request) -> Response:
    s = _services(request)
    root = s.root_url()
    return JSONResponse(
        {
            "baseUrl": root + "/v1",
            "adminUrl": root + "/_sandbox",
            "seed": s.state.seed,
            "opportunities": s.state.opps.count,
            "relayUrl": s.relay_url,
            "clockTicks": s.background.ticks,
        }
    )


@admin
async def stats(request: Request) -> Response:
    st = _services(request).state
    with st.lock:
        counts = dict(st.requests)
        limited = st.rate_limited
    return JSONResponse({"requests": counts, "total": sum(counts.values()), "rateLimited": limited})


@admin
async def reset_stats(request: Request) -> Response:
    st = _services(request).state
    with st.lock:
        st.requests.clear()
        st.rate_limited = 0
    return Response(status_code=204)


@admin
async def faults(request: Request) -> Response:
    f = _services(request).faults
    if request.method == "POST":
        try:
            f.replace(parse_rules(await json_body(request)))
        except FaultSpecError as e:
            raise ValueError(str(e)) from None
    elif request.method == "DELETE":
        f.replace([])
    return JSONResponse([r.to_json() for r in f.rules])


@admin
async def rate_limit(request: Request) -> Response:
    limiter = _services(request).limiter
    if request.method == "PUT":
        body = await _obj(request)
        limiter.configure(body.get("rate"), body.get("burst"), body.get("retryAfter"))
    return JSONResponse({"rate": limiter.rate, "burst": limiter.burst, "retryAfter": limiter.retry_after})


def _on_opportunity(act: Callable[[Any, int, dict[str, Any]], None]) -> Handler:
    """A route that changes one opportunity: ``act(activity, row, body)``, then 204."""

    @admin
    async def handler(request: Request) -> Response:
        row = _row(request, request.path_params["id"])
        assert row is not None  # a path always names an opportunity
        act(_services(request).activity, row, await _obj(request))
        return Response(status_code=204)

    return handler


move_stage = _on_opportunity(lambda activity, row, body: activity.change_stage(row, str(body.get("stage"))))
archive = _on_opportunity(lambda activity, row, body: activity.set_archived(row, body.get("reason")))
rename_contact = _on_opportunity(lambda activity, row, body: activity.rename_contact(row, body.get("name")))
anonymize = _on_opportunity(lambda activity, row, _body: activity.anonymize(row))


@admin
async def new_application(request: Request) -> Response:
    body = await _obj(request)
    server = _services(request)
    row = server.activity.new_application(body.get("postingId"), body.get("name"))
    return JSONResponse({"opportunityId": server.state.opps.id_of(row)}, status_code=201)


@admin
async def delete_interview(request: Request) -> Response:
    row = _row(request, request.path_params["id"])
    _services(request).activity.delete_interview(row, request.path_params["interview"])
    return Response(status_code=204)


@admin
async def delete_opportunity(request: Request) -> Response:
    _services(request).activity.delete(_row(request, request.path_params["id"]))
    return Response(status_code=204)


@admin
async def upcoming(request: Request) -> Response:
    st = _services(request).state
    return JSONResponse(
        [
            {"opportunityId": st.opps.id_of(r), "panelId": p["id"], "interviewId": iv["id"], "date": iv["date"]}
            for r, p, iv in _services(request).activity.upcoming()
        ]
    )


@admin
async def complete(request: Request) -> Response:
    body = await _obj(request)
    flaw = body.get("flaw", "auto")
    if flaw not in (None, "auto", *drafting.FLAWS):
        raise ValueError(f"flaw must be null, 'auto' or one of {drafting.FLAWS}")
    row = _row(request, body.get("opportunityId"))
    return JSONResponse(_services(request).activity.complete_interview(row, body.get("interviewId"), flaw))


@admin
async def schedule(request: Request) -> Response:
    body = await _obj(request)
    row, panel = _services(request).activity.schedule_interview(_row(request, body.get("opportunityId")))
    return JSONResponse({"opportunityId": _services(request).state.opps.id_of(row), "panel": panel})


@admin
async def drift(request: Request) -> Response:
    body = await _obj(request)
    return JSONResponse(
        tpl.public_view(_services(request).activity.drift_template(body.get("templateId"), body.get("kind", "change")))
    )


@admin
async def tick(request: Request) -> Response:
    _services(request).background.tick()
    return Response(status_code=204)


@admin
async def list_drafts(request: Request) -> Response:
    st = _services(request).state
    with st.lock:
        return JSONResponse(list(st.drafts))


@admin
async def all_feedback(request: Request) -> Response:
    st = _services(request).state
    row = _row(request, request.path_params["id"])
    with st.lock:
        return JSONResponse([st.feedback_view(f) for f in st.details_of(row).feedback])


@admin
async def deliveries(request: Request) -> Response:
    st = _services(request).state
    with st.lock:
        return JSONResponse(
            [{k: v for k, v in d.items() if k not in ("due", "sending", "headers")} for d in st.deliveries]
        )


@admin
async def examples(request: Request) -> Response:
    from lever_desktop.sandbox.examples import examples as build

    return JSONResponse(build(_services(request).state))


ROUTES = [
    Route("/", summary),
    Route("/stats", stats),
    Route("/stats/reset", reset_stats, methods=["POST"]),
    Route("/faults", faults, methods=["GET", "POST", "DELETE"]),
    Route("/rate-limit", rate_limit, methods=["GET", "PUT"]),
    Route("/opportunities/{id}/stage", move_stage, methods=["POST"]),
    Route("/opportunities/{id}/archive", archive, methods=["POST"]),
    Route("/opportunities/{id}/contact", rename_contact, methods=["POST"]),
    Route("/opportunities/{id}/anonymize", anonymize, methods=["POST"]),
    Route("/applications", new_application, methods=["POST"]),
    Route("/opportunities/{id}/interviews/{interview}", delete_interview, methods=["DELETE"]),
    Route("/opportunities/{id}", delete_opportunity, methods=["DELETE"]),
    Route("/interviews/upcoming", upcoming),
    Route("/interviews/complete", complete, methods=["POST"]),
    Route("/interviews/schedule", schedule, methods=["POST"]),
    Route("/templates/drift", drift, methods=["POST"]),
    Route("/clock/tick", tick, methods=["POST"]),
    Route("/drafts", list_drafts),
    Route("/feedback/{id}", all_feedback),
    Route("/deliveries", deliveries),
    Route("/examples", examples),
]
