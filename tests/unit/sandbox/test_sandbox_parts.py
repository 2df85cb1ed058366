"""The sandbox's pure parts: ids, token bucket, tokens, values, drift."""

from __future__ import annotations

import random

import pytest

from lever_desktop.sandbox import templates as tpl
from lever_desktop.sandbox.drafts import sample_value
from lever_desktop.sandbox.ratelimit import TokenBucket
from lever_desktop.sandbox.state import SandboxState
from lever_desktop.sandbox.validation import FeedbackRejected, check_field_values, check_value


@pytest.fixture(scope="module")
def big():
    return SandboxState(opportunities=100_000, seed=2)


def test_opportunity_ids_are_uuid_shaped_unique_and_invertible(big):
    opps = big.opps
    rows = [0, 1, 2, 99_999] + random.Random(1).sample(range(100_000), 2000)
    ids = [opps.id_of(r) for r in rows]
    assert len(set(ids)) == len(set(rows))
    for r, i in zip(rows, ids):
        assert [len(p) for p in i.split("-")] == [8, 4, 4, 4, 12]
        assert opps.row_of(i) == r
    assert opps.row_of(ids[0][:-1] + "z") is None and opps.row_of("nope") is None
    other = SandboxState(opportunities=10, seed=3).opps
    assert other.row_of(ids[1]) is None  # another seed's ids are not ours


def test_rows_are_in_creation_order(big):
    created = big.opps.created
    assert all(a < b for a, b in zip(created, created[1:]))


def test_token_bucket_refills_at_its_rate():
    now = [0.0]
    bucket = TokenBucket(rate=10, burst=20, clock=lambda: now[0])
    assert sum(bucket.take() for _ in range(25)) == 20
    now[0] += 0.5
    assert sum(bucket.take() for _ in range(25)) == 5
    now[0] += 100
    assert sum(bucket.take() for _ in range(25)) == 20  # never more than the burst


def test_sampled_values_are_valid_for_every_known_type(big):
    rng = random.Random(0)
    for template in big.offerable_templates():
        for field in template["fields"]:
            value = sample_value(field, rng, 1_700_000_000_000)
            if field["type"] in tpl.KNOWN_TYPES:
                assert check_value(field, value) is None, (field["type"], value)
            else:
                assert value is None


def test_sampled_code_is_in_the_language_its_question_names(big):
    """Issue #14.18: the sandbox labelled Python code "Code · JavaScript"."""
    looks = {"python": "def ", "javascript": "function "}
    code = [f for t in big.offerable_templates() for f in t["fields"] if f["type"] == "code"]
    assert {f["language"] for f in code} == set(looks)
    for field in code:
        assert sample_value(field, random.Random(0), 0).startswith(looks[field["language"]]), field["language"]


def test_the_every_field_type_sample_draft_writes_code_in_its_questions_language():
    import json

    from lever_desktop.resources import resource_path

    doc = json.loads(resource_path("samples/draft-every-field-type.json").read_text())
    default = SandboxState(opportunities=500, seed=1)  # `lever-sandbox` as it starts by default
    every = next(t for t in default.offerable_templates() if t["id"] == doc["templateId"])
    fields = {f["id"]: f for f in every["fields"]}
    answers = [(fields[a["id"]]["language"], a["value"]) for a in doc["fields"] if fields[a["id"]]["type"] == "code"]
    assert answers == [("javascript", "function dedupe(items) {\n  return [...new Set(items)];\n}\n")]


def test_required_fields_and_merging_for_edits(big):
    template = next(t for t in big.offerable_templates() if t["text"] == "Phone screen")
    with pytest.raises(FeedbackRejected, match="required"):
        check_field_values(template, [], completed=True)
    assert check_field_values(template, [], completed=False) == {}
    first = template["fields"][0]
    merged = check_field_values(template, [], completed=False, previous={first["id"]: "kept"})
    assert merged == {first["id"]: "kept"}


def test_drift_moves_updated_at_and_changes_fields(big):
    t = big.offerable_templates()[0]
    new = tpl.drift(t, random.Random(1), t["updatedAt"] - 5)
    assert new["updatedAt"] > t["updatedAt"] and new["fields"] != t["fields"]
    assert t["fields"] == big.templates[t["id"]]["fields"]  # the old version is untouched
    assert "_version" not in tpl.public_view(new)


def test_details_do_not_depend_on_when_they_are_first_read():
    from lever_desktop.sandbox.activity import Activity

    a, b = SandboxState(opportunities=60, seed=5), SandboxState(opportunities=60, seed=5)
    for t in b.offerable_templates():
        Activity(b).drift_template(t["id"])
    for row in range(60):
        pa, pb = a.details_of(row), b.details_of(row)
        assert [p["id"] for p in pa.panels] == [p["id"] for p in pb.panels]
        assert [f["id"] for f in pa.feedback] == [f["id"] for f in pb.feedback]
