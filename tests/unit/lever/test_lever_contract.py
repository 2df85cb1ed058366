"""Contract: each endpoint the app reads, in the response shapes of Lever's docs, through the code the app runs.

The fixtures (tests/fixtures/lever/) follow Lever's documented responses and LEVER_API.md, not
our sandbox: envelopes, ``expand``ed and bare references, nulls, 1/0 flags, unknown keys. Each
goes through the writer the sync engine uses for that endpoint (``walk.RESOURCES``, or the
engine's per-opportunity and per-template writes) into a real SQLite cache.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import httpx
import pytest

from lever_desktop.lever import models
from lever_desktop.lever.envelope import unwrap
from lever_desktop.store import Store, cache
from lever_desktop.sync import walk

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "lever"
NOW = 1_800_000_000_000
TEMPLATE_ID = "4a9b0b48-4c4e-4b7a-9f0b-38f1b1d7e6aa"


def fixture(name: str):
    return unwrap(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


@pytest.fixture
def store():
    s = Store.open()
    yield s
    s.close()


def rows(store: Store, sql: str, *args) -> list[tuple]:
    return store.call_sync(lambda c: [tuple(r) for r in c.exec_driver_sql(sql, args)])


def sync_write(store: Store, resource: str, records: list[dict]) -> int:
    """What a walk stores for one page of ``resource`` (the writer the sync engine calls)."""
    return store.call_sync(walk.BY_NAME[resource].write, records, NOW)


def test_every_endpoint_the_app_calls_has_a_fixture():
    paths = {r.path for r in walk.RESOURCES} | {
        "/feedback_templates/:id",
        "/opportunities/:id/panels",
        "/opportunities/:id/interviews",
        "/opportunities/:id/feedback",
    }
    by_path = {
        "/stages": "stages",
        "/users": "users",
        "/archive_reasons": "archive_reasons",
        "/postings": "postings",
        "/feedback_templates": "feedback_templates",
        "/opportunities": "opportunities",
        "/opportunities/deleted": "deleted_opportunities",
        "/feedback_templates/:id": "feedback_template",
        "/opportunities/:id/panels": "panels",
        "/opportunities/:id/interviews": "interviews",
        "/opportunities/:id/feedback": "feedback",
    }
    assert paths == set(by_path)
    assert all((FIXTURES / f"{name}.json").is_file() for name in by_path.values())


def test_opportunities(store):
    assert sync_write(store, "opportunities", fixture("opportunities.json")) == 2
    full, old = rows(
        store,
        "SELECT id, name, stage_id, owner_id, contact_id, email, phone, location, "
        "archived_reason_id, archived_at, updated_at, tags, raw FROM opportunities ORDER BY created_at DESC",
    )
    assert full[:11] == (
        "250d8f03-738a-4bba-a671-8a3d73477145",
        "Shane Smith",
        "00922a60-7c15-422b-b086-f62000824fd7",
        "df0f7158-6f42-4e0d-a3f6-1b1c7b8a5c6e",
        "7f23e772-a9a8-4a4b-a5de-6a13c5d1d8f6",
        "shane@exampleq3.com",
        "(123) 456-7891",
        "Oakland",
        None,
        None,
        1407357023564,
    )
    assert json.loads(full[11])[0] == "San Francisco" and "someFieldLeverAddedLater" in json.loads(full[12])
    assert old[2:4] == ("applicant-new", None) and old[8:11] == (
        "63dd55b2-a99f-4e7b-985f-22c7bf80ab42",
        1417588008049,
        None,
    )
    # Bare application ids say nothing about postings: no links are invented.
    assert rows(store, "SELECT COUNT(*) FROM opportunity_postings") == [(0,)]
    [(o, _)] = models.parse(models.Opportunity, fixture("opportunities.json")[:1])
    assert o.is_anonymized is False and o.data_protection["store"]["allowed"] is True


def test_expanded_applications_link_postings(store):
    [record] = fixture("opportunities.json")[:1]
    record = {
        **record,
        "applications": [
            {"id": "a1", "posting": "f2f01e16-27f8-4711-a728-7d49499795a0"},
            {"id": "a2", "posting": None},
        ],
    }
    sync_write(store, "opportunities", [record])
    assert rows(store, "SELECT posting_id FROM opportunity_postings") == [("f2f01e16-27f8-4711-a728-7d49499795a0",)]


def test_deleted_opportunities(store):
    sync_write(store, "opportunities", fixture("opportunities.json"))
    [gone] = fixture("deleted_opportunities.json")
    assert sync_write(store, "tombstones", [gone]) == 1
    assert rows(store, "SELECT opportunity_id, deleted_at, deleted_by FROM tombstones") == [
        (gone["id"], 1731609025310, "df0f7158-6f42-4e0d-a3f6-1b1c7b8a5c6e")
    ]


def test_postings(store):
    assert sync_write(store, "postings", fixture("postings.json")) == 1
    [row] = rows(
        store,
        "SELECT text, state, team, department, location, commitment, level, workplace_type, "
        "hiring_manager_id, distribution_channels, updated_at FROM postings",
    )
    assert row == (
        "Customer Success Manager",
        "published",
        "Customer Success",
        "Operations",
        "San Francisco",
        "Full-time",
        "Senior",
        "hybrid",
        "df0f7158-6f42-4e0d-a3f6-1b1c7b8a5c6e",
        '["public","internal"]',
        1697585541000,
    )


def test_stages_users_archive_reasons(store):
    assert sync_write(store, "stages", fixture("stages.json")) == 3
    assert [s["id"] for s in store.call_sync(cache.list_stages)] == [
        "lead-new",
        "applicant-new",
        "00922a60-7c15-422b-b086-f62000824fd7",
    ]
    assert sync_write(store, "users", fixture("users.json")) == 2
    active = store.call_sync(cache.list_users)
    assert [(u.name, u.email) for u in active] == [("Chandler Bing", "chandler@exampleq3.com")]
    assert rows(store, "SELECT access_role, deactivated_at FROM users WHERE name = 'Rachel Green'") == [
        ("interviewer", 1700000000000)
    ]
    assert sync_write(store, "archive_reasons", fixture("archive_reasons.json")) == 2
    assert rows(store, "SELECT id, type FROM archive_reasons ORDER BY id") == [
        ("63dd55b2-a99f-4e7b-985f-22c7bf80ab42", "non-hired"),
        ("hired", "hired"),
    ]


def test_feedback_templates_list(store):
    assert sync_write(store, "feedback_templates", fixture("feedback_templates.json")) == 3
    got = rows(
        store, "SELECT text, group_id, group_name, stage_id, is_no_feedback FROM feedback_templates ORDER BY text"
    )
    assert got == [
        ("No Feedback", None, None, None, 1),
        (
            "On-site interview",
            "b7c3f2f0-6d2a-4c38-a8f5-0b1e2d3c4f5a",
            "Engineering",
            "00922a60-7c15-422b-b086-f62000824fd7",
            0,
        ),
        ("Phone screen", None, None, "applicant-new", 0),  # group "" and stage {id, text}
    ]
    assert [t.text for t in store.call_sync(cache.list_templates)] == ["On-site interview", "Phone screen"]


def test_feedback_template_single(store):
    """``GET /feedback_templates/:id`` (what ``engine.ensure_template`` stores): stage as {id, text}."""
    single = fixture("feedback_template.json")
    template = models.parse_template(single)
    assert template.stage == "00922a60-7c15-422b-b086-f62000824fd7" and template.group.name == "Engineering"
    assert {f.id: f.required for f in template.fields}["f-text"] is True and template.score_field.id == "f-rating"
    assert store.call_sync(cache.upsert_templates, [single], NOW) == 1
    rec = store.call_sync(cache.current_template, TEMPLATE_ID)
    assert rec.raw == single and [f["id"] for f in rec.fields][:2] == ["f-text", "f-textarea"]
    assert rows(store, "SELECT stage_id, instructions FROM feedback_templates") == [
        ("00922a60-7c15-422b-b086-f62000824fd7", "Assess the candidate's communication and problem solving.")
    ]


@pytest.mark.parametrize("group", ["", None, {"id": "g1", "name": "Sales"}, "g1"])
@pytest.mark.parametrize("stage", [None, "lead-new", {"id": "lead-new", "text": "New lead"}])
def test_documented_template_variants_parse(group, stage):
    t = models.parse_template({**fixture("feedback_template.json"), "group": group, "stage": stage})
    assert t.stage == (stage if stage is None or isinstance(stage, str) else stage["id"])
    assert (t.group.id if t.group else None) == (
        {"": None, None: None}.get(group, "g1") if not isinstance(group, dict) else "g1"
    )


def test_panels_interviews_and_feedback(store):
    sync_write(store, "opportunities", fixture("opportunities.json"))
    oid = "250d8f03-738a-4bba-a671-8a3d73477145"
    assert store.call_sync(
        cache.replace_opportunity_details,
        oid,
        fixture("panels.json"),
        fixture("interviews.json"),
        fixture("feedback.json"),
        NOW,
    )
    assert rows(store, "SELECT id, start, stage_id, externally_managed FROM panels") == [
        ("a1b2c3d4-0000-4000-8000-000000000001", 1731600000000, "00922a60-7c15-422b-b086-f62000824fd7", 0)
    ]
    [interview] = store.call_sync(cache.get_opportunity, oid).interviews
    assert (interview.panel_id, interview.duration, interview.feedback_template_id) == (
        "a1b2c3d4-0000-4000-8000-000000000001",
        60,
        TEMPLATE_ID,
    )
    assert rows(store, "SELECT timezone, stage_id FROM interviews") == [
        ("America/Los_Angeles", "00922a60-7c15-422b-b086-f62000824fd7")
    ]
    raw = json.loads(rows(store, "SELECT raw FROM interviews")[0][0])
    assert raw["location"] == "Room 4" and raw["feedbackForms"]  # the panel's copy and /interviews merged
    assert [(p.user_id, p.email) for p in interview.interviewers] == [
        ("8d7a6e1c-5b4a-4f3e-9d2c-1b0a9f8e7d6c", "rachel@exampleq3.com")
    ]
    # The deleted form is skipped; the live one keeps template, author, panel, interview and completedAt.
    assert rows(store, "SELECT id, base_template_id, user_id, panel_id, interview_id, completed_at FROM feedback") == [
        (
            "7d1a2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b",
            TEMPLATE_ID,
            "df0f7158-6f42-4e0d-a3f6-1b1c7b8a5c6e",
            "a1b2c3d4-0000-4000-8000-000000000001",
            "a1b2c3d4-0000-4000-8000-000000000002",
            1423231549510,
        )
    ]
    form = models.parse_feedback(fixture("feedback.json")[0])
    assert form.values() == {"f-rating": "3 - Hire", "f-card": [{"score": 4, "comment": "clean"}]}
    assert form.fields[1].required is True and not form.deleted


def test_one_odd_record_does_not_stop_the_page(store, caplog):
    good, broken = fixture("feedback_templates.json")[:2]
    broken = {**broken, "fields": [{"id": "f-x", "text": "no type"}]}
    with caplog.at_level(logging.WARNING, logger="lever_desktop.lever.models"):
        assert sync_write(store, "feedback_templates", [broken, good]) == 1
    assert rows(store, "SELECT template_id FROM feedback_templates") == [(good["id"],)]
    [line] = [r.getMessage() for r in caplog.records]
    assert broken["id"] in line and "fields.0.type" in line and "no type" not in line


def test_a_form_echoing_the_write_shape_reads_the_same():
    """Reads say ``fields``; an answer that echoes the POST says ``fieldValues`` (ids and values only)."""
    form = models.parse_feedback(
        {
            "id": "fb1",
            "baseTemplateId": TEMPLATE_ID,
            "user": {"id": "u1"},
            "completedAt": 5,
            "fieldValues": [{"id": "f-rating", "value": "3 - Hire"}],
        }
    )
    assert form.values() == {"f-rating": "3 - Hire"} and (form.user, form.completed_at) == ("u1", 5)


def test_unexpected_value_shapes_read_as_not_given(store):
    """A value of an odd shape loses that value, never the candidate, posting or interview."""
    [opp] = fixture("opportunities.json")[:1]
    odd = {
        **opp,
        "headline": 5,
        "emails": None,
        "phones": ["(123)"],
        "stageChanges": [{"toStageIndex": "four"}],
        "archived": "no",
        "createdAt": "2014-08-06",
        "isAnonymized": None,
        "urls": [],
    }
    assert sync_write(store, "opportunities", [odd]) == 1
    assert rows(store, "SELECT headline, email, phone, archived_at, created_at FROM opportunities") == [
        (None, None, None, None, None)
    ]
    [posting] = fixture("postings.json")
    assert sync_write(store, "postings", [{**posting, "salaryRange": {"min": "90k"}, "categories": None}]) == 1
    [(p, _)] = models.parse(models.Posting, [{**posting, "salaryRange": {"min": "90k"}}])
    assert p.salary_range.min is None and p.categories.team == "Customer Success"
    [interview] = fixture("interviews.json")
    [(i, _)] = models.parse(models.Interview, [{**interview, "duration": "1h", "interviewers": ["u1", {"name": "x"}]}])
    assert i.duration is None and [p.id for p in i.interviewers] == ["u1"]


async def test_webhook_management_through_webhooks_setup(respx_mock):
    """``GET /webhooks`` and ``POST /webhooks`` in the shapes of Lever's docs, through the code
    ``webhooks setup`` runs over the real client. ``configuration`` is optional when a webhook is
    created, so a listed webhook may carry it, lack it or hold null; a webhook skipped for its
    shape would be created again by every run (a second delivery per event, a token too many)."""
    from lever_desktop.lever.client import LeverClient
    from lever_desktop.webhooks.setup import CONNECTED, CREATED, connect_webhooks

    listed = json.loads((FIXTURES / "webhooks.json").read_text(encoding="utf-8"))
    created = json.loads((FIXTURES / "webhook_created.json").read_text(encoding="utf-8"))
    respx_mock.get("https://api.lever.co/v1/webhooks").respond(200, json=listed)
    posts = []

    def create(request):
        posts.append(json.loads(request.content))
        return httpx.Response(201, json={"data": {**created["data"], **posts[-1]}})

    respx_mock.post("https://api.lever.co/v1/webhooks").mock(side_effect=create)
    ours = ("candidateStageChange", "candidateHired", "candidateArchiveChange")
    kept: dict[str, str] = {}
    async with LeverClient("lk_test_9f8e7d6c5b4a39281706", base_url="https://api.lever.co/v1") as client:
        report = await connect_webhooks(
            client,
            "https://relay.example.com",
            held={event: f"token-of-{event}" for event in ours},
            webhook_ids={},
            store_token=kept.update,
            events=(*ours, "applicationCreated"),
        )
    assert [(s.event, s.status, s.webhook_id) for s in report.steps[:3]] == [
        (e, CONNECTED, h["id"]) for e, h in zip(ours, listed["data"][:3])
    ]
    # The HRIS's webhook for applicationCreated is someone else's: ours is created beside it.
    assert posts == [{"event": "applicationCreated", "url": "https://relay.example.com/lever/webhooks"}]
    assert (report.steps[3].status, report.steps[3].webhook_id) == (CREATED, created["data"]["id"])
    assert kept == {"applicationCreated": created["data"]["configuration"]["signatureToken"]}
