"""The models parse the sample payloads of LEVER_API.md (tests/fixtures/lever) leniently."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lever_desktop.lever import models, signatures
from lever_desktop.lever.client import unwrap

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "lever"


def records(name: str):
    return unwrap(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def test_opportunity_with_expanded_objects_and_unknown_keys():
    full, old = (models.Opportunity.model_validate(r) for r in records("opportunities.json"))
    assert full.stage_id == "00922a60-7c15-422b-b086-f62000824fd7"
    assert full.owner == "df0f7158-6f42-4e0d-a3f6-1b1c7b8a5c6e"  # expand=owner inlined the user: its id
    assert full.phones[0].value == "(123) 456-7891"
    assert full.stage_changes[1].to_stage_index == 4
    assert full.archived is None and full.updated_at == 1407357023564
    assert not hasattr(full, "someFieldLeverAddedLater")
    # Old records: stage as an id, updatedAt null, archived object.
    assert old.stage_id == "applicant-new" and old.updated_at is None
    assert old.archived is not None and old.archived.archived_at == 1417588008049


def test_round_trip_to_lever_spelling():
    opp = models.Opportunity.model_validate(records("opportunities.json")[0])
    dumped = opp.model_dump(by_alias=True)
    assert dumped["stageChanges"][0]["toStageId"] == "lead-new" and "lastAdvancedAt" in dumped


def test_posting_user_stage_archive_reason_deleted():
    [posting] = [models.Posting.model_validate(r) for r in records("postings.json")]
    assert posting.categories.all_locations == ["San Francisco", "Remote"]
    assert posting.content.lists[0].text == "Requirements"
    assert posting.salary_range and posting.salary_range.currency == "USD"
    users = [models.User.model_validate(r) for r in records("users.json")]
    assert [u.active for u in users] == [True, False] and users[0].access_role == "super admin"
    stages = [models.Stage.model_validate(r) for r in records("stages.json")]
    assert stages[0].id == "lead-new"
    reasons = [models.ArchiveReason.model_validate(r) for r in records("archive_reasons.json")]
    assert {r.type for r in reasons} == {"hired", "non-hired"}
    [gone] = [models.DeletedOpportunity.model_validate(r) for r in records("deleted_opportunities.json")]
    assert gone.deleted_at == 1731609025310


def test_feedback_template_coerces_required_and_finds_the_rating():
    template = models.FeedbackTemplate.model_validate(records("feedback_template.json"))
    required = {f.id: f.required for f in template.fields}
    assert required["f-text"] is True and required["f-textarea"] is False and required["f-score"] is False
    assert template.updated_at is None and template.group and template.group.name == "Engineering"
    assert template.score_field is not None and template.score_field.id == "f-rating"
    dropdown = next(f for f in template.fields if f.id == "f-dropdown")
    assert [o.text for o in dropdown.options] == ["Junior", "Senior"] and dropdown.options[1].option_id == "opt-2"
    card = next(f for f in template.fields if f.type == "scorecard")
    assert [s.text for s in card.scores] == ["Python", "SQL"]
    assert {f.type for f in template.fields} >= {
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


def test_feedback_values_and_deleted_forms():
    live, deleted = (models.Feedback.model_validate(r) for r in records("feedback.json"))
    assert live.fields[0].value == "3 - Hire" and live.fields[1].value == [{"score": 4, "comment": "clean"}]
    assert not live.deleted and deleted.deleted


def test_a_form_stays_readable_when_one_answer_has_no_field_id():
    """The outbox must still recognise its own form (or it would send it again): an answer it
    cannot compare is dropped, not the form; a form without an id is no form."""
    forms = models.parse_forms(
        [
            {
                "id": "fb-1",
                "user": {"id": "u-1"},
                "completedAt": 5,
                "fields": [
                    {"value": "orphan"},
                    {"id": "", "value": 1},
                    "junk",
                    {"id": "a", "type": "text", "value": "x"},
                ],
            },
            {"user": "u-1", "fields": []},
            "not a form",
        ]
    )
    assert [(f.id, f.user, f.values()) for f in forms] == [("fb-1", "u-1", {"a": "x"})]


def test_an_answer_says_whether_it_carried_the_forms_fields():
    assert models.answered_form({"id": "fb-1", "fieldValues": [{"id": "a", "value": 2}]}).values() == {"a": 2}
    assert models.answered_form({"id": "fb-1", "fields": []}).has_fields
    assert not models.answered_form({"id": "fb-1", "completedAt": 5}).has_fields
    assert models.answered_form({"completedAt": 5}) is None and models.answered_form(None) is None


def test_panel_and_interview():
    [panel] = [models.Panel.model_validate(r) for r in records("panels.json")]
    inlined = models.Interview.model_validate(panel.interviews[0])
    assert inlined.interviewers[0].email == "rachel@exampleq3.com" and inlined.location == "Room 4"
    [interview] = [models.Interview.model_validate(r) for r in records("interviews.json")]
    assert interview.panel == panel.id and interview.feedback_forms


def test_webhook_delivery_fixture_carries_the_signature_test_vector():
    raw = records("webhook_delivery.json")
    delivery = models.WebhookDelivery.model_validate(raw)
    assert delivery.event == "candidateStageChange" and delivery.data["toStageId"]
    assert signatures.verify(raw, "73311ged32110cc40e00c672c2e03e1a42fa28a4fabde089")


def test_webhook_signature_token_stays_out_of_repr():
    hook = models.Webhook.model_validate(records("webhook_created.json"))
    assert hook.configuration.signature_token == "73311ged32110cc40e00c672c2e03e1a42fa28a4fabde089"
    assert "73311ged" not in repr(hook)


@pytest.mark.parametrize("model", [models.Opportunity, models.Posting, models.User, models.Feedback, models.Panel])
def test_minimal_records_parse(model):
    assert model.model_validate({"id": "x", "brandNewField": [1]}).id == "x"
