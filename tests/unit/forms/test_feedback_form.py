"""FeedbackForm: templates in, exactly Lever's fieldValues out."""

from __future__ import annotations

import pytest

from lever_desktop.forms import KNOWN_TYPES, FeedbackForm, FormNotReady, ReadOnlyField


def answer_required(form: FeedbackForm) -> None:
    form.set("f-rating", "3 - Hire")
    form.set("f-summary", "Good design sense.")
    form.set("f-level", "Senior")
    form.set("f-skills", [{"score": 3, "comment": ""}, {"score": 4, "comment": "x"}, {"score": 2, "comment": ""}])


def test_every_lever_type_in_the_fixture_is_supported(every_type_template):
    form = FeedbackForm.from_template(every_type_template)  # wrapped in {"data": ...}
    assert form.template_id == "tmpl-every-type"
    assert form.instructions.startswith("Rate the candidate")
    assert sorted(f.definition.type for f in form.fields) == sorted(KNOWN_TYPES)
    assert all(f.supported for f in form.fields)
    assert [f.id for f in form.fields if f.required] == ["f-rating", "f-summary", "f-level", "f-skills"]


def test_an_empty_form_reports_each_required_field(every_type_template):
    form = FeedbackForm.from_template(every_type_template)
    errors = form.errors()
    assert [e.field_id for e in errors] == ["f-rating", "f-summary", "f-level", "f-skills"]
    assert str(errors[0]) == "Overall rating: An answer is required."
    with pytest.raises(FormNotReady) as raised:
        form.field_values()
    assert "Overall rating" in str(raised.value)
    assert form.field_values(strict=False) == []


def test_field_values_are_exactly_the_post_body(every_type_template):
    form = FeedbackForm.from_template(every_type_template)
    answer_required(form)
    form.set("f-headline", "   ")  # blank optional answers are omitted, never sent as ""
    form.set("f-code", "null")  # a model's "no answer" is not an answer either
    form.set("f-langs", [])
    form.set("f-relocate", "yes")
    form.set("f-salary", 150000.5)
    assert form.errors() == []
    assert form.field_values() == [
        {"id": "f-rating", "value": "3 - Hire"},
        {"id": "f-summary", "value": "Good design sense."},
        {"id": "f-level", "value": "Senior"},
        {
            "id": "f-skills",
            "value": [{"score": 3, "comment": ""}, {"score": 4, "comment": "x"}, {"score": 2, "comment": ""}],
        },
        {"id": "f-relocate", "value": "yes"},
        {"id": "f-salary", "value": 150000.5},
    ]


def test_returned_values_are_copies(every_type_template):
    form = FeedbackForm.from_template(every_type_template)
    form.set("f-langs", ["Go"])
    form.get("f-langs").append("SQL")
    form.field_values(strict=False)[0]["value"].append("SQL")
    assert form.get("f-langs") == ["Go"]


def test_an_invalid_optional_answer_blocks_until_fixed(every_type_template):
    form = FeedbackForm.from_template(every_type_template)
    answer_required(form)
    form.set("f-culture", 7)
    assert [str(e) for e in form.errors()] == ["Culture add: Expected a score from 1 to 4, got 7."]
    assert {"id": "f-culture", "value": 7} not in form.field_values(strict=False)


def test_lenient_parsing_of_required_and_extra_keys(unknown_type_template):
    form = FeedbackForm.from_template(unknown_type_template)
    notes = form.field("u-notes")
    assert notes.required is False  # "0" as a string
    assert notes.definition.raw["futureFlag"] == 7
    rating = form.field("u-rating")
    assert rating.definition.option_texts[0] == "4 - Strong Hire"  # Lever's default scale


def test_unknown_types_are_kept_read_only_and_block_when_required(unknown_type_template):
    form = FeedbackForm.from_template(unknown_type_template)
    assert [f.id for f in form.fields] == ["u-rating", "u-signature", "u-video", "u-notes"]
    signature, video = form.field("u-signature"), form.field("u-video")
    assert not signature.supported and not video.supported
    assert signature.kind.type_name == "e-signature"
    with pytest.raises(ReadOnlyField):
        form.set("u-signature", "signed")
    form.set("u-rating", "4 - Strong Hire")
    errors = form.errors()
    assert [e.field_id for e in errors] == ["u-signature"]
    assert "e-signature" in errors[0].message and "complete this feedback in Lever" in errors[0].message
    assert not form.can_approve().ok


def test_unknown_field_values_from_a_draft_are_shown_but_never_sent(unknown_type_template):
    form = FeedbackForm.from_template(unknown_type_template)
    form.apply_draft(
        {
            "fields": [
                {"id": "u-video", "value": "clip.mp4", "confidence": 0.9},
                {"id": "u-rating", "value": "3 - Hire", "confidence": 0.9},
            ]
        }
    )
    assert form.get("u-video") == "clip.mp4"
    assert form.field_values(strict=False) == [{"id": "u-rating", "value": "3 - Hire"}]


def test_fields_without_ids_or_with_duplicate_ids_are_shown_read_only():
    form = FeedbackForm.from_template(
        {
            "id": "t",
            "fields": [
                {"type": "text", "text": "No id"},
                {"id": "a", "type": "text", "text": "A"},
                {"id": "a", "type": "text", "text": "A again"},
                "garbage",
            ],
        }
    )
    assert [f.supported for f in form.fields] == [False, True, False, False]
    assert form.fields[2].label == "A again"


def test_unknown_field_id_is_a_clear_error(every_type_template):
    form = FeedbackForm.from_template(every_type_template)
    with pytest.raises(KeyError, match="no field 'nope'"):
        form.set("nope", 1)


def test_a_bare_phone_screen_template(phone_screen_template):
    """Unwrapped template, score-system without options, a score that carries its own options."""
    form = FeedbackForm.from_template(phone_screen_template)
    assert form.template_id == "tmpl-phone-screen"
    assert form.field("p-rating").definition.option_texts[1] == "3 - Hire"  # Lever's default scale
    assert form.field("p-comp").definition.currency == "EUR"
    form.set("p-rating", "4 - Strong Hire")
    form.set("p-why", "Wants to own the payments platform.")
    form.set("p-visa", "no")
    form.set("p-fit", 3)  # this score has options: the option text is what Lever wants
    message = form.errors()[0].message
    assert "not one of the options" in message
    assert "Suggested fix" not in message  # fixes are offered for AI values, not the reviewer's
    form.set("p-fit", "3 - Yes")
    form.set("p-comp", 85000)
    assert form.field_values() == [
        {"id": "p-rating", "value": "4 - Strong Hire"},
        {"id": "p-why", "value": "Wants to own the payments platform."},
        {"id": "p-comp", "value": 85000},
        {"id": "p-visa", "value": "no"},
        {"id": "p-fit", "value": "3 - Yes"},
    ]
