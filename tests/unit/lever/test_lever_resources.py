"""Per-resource helpers: the right paths and parameters, models back, feedback writes guarded."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from lever_desktop import log as applog
from lever_desktop.lever import errors, resources
from lever_desktop.lever.models import Feedback, Opportunity, Webhook
from tests.unit.lever.lever_support import BASE

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "lever"


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


BODY = {"baseTemplateId": "t1", "completedAt": 1423231549510, "panel": "p1", "interview": "i1",
        "fieldValues": [{"id": "f-rating", "value": "3 - Hire"}]}


async def test_list_opportunities_streams_models_with_filters(client, respx_mock):
    first = fixture("opportunities.json")
    route = respx_mock.get(f"{BASE}/opportunities").mock(
        side_effect=[httpx.Response(200, json=first), httpx.Response(200, json={"data": [], "hasNext": False})]
    )
    got = [o async for o in resources.list_opportunities(client, updated_at_start=1, expand=["stage", "owner"])]
    assert [type(o) for o in got] == [Opportunity, Opportunity]
    params = route.calls[0].request.url.params
    assert params["updated_at_start"] == "1" and params.get_list("expand") == ["stage", "owner"]
    assert route.calls[1].request.url.params["offset"] == first["next"]


async def test_get_opportunity_none_on_404_and_ids_stay_one_segment(client, respx_mock):
    route = respx_mock.get(f"{BASE}/opportunities/a%2Fb").respond(404, json={"code": "ResourceNotFound", "message": "x"})
    assert await resources.get_opportunity(client, "a/b") is None
    assert route.called
    with pytest.raises(ValueError):
        await resources.get_opportunity(client, "")


@pytest.mark.parametrize(
    ("helper", "path", "fixture_name"),
    [(resources.list_postings, "/postings", "postings.json"), (resources.list_stages, "/stages", "stages.json"),
     (resources.list_archive_reasons, "/archive_reasons", "archive_reasons.json"),
     (resources.list_feedback_templates, "/feedback_templates", None)],
)
async def test_reference_lists(client, respx_mock, helper, path, fixture_name):
    body = fixture(fixture_name) if fixture_name else {"data": [fixture("feedback_template.json")["data"]["data"]]}
    respx_mock.get(f"{BASE}{path}").respond(json=body)
    got = [x async for x in helper(client)]
    assert got and all(x.id for x in got)


async def test_list_users_includes_deactivated_only_when_asked(client, respx_mock):
    route = respx_mock.get(f"{BASE}/users").respond(json=fixture("users.json"))
    [_ async for _ in resources.list_users(client)]
    assert "includeDeactivated" not in route.calls.last.request.url.params
    [_ async for _ in resources.list_users(client, include_deactivated=True, email="a@b.com")]
    assert route.calls.last.request.url.params["includeDeactivated"] == "true"


async def test_get_feedback_template_unwraps_double_data(client, respx_mock):
    respx_mock.get(f"{BASE}/feedback_templates/t1").respond(json=fixture("feedback_template.json"))
    template = await resources.get_feedback_template(client, "t1")
    assert template is not None and template.score_field is not None


async def test_opportunity_children(client, respx_mock):
    respx_mock.get(f"{BASE}/opportunities/o1/panels").respond(json=fixture("panels.json"))
    respx_mock.get(f"{BASE}/opportunities/o1/interviews").respond(json=fixture("interviews.json"))
    respx_mock.get(f"{BASE}/opportunities/o1/feedback").respond(json=fixture("feedback.json"))
    route = respx_mock.get(f"{BASE}/opportunities/deleted").respond(json=fixture("deleted_opportunities.json"))
    assert len([p async for p in resources.list_panels(client, "o1")]) == 1
    assert len([i async for i in resources.list_interviews(client, "o1")]) == 1
    assert len([f async for f in resources.list_feedback(client, "o1")]) == 1  # the deleted one is skipped
    assert len([f async for f in resources.list_feedback(client, "o1", include_deleted=True)]) == 2
    assert len([d async for d in resources.list_deleted_opportunities(client, deleted_at_start=5)]) == 1
    assert route.calls.last.request.url.params["deleted_at_start"] == "5"


async def test_create_feedback_posts_as_the_interviewer(client, respx_mock):
    created = fixture("feedback.json")["data"][0]
    route = respx_mock.post(f"{BASE}/opportunities/o1/feedback").respond(json={"data": created})
    form = await resources.create_feedback(client, "o1", "u-interviewer", BODY)
    assert isinstance(form, Feedback) and form.id == created["id"]
    request = route.calls.last.request
    assert request.url.params["perform_as"] == "u-interviewer"
    assert json.loads(request.content) == BODY


@pytest.mark.parametrize(
    ("perform_as", "body", "message"),
    [("", BODY, "perform_as"),
     ("u", {k: v for k, v in BODY.items() if k != "completedAt"}, "completedAt"),
     ("u", {k: v for k, v in BODY.items() if k != "baseTemplateId"}, "baseTemplateId"),
     ("u", {k: v for k, v in BODY.items() if k != "interview"}, "panel and an interview"),
     ("u", {**BODY, "fields": []}, "fieldValues")],
)
async def test_create_feedback_refuses_what_lever_would_reject_vaguely(client, respx_mock, perform_as, body, message):
    route = respx_mock.post(f"{BASE}/opportunities/o1/feedback")
    with pytest.raises(ValueError, match=message):
        await resources.create_feedback(client, "o1", perform_as, body)
    assert not route.called


async def test_create_feedback_ambiguous_failures_surface(client, respx_mock):
    route = respx_mock.post(f"{BASE}/opportunities/o1/feedback").respond(502)
    with pytest.raises(errors.AmbiguousWriteError):
        await resources.create_feedback(client, "o1", "u", BODY)
    route.respond(200, json={"data": {"unexpected": True}})
    with pytest.raises(errors.AmbiguousWriteError, match="did not return the form"):
        await resources.create_feedback(client, "o1", "u", BODY)


async def test_update_and_delete_feedback(client, respx_mock):
    created = fixture("feedback.json")["data"][0]
    put = respx_mock.put(f"{BASE}/opportunities/o1/feedback/f1").respond(json={"data": created})
    delete = respx_mock.delete(f"{BASE}/opportunities/o1/feedback/f1").respond(204)
    await resources.update_feedback(client, "o1", "f1", "u", {"fieldValues": BODY["fieldValues"]})
    assert put.calls.last.request.url.params["perform_as"] == "u"
    assert await resources.delete_feedback(client, "o1", "f1", "u") is None
    assert delete.calls.last.request.url.params["perform_as"] == "u"


async def test_webhooks_list_create_delete(client, respx_mock):
    created = fixture("webhook_created.json")
    respx_mock.get(f"{BASE}/webhooks").respond(json={"data": [created["data"]], "hasNext": False})
    post = respx_mock.post(f"{BASE}/webhooks").respond(json=created)
    delete = respx_mock.delete(f"{BASE}/webhooks/{created['data']['id']}").respond(204)
    assert [w.event async for w in resources.list_webhooks(client)] == ["candidateStageChange"]
    hook = await resources.create_webhook(client, "candidateStageChange", "https://relay.example.com/lever/webhooks")
    assert isinstance(hook, Webhook) and hook.configuration.signature_token
    assert json.loads(post.calls.last.request.content) == {
        "event": "candidateStageChange", "url": "https://relay.example.com/lever/webhooks"}
    # The signature token is now a registered secret: never logged.
    assert hook.configuration.signature_token not in applog.redact(f"got {hook.configuration.signature_token} back")
    await resources.delete_webhook(client, hook.id)
    assert delete.called
