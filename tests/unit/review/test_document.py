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
        "fields": [{"id": "f1", "value": "3 - Hire", "confidence": 0.8,
                    "evidence": [{"quote": "solid", "atMs": 1000}], "rationale": "r"}],
        "somethingNew": True,
    }
    doc.update(over)
    return doc


def test_valid_document_parses_and_ignores_unknown_keys():
    d = parse_draft(_doc())
    assert d.draftId == "d-1" and d.fields[0].evidence[0].atMs == 1000
    assert d.field("f1").value == "3 - Hire"


def test_json_text_is_accepted():
    assert parse_draft(json.dumps(_doc())).draftId == "d-1"


@pytest.mark.parametrize(
    ("over", "needle"),
    [
        ({"schema": "lever-desktop/draft@2"}, "schema must be 'lever-desktop/draft@1'"),
        ({"draftId": None}, "draftId"),
        ({"interviewerEmail": "not-an-email"}, "interviewerEmail: must be an email address"),
        ({"createdAt": -5}, "createdAt"),
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
    with pytest.raises(DraftDocumentError, match="not valid JSON"):
        parse_draft("{nope")


def test_files_hold_one_document_or_an_array():
    assert len(load_documents(json.dumps(_doc()))) == 1
    assert len(load_documents(json.dumps([_doc(), _doc(draftId="d-2")]))) == 2
