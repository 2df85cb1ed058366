"""Which forms count as the author's own for a draft, and how the review pane says when."""

from __future__ import annotations

import pytest

from lever_desktop.lever.models import parse_feedback
from lever_desktop.review.own_feedback import ago, find

NOW = 1_764_800_000_000
MIN, DAY = 60_000, 86_400_000
USERS = [{"id": "u-fh", "name": "Frances Haddad"}, {"id": "u-other", "name": "Sam Other"}]


def _form(fid, **over):
    form = {
        "id": fid,
        "user": "u-fh",
        "panel": "p1",
        "interview": "i1",
        "baseTemplateId": "t1",
        "completedAt": NOW - 2 * DAY,
        "deletedAt": None,
    }
    form.update(over)
    return parse_feedback(form)  # as the outbox and the cache read Lever's answer


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (30_000, "just now"),
        (5 * MIN, "5 minutes ago"),
        (61 * MIN, "an hour ago"),
        (5 * 60 * MIN, "5 hours ago"),
        (DAY + MIN, "yesterday"),
        (2 * DAY + 5 * MIN, "2 days ago"),
        (-MIN, "just now"),  # a clock slightly ahead
    ],
)
def test_ago_speaks_like_a_person(delta, text):
    assert ago(NOW - delta, NOW) == text


def test_long_ago_names_the_day():
    assert ago(NOW - 45 * DAY, NOW).startswith("on ")


def test_the_notice_names_the_author_and_when():
    [own] = find([_form("f1")], USERS, "u-fh", "t1", "p1", "i1")
    assert own.describe(NOW) == "Frances Haddad submitted feedback for this interview 2 days ago"


def test_same_interview_same_author_only_and_never_deleted_or_unsubmitted():
    forms = [
        _form("mine"),
        _form("other-person", user={"id": "u-other"}),
        _form("other-iv", interview="i2"),
        _form("deleted", deletedAt=NOW),
        _form("unsubmitted", completedAt=None),
    ]
    assert [f.feedback_id for f in find(forms, USERS, "u-fh", "t1", "p1", "i1")] == ["mine"]
    assert find(forms, USERS, "u-fh", "t1", "p1", "i1", exclude=["mine"]) == []  # e.g. the draft's own form


def test_without_an_interview_the_panel_or_else_the_template_on_the_opportunity():
    forms = [_form("panel-p1", interview="i9"), _form("no-panel", panel=None, interview=None)]
    assert [f.feedback_id for f in find(forms, USERS, "u-fh", "t1", "p1", None)] == ["panel-p1"]
    [loose] = find(forms, USERS, "u-fh", "t1", None, None)
    assert loose.feedback_id == "no-panel" and "for this candidate" in loose.describe(NOW)
    assert find(forms, USERS, "u-fh", "t-other", None, None) == []
