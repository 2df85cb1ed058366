"""Feedback: the full validation of LEVER_API.md, drafts without completedAt, edits, deletes."""

from __future__ import annotations

import logging
import random

import pytest
from helpers.sandbox_fixtures import FAST_DEFAULTS
from sandbox_http import client

from lever_desktop.sandbox.drafts import sample_value
from lever_desktop.sandbox.server import SandboxServer

NOW = 1_760_000_000_000


@pytest.fixture(scope="module")
def shared_sandbox():
    """One sandbox for this module: these tests only add forms, and starting one per test is slow."""
    with SandboxServer(**FAST_DEFAULTS) as server:
        yield server


@pytest.fixture(scope="module")
def ctx(shared_sandbox):
    sandbox = shared_sandbox
    with client(sandbox) as c:
        ex = c.get(sandbox.admin_url + "/examples").json()
        iv = ex["everyFieldTypeInterview"]
        template = c.get(f"/feedback_templates/{iv['templateId']}").json()["data"]
        yield c, ex, iv, template


def valid_values(template, only_required=False):
    rng = random.Random(3)
    return [
        {"id": f["id"], "value": sample_value(f, rng, NOW)}
        for f in template["fields"]
        if sample_value(f, random.Random(0), NOW) is not None and (f["required"] or not only_required)
    ]


def body_for(iv, template, values=None, **extra):
    body = {
        "baseTemplateId": template["id"],
        "panel": iv["panelId"],
        "interview": iv["interviewId"],
        "completedAt": NOW,
        "fieldValues": valid_values(template) if values is None else values,
    }
    body.update(extra)
    return {k: v for k, v in body.items() if v is not ...}


def post(c, iv, body, perform_as=None):
    return c.post(
        f"/opportunities/{iv['opportunityId']}/feedback",
        params={"perform_as": perform_as or iv["interviewerId"]},
        json=body,
    )


def field_of(template, type_, **having):
    return next(
        f for f in template["fields"] if f["type"] == type_ and all(bool(f.get(k)) == v for k, v in having.items())
    )


def test_a_complete_valid_form_is_accepted_and_read_back_like_lever(ctx):
    c, ex, iv, template = ctx
    before = c.get(f"/opportunities/{iv['opportunityId']}").json()["data"]["updatedAt"]
    r = post(c, iv, body_for(iv, template))
    assert r.status_code == 201, r.text
    created = r.json()["data"]
    forms = c.get(f"/opportunities/{iv['opportunityId']}/feedback").json()["data"]
    form = next(f for f in forms if f["id"] == created["id"])
    assert form["baseTemplateId"] == template["id"] and form["user"] == iv["interviewerId"]
    assert (form["panel"], form["interview"], form["completedAt"]) == (iv["panelId"], iv["interviewId"], NOW)
    assert form["type"] == "interview" and form["deletedAt"] is None and form["text"] == template["text"]
    sent = {v["id"]: v["value"] for v in valid_values(template)}
    for field in form["fields"]:
        assert {"id", "type", "text", "required", "value"} <= set(field)
        assert field["value"] == sent.get(field["id"])
    # Feedback does not move the opportunity's updatedAt.
    assert c.get(f"/opportunities/{iv['opportunityId']}").json()["data"]["updatedAt"] == before


def test_every_post_creates_a_new_form(ctx):
    c, ex, iv, template = ctx
    ids = {post(c, iv, body_for(iv, template)).json()["data"]["id"] for _ in range(2)}
    assert len(ids) == 2


def test_perform_as_is_required_and_must_be_an_active_user(ctx, caplog):
    c, ex, iv, template = ctx
    r = c.post(f"/opportunities/{iv['opportunityId']}/feedback", json=body_for(iv, template))
    assert r.status_code == 400 and r.json()["message"] == "Missing required parameter: perform_as"
    with caplog.at_level(logging.INFO, logger="lever_desktop.sandbox"):
        r = post(c, iv, body_for(iv, template), perform_as=ex["deactivatedUserId"])
    assert r.status_code == 400 and r.json()["message"] == "Unable to create feedback"
    assert "deactivated" in caplog.text
    assert post(c, iv, body_for(iv, template), perform_as="no-such-user").status_code == 400


@pytest.mark.parametrize(
    "change",
    [
        {"baseTemplateId": ...},
        {"baseTemplateId": "nope"},
        {"panel": ...},
        {"interview": ...},
        {"interview": "not-an-interview"},
        {"completedAt": "2024-01-01"},
        {"completedAt": True},
        {"fieldValues": {"not": "a list"}},
    ],
)
@pytest.mark.logs_warnings("the sandbox logs the forms it rejects")
def test_body_rules(ctx, change):
    c, ex, iv, template = ctx
    r = post(c, iv, body_for(iv, template, **change))
    assert r.status_code == 400 and r.json() == {"code": "BadRequestError", "message": "Unable to create feedback"}


@pytest.mark.logs_warnings("the sandbox logs the forms it rejects")
def test_fields_instead_of_fieldvalues_and_no_feedback_template_are_refused(ctx):
    c, ex, iv, template = ctx
    body = body_for(iv, template)
    body["fields"] = body.pop("fieldValues")
    assert post(c, iv, body).status_code == 400
    no_fb = {"baseTemplateId": ex["noFeedbackTemplateId"], "completedAt": NOW, "fieldValues": []}
    assert post(c, iv, no_fb).status_code == 400


def test_feedback_without_panel_and_interview_is_fine(ctx):
    c, ex, iv, template = ctx
    assert post(c, iv, body_for(iv, template, panel=..., interview=...)).status_code == 201


BAD_VALUES = [
    ("text", {}, 42),
    ("text", {}, ""),
    ("text", {}, "null"),
    ("textarea", {}, None),
    ("code", {}, ["x"]),
    ("date", {}, "2025-01-01"),
    ("date", {}, 1.5e12),
    ("date", {}, True),
    ("dropdown", {}, "senior"),
    ("dropdown", {}, 2),
    ("multiple-choice", {}, "Platform "),
    ("multiple-select", {}, "Python"),
    ("multiple-select", {}, []),
    ("multiple-select", {}, ["Python", "Cobol"]),
    ("multiple-select", {}, ["Go", "Go"]),
    ("score-system", {}, "3"),
    ("score-system", {}, 3),
    ("score-system", {}, "3 - hire"),
    ("score", {"options": False}, 5),
    ("score", {"options": False}, 0),
    ("score", {"options": False}, "4"),
    ("score", {"options": False}, 2.5),
    ("score", {"options": True}, 3),
    ("scorecard", {}, [{"score": 3, "comment": "ok"}]),
    ("scorecard", {}, [{"score": 0, "comment": ""}] * 2),
    ("scorecard", {}, [{"score": 3}] * 2),
    ("scorecard", {}, [3, 4]),
    ("scorecard", {}, [{"score": 5, "comment": ""}] * 2),
    ("yes-no", {}, "Yes"),
    ("yes-no", {}, True),
    ("currency", {}, "100"),
    ("currency", {}, False),
    ("currency", {}, -5),
    ("file-upload", {}, "anything"),
]


@pytest.mark.parametrize("type_,having,value", BAD_VALUES)
def test_every_value_is_checked_against_its_field_type(ctx, type_, having, value, caplog):
    c, ex, iv, template = ctx
    if type_ == "file-upload":
        iv = {**iv, "panelId": None, "interviewId": None}
        template = c.get(f"/feedback_templates/{ex['unknownFieldTypeTemplateId']}").json()["data"]
    field = field_of(template, type_, **having)
    values = [v for v in valid_values(template) if v["id"] != field["id"]] + [{"id": field["id"], "value": value}]
    body = body_for(iv, template, values)
    if iv["panelId"] is None:
        body.pop("panel"), body.pop("interview")
    with caplog.at_level(logging.INFO, logger="lever_desktop.sandbox"):
        r = post(c, iv, body, perform_as=ex["interview"]["interviewerId"])
    assert r.status_code == 400 and r.json()["message"] == "Unable to create feedback"
    assert field["id"] in caplog.text  # the exact reason is in the sandbox log


@pytest.mark.parametrize(
    "type_,having,value",
    [
        ("score", {"options": False}, None),
        ("score", {"options": True}, "3 - Good"),
        ("scorecard", {}, [{"score": 1, "comment": ""}, {"score": 4, "comment": "great"}]),
        ("date", {}, NOW),
        ("currency", {}, 99500.5),
        ("multiple-select", {}, ["Rust", "Go"]),
    ],
)
def test_edge_values_that_are_valid(ctx, type_, having, value):
    c, ex, iv, template = ctx
    field = field_of(template, type_, **having)
    values = [v for v in valid_values(template) if v["id"] != field["id"]] + [{"id": field["id"], "value": value}]
    # "Culture add" (score) is required: null is fine only in an unsubmitted draft.
    extra = {"completedAt": ...} if value is None else {}
    assert post(c, iv, body_for(iv, template, values, **extra)).status_code == 201


@pytest.mark.logs_warnings("the sandbox logs the forms it rejects")
def test_unknown_or_repeated_field_ids_are_refused(ctx):
    c, ex, iv, template = ctx
    good = valid_values(template)
    assert post(c, iv, body_for(iv, template, good + [{"id": "nope", "value": "x"}])).status_code == 400
    assert post(c, iv, body_for(iv, template, good + [good[0]])).status_code == 400


@pytest.mark.logs_warnings("the sandbox logs the forms it rejects")
def test_required_fields_enforced_only_when_completed(shared_sandbox, ctx):
    c, ex, iv, template = ctx
    sandbox = shared_sandbox
    partial = [
        v for v in valid_values(template) if not next(f for f in template["fields"] if f["id"] == v["id"])["required"]
    ]
    assert post(c, iv, body_for(iv, template, partial)).status_code == 400
    r = post(c, iv, body_for(iv, template, partial, completedAt=...))
    assert r.status_code == 201 and r.json()["data"]["completedAt"] is None
    draft_id = r.json()["data"]["id"]
    # An unsubmitted draft: invisible to GET .../feedback, visible to the admin API.
    listed = c.get(f"/opportunities/{iv['opportunityId']}/feedback").json()["data"]
    assert draft_id not in {f["id"] for f in listed}
    admin = c.get(f"{sandbox.admin_url}/feedback/{iv['opportunityId']}").json()
    assert draft_id in {f["id"] for f in admin}
    # Completing it later needs the required fields.
    url = f"/opportunities/{iv['opportunityId']}/feedback/{draft_id}"
    assert c.put(url, params={"perform_as": iv["interviewerId"]}, json={"completedAt": NOW}).status_code == 400
    r = c.put(
        url,
        params={"perform_as": iv["interviewerId"]},
        json={"completedAt": NOW, "fieldValues": valid_values(template, only_required=True)},
    )
    assert r.status_code == 200 and r.json()["data"]["completedAt"] == NOW
    listed = c.get(f"/opportunities/{iv['opportunityId']}/feedback").json()["data"]
    assert draft_id in {f["id"] for f in listed}


@pytest.mark.logs_warnings("the sandbox logs the forms it rejects")
def test_put_edits_and_delete_marks_deleted(ctx):
    c, ex, iv, template = ctx
    fid = post(c, iv, body_for(iv, template)).json()["data"]["id"]
    url = f"/opportunities/{iv['opportunityId']}/feedback/{fid}"
    text = field_of(template, "text")
    assert c.put(url, json={"fieldValues": [{"id": text["id"], "value": "Edited"}]}).status_code == 400
    r = c.put(
        url, params={"perform_as": iv["interviewerId"]}, json={"fieldValues": [{"id": text["id"], "value": "Edited"}]}
    )
    assert r.status_code == 200
    assert next(f for f in r.json()["data"]["fields"] if f["id"] == text["id"])["value"] == "Edited"
    bad = c.put(url, params={"perform_as": iv["interviewerId"]}, json={"fieldValues": [{"id": text["id"], "value": 1}]})
    assert bad.status_code == 400 and bad.json()["message"] == "Unable to update feedback"
    assert c.delete(url).status_code == 400
    assert c.delete(url, params={"perform_as": iv["interviewerId"]}).status_code == 204
    form = next(f for f in c.get(f"/opportunities/{iv['opportunityId']}/feedback").json()["data"] if f["id"] == fid)
    assert form["deletedAt"]
    assert c.delete(url, params={"perform_as": iv["interviewerId"]}).status_code == 404


def test_seeded_submitted_feedback_exists(sandbox):
    with client(sandbox) as c:
        ex = c.get(sandbox.admin_url + "/examples").json()["interview"]
        forms = c.get(f"/opportunities/{ex['opportunityId']}/feedback").json()["data"]
        assert forms and all(f["completedAt"] for f in forms)
        assert any(f["fields"] and any(x["value"] is not None for x in f["fields"]) for f in forms)
