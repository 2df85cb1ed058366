"""Read endpoints and their filters, over loopback HTTP."""

from __future__ import annotations

import time

import httpx
import pytest
from sandbox_http import client, walk

from lever_desktop.sandbox.server import SandboxServer


@pytest.fixture
def lever(sandbox):
    with client(sandbox) as c:
        yield c


def test_opportunity_records_have_levers_fields(lever):
    opp = lever.get("/opportunities", params={"limit": 1}).json()["data"][0]
    for key in (
        "id",
        "name",
        "contact",
        "emails",
        "phones",
        "stage",
        "stageChanges",
        "archived",
        "tags",
        "owner",
        "followers",
        "applications",
        "confidentiality",
        "createdAt",
        "updatedAt",
        "urls",
    ):
        assert key in opp
    assert isinstance(opp["stage"], str) and isinstance(opp["owner"], str)


def test_expand_inlines_objects_and_rejects_unknown_ones(lever):
    plain = lever.get("/opportunities", params={"limit": 3}).json()["data"]
    rich = lever.get(
        "/opportunities", params={"limit": 3, "expand": ["stage", "owner", "followers", "applications"]}
    ).json()["data"]
    for p, r in zip(plain, rich):
        assert r["stage"]["id"] == p["stage"] and "text" in r["stage"]
        assert r["owner"]["id"] == p["owner"] and "email" in r["owner"]
        assert [f["id"] for f in r["followers"]] == p["followers"]
        assert r["applications"][0]["id"] == p["applications"][0] and r["applications"][0]["posting"]
    assert lever.get("/opportunities", params={"expand": "everything"}).status_code == 400


def test_filters_select_exactly_the_matching_opportunities(lever):
    everything = walk(lever, "/opportunities", {"confidentiality": "all"})
    visible = walk(lever, "/opportunities")
    assert all(o["confidentiality"] == "non-confidential" for o in visible)
    assert len(walk(lever, "/opportunities", {"confidentiality": "confidential"})) == len(everything) - len(visible)

    archived = walk(lever, "/opportunities", {"archived": "true"})
    assert archived and all(o["archived"] for o in archived)
    assert all(not o["archived"] for o in walk(lever, "/opportunities", {"archived": "false"}))

    stages = sorted({o["stage"] for o in visible})[:2]
    by_stage = walk(lever, "/opportunities", [("stage_id", s) for s in stages])
    assert {o["stage"] for o in by_stage} == set(stages)
    assert len(by_stage) == sum(o["stage"] in stages for o in visible)

    ts = sorted(o["updatedAt"] for o in visible if o["updatedAt"])
    lo, hi = ts[len(ts) // 4], ts[3 * len(ts) // 4]
    window = walk(lever, "/opportunities", {"updated_at_start": lo, "updated_at_end": hi})
    assert window and all(lo <= o["updatedAt"] <= hi for o in window)  # inclusive, nulls excluded
    assert len(window) == sum(1 for o in visible if o["updatedAt"] and lo <= o["updatedAt"] <= hi)

    created = walk(lever, "/opportunities", {"created_at_start": visible[10]["createdAt"]})
    assert [o["id"] for o in created] == [o["id"] for o in visible[10:]]

    email = visible[3]["emails"][0]
    assert [o["id"] for o in walk(lever, "/opportunities", {"email": email})] == [visible[3]["id"]]
    tagged = [o for o in visible if o["tags"]]
    tag = tagged[0]["tags"][0]
    assert {o["id"] for o in walk(lever, "/opportunities", {"tag": tag})} == {
        o["id"] for o in visible if tag in o["tags"]
    }
    with_apps = walk(lever, "/opportunities", {"expand": "applications"})
    posting = with_apps[0]["applications"][0]["posting"]
    by_posting = walk(lever, "/opportunities", {"posting_id": posting, "expand": "applications"})
    assert by_posting and all(o["applications"][0]["posting"] == posting for o in by_posting)
    assert len(by_posting) == sum(o["applications"][0]["posting"] == posting for o in with_apps)
    assert lever.get("/opportunities", params={"posting_id": "nope"}).json()["data"] == []
    assert lever.get("/opportunities", params={"archived": "yes"}).status_code == 400


def test_builtin_stages_have_slug_ids(lever):
    ids = [s["id"] for s in lever.get("/stages").json()["data"]]
    assert {"lead-new", "applicant-new"} <= set(ids) and any(len(i) == 36 for i in ids)


def test_deleted_opportunities_are_tombstones(sandbox_factory):
    s = sandbox_factory(opportunities=300)
    with client(s) as c:
        gone = walk(c, "/opportunities/deleted")
        assert gone and set(gone[0]) == {"id", "deletedAt", "deletedBy"}
        assert c.get(f"/opportunities/{gone[0]['id']}").status_code == 404
        later = walk(c, "/opportunities/deleted", {"deleted_at_start": gone[-1]["deletedAt"]})
        assert [t["id"] for t in later] == [gone[-1]["id"]]


def test_panels_and_interviews_per_opportunity(sandbox, lever):
    ex = lever.get(sandbox.admin_url + "/examples").json()["interview"]
    opp = ex["opportunityId"]
    panels = lever.get(f"/opportunities/{opp}/panels").json()["data"]
    panel = next(p for p in panels if p["id"] == ex["panelId"])
    assert {"start", "end", "timezone", "interviews", "externallyManaged"} <= set(panel)
    assert ex["interviewerId"] in {i["id"] for iv in panel["interviews"] for i in iv["interviewers"]}
    interviews = lever.get(f"/opportunities/{opp}/interviews").json()["data"]
    iv = next(i for i in interviews if i["id"] == ex["interviewId"])
    assert iv["panel"] == panel["id"] and "feedbackForms" in iv and iv["feedbackTemplate"]
    assert lever.get(f"/opportunities/{opp}/panels/{panel['id']}").json()["data"]["id"] == panel["id"]


def test_postings_filters(lever):
    everything = walk(lever, "/postings", {"confidentiality": "all"})
    assert {p["state"] for p in everything} >= {"published", "internal", "closed", "draft", "pending", "rejected"}
    published = walk(lever, "/postings", [("distributionChannel", "public"), ("distributionChannel", "internal")])
    assert published and all(set(p["distributionChannels"]) & {"public", "internal"} for p in published)
    assert all(p["state"] == "closed" for p in walk(lever, "/postings", {"state": "closed"}))
    assert lever.get("/postings", params={"updated_at_start": 1, "confidentiality": "all"}).status_code == 200
    assert lever.get("/postings", params={"updated_at_start": 1, "state": "published"}).status_code == 400


def test_users_roles_and_deactivated(lever):
    active = walk(lever, "/users")
    everyone = walk(lever, "/users", {"includeDeactivated": "true"})
    assert all(u["deactivatedAt"] is None for u in active) and len(everyone) > len(active)
    assert {u["accessRole"] for u in everyone} == {
        "super admin",
        "admin",
        "team member",
        "limited team member",
        "interviewer",
    }
    one = lever.get("/users", params={"email": active[2]["email"]}).json()["data"]
    assert [u["id"] for u in one] == [active[2]["id"]]


def test_archive_reasons_both_types(lever):
    reasons = walk(lever, "/archive_reasons")
    assert {r["type"] for r in reasons} == {"hired", "non-hired"}
    assert all(set(r) >= {"id", "text", "status", "type"} for r in reasons)


def test_templates_cover_every_field_type_and_no_feedback(lever):
    templates = walk(lever, "/feedback_templates")
    types = {f["type"] for t in templates for f in t["fields"]}
    assert types >= {
        "text",
        "textarea",
        "code",
        "date",
        "dropdown",
        "multiple-choice",
        "multiple-select",
        "score-system",
        "score",
        "scorecard",
        "yes-no",
        "currency",
    }
    assert "file-upload" in types  # one type the app does not know
    assert any(t["text"] == "No Feedback" for t in templates)
    for t in templates:
        if t["text"] != "No Feedback":
            assert sum(f["type"] == "score-system" for f in t["fields"]) == 1
        assert lever.get(f"/feedback_templates/{t['id']}").json()["data"]["id"] == t["id"]
    assert any(
        f["required"] in (0, 1) and not isinstance(f["required"], bool) for t in templates for f in t["fields"]
    )  # Lever's 1/0 appears too


def test_100k_opportunities_start_in_seconds():
    started = time.perf_counter()
    with SandboxServer(opportunities=100_000, rate=1e6, burst=10**6) as s:
        ready = time.perf_counter() - started
        with httpx.Client(base_url=s.base_url, auth=(s.api_key, "")) as c:
            body = c.get("/opportunities", params={"updated_at_start": 1}).json()
            assert len(body["data"]) == 100 and body["hasNext"]
    assert ready < 5.0, f"100,000 opportunities took {ready:.2f}s to start"
