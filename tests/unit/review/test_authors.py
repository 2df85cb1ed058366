"""perform_as resolution: the right author or a reason the reviewer can act on."""

from __future__ import annotations

import pytest

from lever_desktop.review.authors import AuthorUnresolved, ServiceAccountNotConfirmed, resolve_author

USERS = [
    {"id": "u-ana", "name": "Ana", "email": "ana@example.com", "deactivatedAt": None},
    {"id": "u-old", "name": "Bob", "email": "bob@example.com", "deactivatedAt": 1700000000000},
    {"id": "u-svc", "name": "Feedback Bot", "email": "bot@example.com", "deactivatedAt": None},
    {"id": "u-cy", "name": "Cy", "email": "cy@example.com", "deactivatedAt": None},
]
INTERVIEW = {"id": "int-1", "interviewers": [{"id": "u-ana", "email": "ana@example.com"}]}


def test_interviewer_email_matches_case_insensitively():
    a = resolve_author("  ANA@Example.COM ", USERS, INTERVIEW)
    assert (a.user_id, a.via, a.warnings) == ("u-ana", "interviewer", [])
    assert "Ana <ana@example.com>" in a.describe() and "the interviewer" in a.describe()


def test_unknown_interviewer():
    with pytest.raises(AuthorUnresolved) as e:
        resolve_author("nobody@example.com", USERS)
    assert e.value.code == "unknown_interviewer" and "nobody@example.com" in str(e.value)


def test_deactivated_interviewer():
    with pytest.raises(AuthorUnresolved) as e:
        resolve_author("bob@example.com", USERS)
    assert e.value.code == "interviewer_deactivated"


def test_active_user_wins_over_deactivated_namesake():
    users = USERS + [{"id": "u-bob2", "name": "Bob", "email": "BOB@example.com", "deactivatedAt": None}]
    assert resolve_author("bob@example.com", users).user_id == "u-bob2"


def test_not_on_the_panel_is_a_warning():
    a = resolve_author("cy@example.com", USERS, INTERVIEW)
    assert a.user_id == "u-cy" and "not one of the interviewers" in a.warnings[0]


def test_service_account_needs_explicit_confirmation():
    with pytest.raises(ServiceAccountNotConfirmed):
        resolve_author("bob@example.com", USERS, chosen_email="bot@example.com",
                       service_account_email="bot@example.com")
    a = resolve_author("bob@example.com", USERS, chosen_email="bot@example.com",
                       service_account_email="bot@example.com", confirm_service_account=True)
    assert (a.user_id, a.via) == ("u-svc", "service_account")
    assert "service account" in a.describe()


def test_service_account_is_never_a_silent_fallback():
    with pytest.raises(AuthorUnresolved) as e:
        resolve_author("nobody@example.com", USERS, service_account_email="bot@example.com",
                       confirm_service_account=True)
    assert e.value.code == "unknown_interviewer"


def test_another_reviewer_chosen_author():
    a = resolve_author("bob@example.com", USERS, INTERVIEW, chosen_email="cy@example.com")
    assert (a.user_id, a.via) == ("u-cy", "chosen") and a.warnings
