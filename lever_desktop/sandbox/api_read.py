"""Read endpoints: opportunities, panels, interviews, postings, stages, users, ...

Stricter readings: an unknown ``expand`` or ``confidentiality`` value is a 400;
``archived``/``includeDeactivated`` accept only ``true``/``false``; on ``/postings``
the ``updated_at_*`` filters combine only with ``confidentiality`` (else 400).
"""

from __future__ import annotations

import bisect
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lever_desktop.sandbox import templates as tpl
from lever_desktop.sandbox.catalog import TAGS
from lever_desktop.sandbox.http import bad_request, bool_param, data, ms_param, not_found
from lever_desktop.sandbox.paging import page_of, scan_page
from lever_desktop.sandbox.state import SandboxState

EXPANDS = {"applications", "stage", "owner", "followers", "sourcedBy", "contact"}


def _state(request: Request) -> SandboxState:
    return request.app.state.sandbox


def opportunity_row(state: SandboxState, opportunity_id: str) -> int:
    row = state.row(opportunity_id)
    if row is None:
        raise not_found("Opportunity")
    return row


def _expands(params: Any) -> set[str]:
    wanted = set(params.getlist("expand"))
    unknown = wanted - EXPANDS
    if unknown:
        raise bad_request(f"Invalid value for parameter expand: {sorted(unknown)[0]}")
    return wanted


def render_opportunity(state: SandboxState, row: int, expand: set[str]) -> dict[str, Any]:
    opps, cat = state.opps, state.catalog
    rec = opps.record(row)
    users = {u["id"]: u for u in cat.users}
    if "stage" in expand:
        rec["stage"] = cat.stage(rec["stage"])
    if "owner" in expand:
        rec["owner"] = users.get(rec["owner"])
    if "followers" in expand:
        rec["followers"] = [users[f] for f in rec["followers"] if f in users]
    if "sourcedBy" in expand and rec["sourcedBy"]:
        rec["sourcedBy"] = users.get(rec["sourcedBy"])
    if "applications" in expand:
        rec["applications"] = [opps.application(row)]
    if "contact" in expand:
        rec["contact"] = opps.contact(row)
    return rec


def _opportunity_filter(state: SandboxState, params: Any):
    opps = state.opps
    upd_lo, upd_hi = ms_param(params, "updated_at_start"), ms_param(params, "updated_at_end")
    cre_lo, cre_hi = ms_param(params, "created_at_start"), ms_param(params, "created_at_end")
    archived = bool_param(params, "archived")
    conf = params.get("confidentiality", "non-confidential")
    if conf not in ("non-confidential", "confidential", "all"):
        raise bad_request("Invalid value for parameter confidentiality")
    stage_ids = params.getlist("stage_id")
    stages = {i for i, s in enumerate(state.catalog.stages) if s["id"] in stage_ids}
    posting_ids = params.getlist("posting_id")
    postings = {i for i, p in enumerate(state.catalog.postings) if p["id"] in posting_ids}
    tags = params.getlist("tag")
    tag_mask = sum(1 << b for b, t in enumerate(TAGS) if t in tags)
    emails = {e.lower() for e in params.getlist("email")}

    def match(row: int) -> bool:
        if row in state.deleted_rows:
            return False
        if conf != "all" and opps.confidential[row] != (conf == "confidential"):
            return False
        if upd_lo is not None or upd_hi is not None:
            u = opps.updated[row]
            if u is None or (upd_lo is not None and u < upd_lo) or (upd_hi is not None and u > upd_hi):
                return False
        c = opps.created[row]
        if (cre_lo is not None and c < cre_lo) or (cre_hi is not None and c > cre_hi):
            return False
        if archived is not None and (opps.archive[row] >= 0) != archived:
            return False
        if stage_ids and opps.stage[row] not in stages:
            return False
        if posting_ids and opps.posting[row] not in postings:
            return False
        if tags and not opps.tags[row] & tag_mask:
            return False
        return not emails or opps.email(row) in emails

    return match


async def list_opportunities(request: Request) -> JSONResponse:
    state, params = _state(request), request.query_params
    expand = _expands(params)
    match = _opportunity_filter(state, params)
    opps = state.opps
    with state.lock:
        body = scan_page(
            request.url.path,
            params,
            opps.count,
            key=lambda r: (opps.created[r], opps.id_of(r)),
            match=match,
            render=lambda r: render_opportunity(state, r, expand),
            first_row=lambda after: bisect.bisect_right(opps.created, after[0]) if after else 0,
        )
    return JSONResponse(body)


async def get_opportunity(request: Request) -> JSONResponse:
    state = _state(request)
    expand = _expands(request.query_params)
    row = opportunity_row(state, request.path_params["id"])
    return data(render_opportunity(state, row, expand))


async def list_deleted(request: Request) -> JSONResponse:
    state, params = _state(request), request.query_params
    lo, hi = ms_param(params, "deleted_at_start"), ms_param(params, "deleted_at_end")
    items = [t for t in state.deleted if (lo is None or t["deletedAt"] >= lo) and (hi is None or t["deletedAt"] <= hi)]
    return JSONResponse(page_of(request.url.path, params, items, key=lambda t: (t["deletedAt"], t["id"])))


async def list_panels(request: Request) -> JSONResponse:
    state = _state(request)
    row = opportunity_row(state, request.path_params["id"])
    panels = state.details_of(row).panels
    return JSONResponse(page_of(request.url.path, request.query_params, panels, key=lambda p: (p["start"], p["id"])))


async def get_panel(request: Request) -> JSONResponse:
    state = _state(request)
    row = opportunity_row(state, request.path_params["id"])
    panel = next((p for p in state.details_of(row).panels if p["id"] == request.path_params["panel_id"]), None)
    if panel is None:
        raise not_found("Panel")
    return data(panel)


async def list_interviews(request: Request) -> JSONResponse:
    state = _state(request)
    row = opportunity_row(state, request.path_params["id"])
    views = [state.interview_view(row, p, iv) for p in state.details_of(row).panels for iv in p["interviews"]]
    return JSONResponse(page_of(request.url.path, request.query_params, views, key=lambda i: (i["date"], i["id"])))


async def get_interview(request: Request) -> JSONResponse:
    state = _state(request)
    row = opportunity_row(state, request.path_params["id"])
    found = state.find_interview(row, request.path_params["interview_id"])
    if found is None:
        raise not_found("Interview")
    return data(state.interview_view(row, *found))


async def list_postings(request: Request) -> JSONResponse:
    state, params = _state(request), request.query_params
    lo, hi = ms_param(params, "updated_at_start"), ms_param(params, "updated_at_end")
    allowed = {"updated_at_start", "updated_at_end", "confidentiality", "limit", "offset", "expand", "include"}
    others = {k for k in params if k not in allowed}
    if (lo is not None or hi is not None) and others:
        raise bad_request("updated_at_start/updated_at_end can only be combined with confidentiality")
    states = set(params.getlist("state"))
    channels = set(params.getlist("distributionChannel"))
    conf = params.get("confidentiality", "non-confidential")
    if conf not in ("non-confidential", "confidential", "all"):
        raise bad_request("Invalid value for parameter confidentiality")
    items = [
        p
        for p in state.catalog.postings
        if (not states or p["state"] in states)
        and (not channels or channels & set(p["distributionChannels"]))
        and (conf == "all" or p["confidentiality"] == conf)
        and (lo is None or p["updatedAt"] >= lo)
        and (hi is None or p["updatedAt"] <= hi)
    ]
    return JSONResponse(page_of(request.url.path, params, items, key=lambda p: (p["createdAt"], p["id"])))


async def get_posting(request: Request) -> JSONResponse:
    posting = next((p for p in _state(request).catalog.postings if p["id"] == request.path_params["id"]), None)
    if posting is None:
        raise not_found("Posting")
    return data(posting)


async def list_stages(request: Request) -> JSONResponse:
    stages = _state(request).catalog.stages
    order = {s["id"]: i for i, s in enumerate(stages)}
    return JSONResponse(
        page_of(request.url.path, request.query_params, stages, key=lambda s: (order[s["id"]], s["id"]))
    )


async def list_users(request: Request) -> JSONResponse:
    state, params = _state(request), request.query_params
    include = bool_param(params, "includeDeactivated")
    emails = {e.lower() for e in params.getlist("email")}
    items = [
        u
        for u in state.catalog.users
        if (include or u["deactivatedAt"] is None) and (not emails or u["email"].lower() in emails)
    ]
    return JSONResponse(page_of(request.url.path, params, items, key=lambda u: (u["createdAt"], u["id"])))


async def get_user(request: Request) -> JSONResponse:
    user = _state(request).catalog.user(request.path_params["id"])
    if user is None:
        raise not_found("User")
    return data(user)


async def list_archive_reasons(request: Request) -> JSONResponse:
    params = request.query_params
    kind = params.get("type")
    items = [r for r in _state(request).catalog.archive_reasons if kind is None or r["type"] == kind]
    order = {r["id"]: i for i, r in enumerate(items)}
    return JSONResponse(page_of(request.url.path, params, items, key=lambda r: (order[r["id"]], r["id"])))


async def list_templates(request: Request) -> JSONResponse:
    state = _state(request)
    with state.lock:
        items = [tpl.public_view(t) for t in state.templates.values()]
    return JSONResponse(page_of(request.url.path, request.query_params, items, key=lambda t: (t["createdAt"], t["id"])))


async def get_template(request: Request) -> JSONResponse:
    state = _state(request)
    t = state.templates.get(request.path_params["id"])
    if t is None:
        raise not_found("Feedback template")
    return data(tpl.public_view(t))


ROUTES = [
    Route("/opportunities", list_opportunities),
    Route("/opportunities/deleted", list_deleted),
    Route("/opportunities/{id}", get_opportunity),
    Route("/opportunities/{id}/panels", list_panels),
    Route("/opportunities/{id}/panels/{panel_id}", get_panel),
    Route("/opportunities/{id}/interviews", list_interviews),
    Route("/opportunities/{id}/interviews/{interview_id}", get_interview),
    Route("/postings", list_postings),
    Route("/postings/{id}", get_posting),
    Route("/stages", list_stages),
    Route("/users", list_users),
    Route("/users/{id}", get_user),
    Route("/archive_reasons", list_archive_reasons),
    Route("/feedback_templates", list_templates),
    Route("/feedback_templates/{id}", get_template),
]
