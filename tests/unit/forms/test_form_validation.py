"""Validation messages and near-miss suggestions per kind: a near miss is offered, never applied."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lever_desktop.forms import kind_for, parse_field

SCORE_SYSTEM = [{"text": t} for t in ("4 - Strong Hire", "3 - Hire", "2 - No Hire", "1 - Strong No Hire")]
SETUP = [{"text": "On-site", "optionId": "opt-onsite"}, {"text": "Hybrid"}, {"text": "Remote"}]
SKILLS = [{"text": "System design"}, {"text": "Coding"}]


def kind(field_type: str, **extra):
    return kind_for(parse_field({"id": "f", "type": field_type, "text": "Q", **extra}))


@pytest.mark.parametrize(
    ("field_type", "extra", "bad", "message_part"),
    [
        ("text", {}, 42, "Expected text"),
        ("date", {}, "2024-11-14", "Expected a date"),
        ("date", {}, True, "Expected a date"),
        ("date", {}, 10**15, "not a plausible date"),
        ("dropdown", {"options": SETUP}, "hybrid", "not one of the options"),
        ("dropdown", {}, "Hybrid", "no options"),
        ("multiple-select", {"options": SETUP}, "Hybrid", "Expected a list"),
        ("multiple-select", {"options": SETUP}, ["Hybrid", "Mars"], "“Mars” not among the options"),
        ("multiple-select", {"options": SETUP}, ["Hybrid", "Hybrid"], "selected twice"),
        ("score-system", {}, 3, "not one of the options"),
        ("score", {}, 5, "from 1 to 4"),
        ("score", {}, True, "from 1 to 4"),
        ("score", {"options": SCORE_SYSTEM}, 3, "not one of the options"),
        ("scorecard", {"scores": SKILLS}, [{"score": 3, "comment": ""}], "2 skills but 1"),
        (
            "scorecard",
            {"scores": SKILLS},
            [{"score": 3, "comment": ""}, {"score": None, "comment": "x"}],
            "“Coding” has no score",
        ),
        ("scorecard", {"scores": SKILLS}, [{"score": 0, "comment": ""}, {"score": 2, "comment": ""}], "must be 1 to 4"),
        (
            "scorecard",
            {"scores": SKILLS},
            [{"score": 3}, {"score": 2, "comment": ""}],
            "expected a score and a comment",
        ),
        ("yes-no", {}, "Yes", "yes or no"),
        ("yes-no", {}, True, "yes or no"),
        ("currency", {"currency": "USD"}, "120000", "Expected an amount"),
        ("currency", {"currency": "USD"}, float("nan"), "Expected an amount"),
        ("currency", {"currency": "USD"}, -5, "cannot be negative"),
    ],
)
def test_invalid_values_get_a_readable_reason(field_type, extra, bad, message_part):
    k = kind(field_type, **extra)
    assert not k.is_empty(bad)
    message = k.validate(bad)
    assert message is not None and message_part in message


@pytest.mark.parametrize(
    ("field_type", "extra", "near_miss", "fix"),
    [
        ("score-system", {}, "3", "3 - Hire"),
        ("score-system", {}, 3, "3 - Hire"),
        ("score-system", {}, "  3 – HIRE ", "3 - Hire"),
        ("score-system", {}, "strong hire", "4 - Strong Hire"),
        ("score-system", {}, {"text": "2 - No Hire"}, "2 - No Hire"),
        ("dropdown", {"options": SETUP}, "hybrid", "Hybrid"),
        ("dropdown", {"options": SETUP}, "on - site", "On-site"),
        ("multiple-choice", {"options": SETUP}, "opt-onsite", "On-site"),
        ("multiple-select", {"options": SETUP}, ["remote", "Hybrid"], ["Hybrid", "Remote"]),
        ("multiple-select", {"options": SETUP}, "Remote", ["Remote"]),
        ("score", {}, "3", 3),
        ("score", {}, 4.0, 4),
        ("score", {}, "3 - Hire", 3),
        ("score", {"options": SCORE_SYSTEM}, 1, "1 - Strong No Hire"),
        ("yes-no", {}, "Yes", "yes"),
        ("yes-no", {}, False, "no"),
        ("date", {}, "2024-11-14", 1731542400000),
        ("date", {}, 1731542400000.0, 1731542400000),
        ("currency", {}, "$120,000", 120000),
        ("currency", {}, "145k USD", 145000),
        ("currency", {}, "EUR 99.50", 99.5),
        ("text", {}, 42, "42"),
        (
            "scorecard",
            {"scores": SKILLS},
            [{"score": "3"}, {"score": 4, "comment": "ok"}],
            [{"score": 3, "comment": ""}, {"score": 4, "comment": "ok"}],
        ),
        ("scorecard", {"scores": SKILLS}, [3, 2], [{"score": 3, "comment": ""}, {"score": 2, "comment": ""}]),
        (
            "scorecard",
            {"scores": SKILLS},
            [{"text": "coding", "score": 2, "comment": "c"}, {"text": "System Design", "score": 4, "comment": "s"}],
            [{"score": 4, "comment": "s"}, {"score": 2, "comment": "c"}],
        ),
    ],
)
def test_near_misses_are_suggested(field_type, extra, near_miss, fix):
    k = kind(field_type, **extra)
    assert k.validate(near_miss) is not None
    assert k.suggest(near_miss) == fix
    assert k.validate(fix) is None


@pytest.mark.parametrize(
    ("field_type", "extra", "value"),
    [
        ("score-system", {}, "5"),
        ("score-system", {}, "maybe"),
        ("score-system", {}, "hire"),  # "3 - Hire" and neither of the others: matches tail only once
        ("dropdown", {"options": [{"text": "1 - A"}, {"text": "1 - B"}]}, "1"),  # ambiguous
        ("score", {}, "7"),
        ("yes-no", {}, "perhaps"),
        ("currency", {}, "lots"),
        ("date", {}, "next spring"),
        ("scorecard", {"scores": SKILLS}, [{"score": 3, "comment": ""}]),
    ],
)
def test_far_misses_get_no_suggestion(field_type, extra, value):
    k = kind(field_type, **extra)
    if value == "hire":  # the tail "hire" names exactly one option: that is a near miss
        assert k.suggest(value) == "3 - Hire"
        return
    assert k.suggest(value) is None


def test_valid_values_need_no_suggestion():
    k = kind("score-system")
    assert k.suggest("3 - Hire") is None


@given(st.one_of(st.none(), st.integers(), st.floats(), st.text(), st.booleans(), st.lists(st.integers())))
@pytest.mark.parametrize(
    ("field_type", "extra"),
    [
        ("text", {}),
        ("date", {}),
        ("dropdown", {"options": SETUP}),
        ("multiple-select", {"options": SETUP}),
        ("score-system", {}),
        ("score", {}),
        ("scorecard", {"scores": SKILLS}),
        ("yes-no", {}),
        ("currency", {}),
    ],
)
def test_any_junk_is_handled_without_crashing(field_type, extra, junk):
    """Whatever the AI sends: empty, valid, or invalid with a message; widgets get a safe value."""
    k = kind(field_type, **extra)
    if not k.is_empty(junk):
        k.validate(junk)
        fix = k.suggest(junk)
        assert fix is None or k.validate(fix) is None
    k.to_widget(junk)
