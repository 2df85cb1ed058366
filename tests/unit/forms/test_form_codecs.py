"""Every kind converts widget values to Lever's wire format and back without loss."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lever_desktop.forms import kind_for, parse_field

OPTIONS = [{"text": t} for t in ("4 - Strong Hire", "3 - Hire", "2 - No Hire", "1 - Strong No Hire")]
SKILLS = [{"text": "System design", "description": "d"}, {"text": "Coding"}, {"text": "Communication"}]


def kind(field_type: str, **extra):
    return kind_for(parse_field({"id": "f", "type": field_type, "text": "Q", **extra}))


def round_trips(k, widget_value) -> None:
    wire = k.from_widget(widget_value)
    assert k.validate(wire) is None, (widget_value, wire)
    assert not k.is_empty(wire)
    assert k.to_widget(wire) == widget_value
    assert k.from_widget(k.to_widget(wire)) == wire


non_blank = st.text(min_size=1).filter(lambda s: s.strip().lower() not in {"", "null", "none"})


@pytest.mark.parametrize("field_type", ["text", "textarea", "code"])
@given(text=non_blank)
def test_text_kinds_send_the_text_unchanged(field_type, text):
    round_trips(kind(field_type), text)


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_dates_travel_as_utc_midnight_epoch_ms(day):
    k = kind("date")
    round_trips(k, day)
    assert k.from_widget(day) % 86_400_000 == 0


@given(index=st.integers(0, 3))
@pytest.mark.parametrize("field_type", ["dropdown", "multiple-choice", "score-system"])
def test_single_choice_sends_the_exact_option_text(field_type, index):
    k = kind(field_type, options=OPTIONS)
    round_trips(k, index)
    assert k.from_widget(index) == OPTIONS[index]["text"]


@given(chosen=st.sets(st.integers(0, 3), min_size=1))
def test_multiple_select_sends_option_texts_in_template_order(chosen):
    k = kind("multiple-select", options=OPTIONS)
    widget_value = tuple(sorted(chosen))
    round_trips(k, widget_value)
    assert k.from_widget(widget_value) == [OPTIONS[i]["text"] for i in sorted(chosen)]


@given(level=st.integers(1, 4))
def test_score_without_options_is_an_integer(level):
    k = kind("score")
    round_trips(k, level)
    assert k.from_widget(level) == level and type(k.from_widget(level)) is int


@given(index=st.integers(0, 3))
def test_score_with_options_sends_option_text(index):
    k = kind("score", options=OPTIONS)
    round_trips(k, index)
    assert k.from_widget(index) == OPTIONS[index]["text"]


@given(rows=st.lists(st.tuples(st.integers(1, 4), st.text()), min_size=3, max_size=3))
def test_scorecard_sends_one_score_and_comment_per_skill(rows):
    k = kind("scorecard", scores=SKILLS)
    round_trips(k, tuple(rows))
    assert k.from_widget(rows) == [{"score": s, "comment": c} for s, c in rows]


@given(answer=st.booleans())
def test_yes_no(answer):
    k = kind("yes-no")
    round_trips(k, answer)
    assert k.from_widget(answer) == ("yes" if answer else "no")


@given(amount=st.decimals(min_value=0, max_value=10**12, places=2, allow_nan=False))
def test_currency_sends_the_amount_only(amount):
    k = kind("currency", currency="usd")
    wire = k.from_widget(amount)
    assert k.validate(wire) is None and isinstance(wire, (int, float))
    assert Decimal(str(wire)) == amount
    assert k.from_widget(k.to_widget(wire)) == wire
    assert k.definition.currency == "USD"


@given(wire=st.one_of(st.integers(0, 10**12), st.floats(0, 1e12, allow_nan=False)))
def test_currency_wire_values_survive_the_widget(wire):
    k = kind("currency")
    assert k.from_widget(k.to_widget(wire)) == wire


@pytest.mark.parametrize(
    ("field_type", "extra", "empty_widget"),
    [
        ("text", {}, "   "),
        ("textarea", {}, ""),
        ("code", {"language": "go"}, "\n"),
        ("date", {}, None),
        ("dropdown", {"options": OPTIONS}, None),
        ("multiple-choice", {"options": OPTIONS}, None),
        ("multiple-select", {"options": OPTIONS}, ()),
        ("score-system", {}, None),
        ("score", {}, None),
        ("scorecard", {"scores": SKILLS}, ((None, ""), (None, " "), (None, ""))),
        ("yes-no", {}, None),
        ("currency", {"currency": "EUR"}, None),
    ],
)
def test_an_empty_widget_means_no_answer(field_type, extra, empty_widget):
    k = kind(field_type, **extra)
    assert k.from_widget(empty_widget) is None
    assert k.is_empty(None)
