"""Recognising our own form in Lever after an ambiguous failure, and read-back differences."""

from __future__ import annotations

from lever_desktop.lever.models import parse_feedback
from lever_desktop.review.reconcile import differences, find_match

BODY = {
    "baseTemplateId": "tpl",
    "panel": "pan",
    "interview": "int",
    "completedAt": 1000,
    "fieldValues": [{"id": "a", "value": "x"}, {"id": "b", "value": 3}],
}


def _form(**over):
    form = {
        "id": "fb-1",
        "baseTemplateId": "tpl",
        "user": "u-1",
        "panel": "pan",
        "interview": "int",
        "completedAt": 1000,
        "deletedAt": None,
        "fields": [{"id": "a", "type": "text", "value": "x"}, {"id": "b", "type": "score", "value": 3}],
    }
    form.update(over)
    return parse_feedback(form)  # as the outbox reads Lever's answer


def test_match_on_template_author_panel_interview_and_completed_at():
    assert find_match([_form()], BODY, "u-1", set()).id == "fb-1"
    assert find_match([_form(user={"id": "u-1", "name": "Ana"})], BODY, "u-1", set()) is not None


def test_near_misses_are_not_ours():
    for over in (
        {"completedAt": 1001},
        {"user": "u-2"},
        {"interview": "other"},
        {"baseTemplateId": "t2"},
        {"deletedAt": 5},
    ):
        assert find_match([_form(**over)], BODY, "u-1", set()) is None, over


def test_a_form_recorded_for_another_draft_is_never_claimed_twice():
    assert find_match([_form()], BODY, "u-1", {"fb-1"}) is None


def test_differences_ignore_empty_answers_and_report_changes():
    assert differences(_form(), BODY) == []
    stored = _form(fields=[{"id": "a", "value": "y"}, {"id": "b", "value": 3}, {"id": "c", "value": ""}])
    assert differences(stored, BODY) == [{"fieldId": "a", "approved": "x", "stored": "y"}]


def test_without_an_exact_echo_values_and_a_time_inside_the_window_decide():
    from lever_desktop.review.reconcile import Window

    window = Window.around(approved_at=1000, now=9000, skew_ms=500)
    rounded = _form(completedAt=900)  # Lever kept fewer digits (1000 approved)
    replaced = _form(completedAt=8000, createdAt=8000)  # Lever stored "now"
    assert find_match([rounded], BODY, "u-1", set(), window).id == "fb-1"
    assert find_match([replaced], BODY, "u-1", set(), window).id == "fb-1"
    assert find_match([rounded], BODY, "u-1", set()) is None  # no window: exact echo only
    other_values = _form(completedAt=8000, fields=[{"id": "a", "value": "y"}, {"id": "b", "value": 3}])
    too_early = _form(completedAt=100, createdAt=100)
    too_late = _form(completedAt=9600, createdAt=9600)
    for form in (other_values, too_early, too_late, _form(completedAt=8000, user="u-2")):
        assert find_match([form], BODY, "u-1", set(), window) is None, form


def test_the_exact_echo_ranks_first_and_the_rest_are_duplicates():
    from lever_desktop.review.reconcile import Window, find_all

    window = Window.around(approved_at=500, now=5000)
    late = _form(id="fb-late", completedAt=4000, createdAt=4000)
    exact = _form(id="fb-exact", createdAt=4500)
    assert [f.id for f in find_all([late, exact], BODY, "u-1", set(), window)] == ["fb-exact", "fb-late"]


def test_a_form_whose_values_lever_normalised_is_still_ours_and_no_difference():
    # Whether Lever trims text, changes line ends or reorders a multiple-select is unconfirmed; with
    # completedAt replaced as well, missing our form here would mean sending it a second time.
    from lever_desktop.review.reconcile import Window

    body = {
        **BODY,
        "fieldValues": [
            {"id": "a", "value": "Clear examples.\r\nGood tests.\n"},
            {"id": "m", "value": ["Python", "Go"]},
            {"id": "s", "value": [{"score": 3, "comment": "Solid "}]},
        ],
    }
    fields = [
        {"id": "a", "value": "Clear examples.\nGood tests."},
        {"id": "m", "value": ["Go", "Python"]},
        {"id": "s", "value": [{"score": 3, "comment": "Solid", "text": "Craft"}]},
    ]
    stored = _form(completedAt=8000, createdAt=8000, fields=fields)
    window = Window.around(approved_at=1000, now=9000, skew_ms=500)
    assert find_match([stored], body, "u-1", set(), window).id == "fb-1"
    assert [d["fieldId"] for d in differences(stored, body)] == ["completedAt"]
    # Still not ours: another answer, another choice, a scorecard row's score or their order.
    for fid, value in (("a", "Unclear."), ("m", ["Go"]), ("s", [{"score": 2, "comment": "Solid"}])):
        other = _form(completedAt=8000, fields=[{**f, "value": value} if f["id"] == fid else f for f in fields])
        assert find_match([other], body, "u-1", set(), window) is None, fid
