"""Applying an AI draft: provenance per field, near-miss fixes on request, confirmation gating."""

from __future__ import annotations

import pytest

from lever_desktop.forms import Evidence, FeedbackForm, draft_diff


@pytest.fixture
def form(every_type_template, every_type_draft) -> FeedbackForm:
    form = FeedbackForm.from_template(every_type_template)
    assert form.apply_draft(every_type_draft) == []
    return form


def test_provenance_is_kept_per_field(form):
    rating = form.field("f-rating")
    assert rating.provenance.confidence == 0.81
    assert rating.provenance.evidence[0] == Evidence("I'd build the queue with idempotent consumers first.", 734000)
    assert rating.provenance.evidence[1].timestamp == "20:04"
    assert rating.provenance.rationale.startswith("Solid design")
    assert not rating.edited


def test_near_misses_are_flagged_and_offered_not_coerced(form):
    rating, level = form.field("f-rating"), form.field("f-level")
    assert form.get("f-rating") == "3"  # the AI's value stays visible
    assert rating.provenance.ai_problem == "“3” is not one of the options."
    assert rating.suggestion == "3 - Hire" and level.suggestion == "Senior"
    errors = {e.field_id: e.message for e in form.errors()}
    assert errors["f-rating"].endswith("Suggested fix: “3 - Hire”.")
    assert form.accept_suggestion("f-rating")
    assert form.get("f-rating") == "3 - Hire"
    assert rating.edited and rating.suggestion is None
    assert "f-rating" not in {e.field_id for e in form.errors()}


def test_confidence_threshold_decides_what_needs_confirming(form):
    assert [f.id for f in form.needs_confirmation(0.6)] == ["f-start", "f-location", "f-relocate"]
    assert [f.id for f in form.needs_confirmation(0.8)] == [
        "f-headline",
        "f-start",
        "f-location",
        "f-culture",
        "f-skills",
        "f-relocate",
        "f-salary",
    ]  # f-level (70%) is not among them: its AI value is invalid, which blocks on its own


def test_an_invalid_ai_value_is_an_error_not_something_to_confirm(form):
    level = form.field("f-level")
    assert level.provenance.confidence < 0.8 and level.error() is not None
    assert not level.needs_confirmation(0.8)
    reasons = form.can_approve(0.8).reasons
    assert sum(r.startswith("Level:") for r in reasons) == 1


def test_approval_needs_valid_values_and_confirmed_low_confidence_answers(form):
    approval = form.can_approve(0.6)
    assert not approval.ok
    assert approval.reasons[0].startswith("Overall rating: “3” is not one of the options.")
    assert "Willing to relocate?: AI confidence 35% — confirm or change this answer." in approval.reasons
    form.accept_suggestion("f-rating")
    form.accept_suggestion("f-level")
    form.confirm("f-start")
    form.confirm("f-location")
    assert len(form.can_approve(0.6).reasons) == 1
    form.set("f-relocate", "yes")  # a reviewer's own answer needs no confirming
    assert form.can_approve(0.6).ok
    assert [e["id"] for e in form.field_values()][:3] == ["f-rating", "f-summary", "f-headline"]


def test_missing_confidence_counts_as_low(every_type_template):
    form = FeedbackForm.from_template(every_type_template)
    form.apply_draft(
        {
            "fields": [
                {"id": "f-headline", "value": "x", "confidence": "high"},
                {"id": "f-code", "value": None, "confidence": 0.1},
            ]
        }
    )
    assert [f.id for f in form.needs_confirmation(0.1)] == ["f-headline"]  # an empty AI answer has nothing to confirm


def test_edit_revert_and_reconfirm(form):
    form.confirm("f-relocate")
    assert not form.needs_confirmation(0.6)[-1].id == "f-relocate"
    form.set("f-relocate", "yes")
    assert form.field("f-relocate").edited
    form.revert("f-relocate")
    relocate = form.field("f-relocate")
    assert form.get("f-relocate") == "no" and not relocate.edited
    assert relocate.needs_confirmation(0.6)  # reverting hands the judgement back to the reviewer


def test_diff_from_draft_to_current_values(form):
    form.accept_suggestion("f-rating")
    form.set("f-headline", "")
    form.set("f-summary", "Rewritten by the reviewer.")
    diff = {c.field_id: c for c in draft_diff(form)}
    assert diff["f-rating"].change == "edited" and diff["f-rating"].ai_value == "3"
    assert diff["f-headline"].change == "cleared"
    assert diff["f-summary"].as_dict()["value"] == "Rewritten by the reviewer."
    assert diff["f-code"].change == "kept"
    assert [c.field_id for c in draft_diff(form, include_kept=False)] == ["f-rating", "f-summary", "f-headline"]


def test_filled_means_the_reviewer_answered_what_the_ai_left_empty(every_type_template):
    form = FeedbackForm.from_template(every_type_template)
    form.apply_draft({"fields": [{"id": "f-rating", "value": "3 - Hire", "confidence": 0.9}]})
    form.set("f-relocate", "yes")
    assert [(c.field_id, c.change) for c in draft_diff(form)] == [("f-rating", "kept"), ("f-relocate", "filled")]


def test_odd_drafts_produce_notices_and_lose_nothing(every_type_template):
    form = FeedbackForm.from_template(every_type_template)
    notices = form.apply_draft(
        {
            "schema": "lever-desktop/draft@9",
            "templateId": "tmpl-other",
            "fields": [
                {"id": "f-gone", "value": "old answer"},
                {"value": 1},
                {"id": "f-headline", "value": "first", "evidence": ["bare quote", {"quote": ""}, 5]},
                {"id": "f-headline", "value": "second", "evidence": [{"quote": "q", "atMs": -1}]},
            ],
        }
    )
    assert len(notices) == 5
    assert any("f-gone" in n and "old answer" in n for n in notices)
    assert any("tmpl-other" in n for n in notices)
    assert form.get("f-headline") == "second"
    assert form.field("f-headline").provenance.evidence == (Evidence("q", None),)
    with pytest.raises(ValueError, match="fields"):
        form.apply_draft({"fields": "nope"})


def test_state_round_trip_restores_the_reviewers_work(form, every_type_template, every_type_draft):
    form.accept_suggestion("f-rating")
    form.confirm("f-start")
    saved = form.state()
    again = FeedbackForm.from_template(every_type_template)
    again.apply_draft(every_type_draft)
    again.restore(saved)
    assert again.get("f-rating") == "3 - Hire" and again.field("f-rating").edited
    assert again.field("f-start").confirmed
    assert again.can_approve(0.6).reasons == form.can_approve(0.6).reasons
