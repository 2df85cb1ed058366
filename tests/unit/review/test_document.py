"""Draft documents: the shape DESIGN.md promises, with messages a person can act on."""

from __future__ import annotations

import json

import pytest

from lever_desktop.review.document import DraftDocumentError, load_documents, parse_draft


def _doc(**over):
    doc = {
        "schema": "lever-desktop/draft@1",
        "draftId": "d-1",
        "opportunityId": "opp-1",
        "templateId": "tpl-1",
        "panelId": "pan-1",
        "interviewId": "int-1",
        "interviewerEmail": "Ana@Example.com",
        "createdAt": 1731609025310,
        "model": "m",
        "fields": [
            {
                "id": "f1",
                "value": "3 - Hire",
                "confidence": 0.8,
                "evidence": [{"quote": "solid", "atMs": 1000}],
                "rationale": "r",
            }
        ],
        "somethingNew": True,
    }
    doc.update(over)
    return doc


def test_valid_document_parses_and_ignores_unknown_keys():
    d = parse_draft(_doc())
    assert d.draftId == "d-1" and d.fields[0].evidence[0].atMs == 1000
    assert d.field("f1").value == "3 - Hire"


def test_a_json_string_is_never_parsed_as_a_draft():
    # A file's array may hold a string that looks like a draft: it stays a string and is refused,
    # so no document is ever decoded twice (and validated against what the file did not say).
    [item] = load_documents(json.dumps([json.dumps(_doc())]))
    assert isinstance(item, str)
    with pytest.raises(DraftDocumentError, match="expected a JSON object, got a string"):
        parse_draft(item)


@pytest.mark.parametrize(
    ("over", "needle"),
    [
        ({"schema": "lever-desktop/draft@2"}, "schema must be 'lever-desktop/draft@1'"),
        ({"draftId": None}, "draftId"),
        ({"interviewerEmail": "not-an-email"}, "interviewerEmail: must be an email address"),
        ({"createdAt": -5}, "createdAt"),
        # bool is an int in Python, and lax parsing would take numbers in strings
        ({"createdAt": True}, "createdAt: Input should be a valid integer"),
        ({"createdAt": "1731609025310"}, "createdAt: Input should be a valid integer"),
        ({"createdAt": 1731609025310.0}, "createdAt: Input should be a valid integer"),
        ({"fields": [{"id": "a", "confidence": True}]}, "fields[0].confidence"),
        ({"fields": [{"id": "a", "confidence": "0.9"}]}, "fields[0].confidence"),
        ({"fields": [{"id": "a", "evidence": [{"quote": "q", "atMs": True}]}]}, "fields[0].evidence[0].atMs"),
        ({"panelId": "p", "interviewId": None}, "panelId is given without interviewId"),
        ({"fields": [{"id": "a", "confidence": 1.5}]}, "fields[0].confidence"),
        ({"fields": [{"id": "a"}, {"id": "a"}]}, "field ids appear more than once: a"),
    ],
)
def test_each_problem_is_named(over, needle):
    with pytest.raises(DraftDocumentError) as e:
        parse_draft(_doc(**over))
    assert needle in str(e.value)


def test_missing_keys_are_all_listed():
    with pytest.raises(DraftDocumentError) as e:
        parse_draft({"schema": "lever-desktop/draft@1", "draftId": "x"})
    text = str(e.value)
    assert e.value.draft_id == "x"
    for key in ("opportunityId", "templateId", "interviewerEmail", "createdAt", "fields"):
        assert f"{key} is missing" in text


def test_not_an_object_and_bad_json():
    with pytest.raises(DraftDocumentError, match="expected a JSON object"):
        parse_draft([1, 2])
    with pytest.raises(DraftDocumentError, match="expected a JSON object, got a string"):
        parse_draft("{nope")
    with pytest.raises(DraftDocumentError, match="not valid JSON"):
        load_documents("{nope")


def test_files_hold_one_document_or_an_array():
    assert len(load_documents(json.dumps(_doc()))) == 1
    assert len(load_documents(json.dumps([_doc(), _doc(draftId="d-2")]))) == 2


def _field(value="ok", **over):
    return {
        "id": "f1",
        "value": value,
        "confidence": 0.8,
        "evidence": [{"quote": "q", "atMs": 1}],
        "rationale": "r",
        **over,
    }


@pytest.mark.parametrize(
    ("over", "needle"),
    [
        (
            {"fields": [_field(), _field("fine\x1b[2J", id="f2")]},
            "fields[1].value: contains a control character U+001B",
        ),
        ({"fields": [_field("\ud800")]}, "fields[0].value: contains a lone surrogate U+D800 (not valid Unicode text)"),
        (
            {"fields": [_field(evidence=[{"quote": "a\x00b"}])]},
            "fields[0].evidence[0].quote: contains a control character U+0000",
        ),
        ({"fields": [_field(rationale="why\u0085")]}, "fields[0].rationale: contains a control character U+0085"),
        (
            {"fields": [_field([{"score": 3, "comment": "bell\x07"}])]},
            "fields[0].value[0].comment: contains a control character U+0007",
        ),
        ({"draftId": "d-1\x1b]0;owned\x07"}, "draftId: contains a control character U+001B"),
        ({"draftId": "d-1\nd-2: received"}, "draftId: contains a control character U+000A"),
        ({"fields": [_field(id="f1\t")]}, "fields[0].id: contains a control character U+0009"),
        ({"somethingNew": {"k\x1b": 1}}, "somethingNew: a key contains a control character U+001B"),
        ({"model": "m\udfff"}, "model: contains a lone surrogate U+DFFF (not valid Unicode text)"),
    ],
)
def test_control_characters_and_lone_surrogates_are_refused_by_where_they_are(over, needle):
    with pytest.raises(DraftDocumentError) as e:
        parse_draft(_doc(**over))
    assert needle in e.value.problems


def test_a_refused_value_is_named_by_its_question_in_the_template():
    doc = _doc(fields=[_field(), _field("x\x1by", id="f-strengths"), _field(id="f3"), _field("\x1b", id="f4")])
    with pytest.raises(DraftDocumentError) as e:
        parse_draft(doc, {"f-strengths": "Strengths", "f4": "Red\x1b[31m flags"})
    assert e.value.problems == [
        "fields[1].value (Strengths): contains a control character U+001B",
        "fields[3].value (Red\\x1b[31m flags): contains a control character U+001B",
    ]


def test_tab_and_newline_are_fine_in_free_text():
    d = parse_draft(_doc(fields=[_field("line one\n\tline two", evidence=[{"quote": "a\nb"}], rationale="x\ty")]))
    assert d.fields[0].value == "line one\n\tline two"


def test_a_document_full_of_escapes_gets_a_short_message():
    with pytest.raises(DraftDocumentError) as e:
        parse_draft(_doc(fields=[_field(f"v\x1b{i}", id=f"f{i}") for i in range(50)]))
    assert len(e.value.problems) == 11 and e.value.problems[-1] == "and 40 more strings with such characters"


def test_a_draft_of_many_fields_is_validated_in_linear_time():
    """Duplicate field ids were found with ``ids.count`` per id: a 700 KB draft of 40,000 fields (under
    the relay's 1 MB) took 32 s, on the event loop that runs the window and the relay poller."""
    import time

    many = [{"id": f"f{i}"} for i in range(40_000)]
    started = time.perf_counter()
    with pytest.raises(DraftDocumentError, match="field ids appear more than once: f7$"):
        parse_draft(_doc(fields=[*many, {"id": "f7"}]))
    assert time.perf_counter() - started < 8  # linear: well under a second unloaded
