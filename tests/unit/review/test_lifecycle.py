"""The draft lifecycle allows exactly the transitions of the issue."""

from __future__ import annotations

import pytest

from lever_desktop.review.lifecycle import ALLOWED, TransitionError, check_transition
from lever_desktop.review.lifecycle import DraftState as S


def test_happy_path():
    path = [S.RECEIVED, S.IN_REVIEW, S.APPROVED, S.SUBMITTING, S.SUBMITTED]
    for a, b in zip(path, path[1:]):
        assert check_transition("d", a, b) is b


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (S.SUBMITTED, S.APPROVED),  # a stored form is final: never send again
        (S.DISCARDED, S.IN_REVIEW),
        (S.RECEIVED, S.SUBMITTING),  # nothing reaches Lever without approval
        (S.IN_REVIEW, S.SUBMITTED),
        (S.SUBMITTING, S.DISCARDED),  # in flight: only Lever's answer moves it
        (S.SUBMITTING, S.IN_REVIEW),
        (S.AMENDING, S.APPROVED),  # an amendment is a PUT of the same form, never a new POST
        (S.AMEND_QUEUED, S.SUBMITTING),
        (S.WITHDRAWING, S.AMENDING),  # confirmed: only Lever's answer moves it
        (S.WITHDRAWN, S.APPROVED),
    ],
)
def test_forbidden_transitions_say_why(a, b):
    with pytest.raises(TransitionError) as e:
        check_transition("d-9", a, b)
    assert "d-9" in str(e.value) and a.value.replace("_", " ") in str(e.value)


def test_amend_and_withdraw_paths():
    for path in (
        [S.SUBMITTED, S.AMENDING, S.AMEND_QUEUED, S.SUBMITTED],
        [S.SUBMITTED, S.WITHDRAWING, S.WITHDRAWN],
        [S.AMEND_QUEUED, S.NEEDS_ATTENTION, S.APPROVED],
    ):  # the form was deleted in Lever: a new one
        for a, b in zip(path, path[1:]):
            assert check_transition("d", a, b) is b
    assert not ALLOWED[S.WITHDRAWN]


def test_every_state_reaches_a_final_state():
    # Submitted rests (it may still be amended or withdrawn); discarded and withdrawn are final.
    final = {S.SUBMITTED, S.DISCARDED, S.WITHDRAWN}
    for start in S:
        seen, todo = set(), [start]
        while todo:
            s = todo.pop()
            seen.add(s)
            todo.extend(ALLOWED[s] - seen)
        assert seen & final, start
