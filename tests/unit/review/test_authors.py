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
        resolve_author(
            "bob@example.com", USERS, chosen_email="bot@example.com", service_account_email="bot@example.com"
        )
    a = resolve_author(
        "bob@example.com",
        USERS,
        chosen_email="bot@example.com",
        service_account_email="bot@example.com",
        confirm_service_account=True,
    )
    assert (a.user_id, a.via) == ("u-svc", "service_account")
    assert "service account" in a.describe()


def test_service_account_is_never_a_silent_fallback():
    with pytest.raises(AuthorUnresolved) as e:
        resolve_author(
            "nobody@example.com", USERS, service_account_email="bot@example.com", confirm_service_account=True
        )
    assert e.value.code == "unknown_interviewer"


def test_another_reviewer_chosen_author():
    a = resolve_author("bob@example.com", USERS, INTERVIEW, chosen_email="cy@example.com")
    assert (a.user_id, a.via) == ("u-cy", "chosen") and a.warnings


def test_the_reasons_name_no_command_line_flag():
    """#14.10: the window showed "choose the author with --as"; the way forward is in words."""
    for email in ("nobody@example.com", "bob@example.com"):
        with pytest.raises(AuthorUnresolved) as e:
            resolve_author(email, USERS)
        assert "--" not in str(e.value) and "choose another author" in str(e.value).lower()


def test_any_active_user_can_be_chosen_besides_the_interviewer_and_the_service_account():
    from lever_desktop.review.authors import choices

    offered = choices(
        USERS + [{"id": "u-al", "name": "al", "email": "al@example.com"}], "ANA@example.com", "bot@example.com"
    )
    assert offered == [("al <al@example.com>", "al@example.com"), ("Cy <cy@example.com>", "cy@example.com")]
    a = resolve_author("nobody@example.com", USERS, INTERVIEW, chosen_email="cy@example.com")
    assert (a.user_id, a.via) == ("u-cy", "chosen")
    assert a.in_words() == "Cy <cy@example.com> (chosen instead of the interviewer)" and "u-cy" not in a.in_words()


def test_choosing_someone_else_is_asked_in_words():
    from lever_desktop.review.authors import confirmation

    q = confirmation("Cy <cy@example.com>", "nobody@example.com", service_account=False)
    assert "as written by Cy <cy@example.com>, not by the interviewer nobody@example.com" in q
    assert "the service account bot@example.com" in confirmation(
        "bot@example.com", "ana@example.com", service_account=True
    )


def test_approval_refusals_read_in_the_window_name_no_ids_or_options():
    from lever_desktop.review.approval import _WINDOW_WORDS, ApprovalError

    refused = ApprovalError(
        "Draft 3f2a1c9e-aaaa has values Lever would reject", ["f-1: not an option"], code="invalid_values"
    )
    assert "3f2a1c9e" in str(refused) and "3f2a1c9e" not in refused.in_words()  # the command line keeps the id
    assert (
        refused.in_words({"f-1": "Seniority"})
        == "Lever would reject some answers as they are: Seniority: not an option"
    )
    assert not [w for w in _WINDOW_WORDS.values() if "--" in w or "Draft " in w]
