"""The privacy settings: who sees other people's feedback, and how long submitted drafts keep their text."""

from __future__ import annotations

import json

import pytest

from lever_desktop import config, paths


def _load(**saved) -> config.Settings:
    paths.settings_path().parent.mkdir(parents=True, exist_ok=True)
    paths.settings_path().write_text(json.dumps(saved), encoding="utf-8")
    return config.Settings.load()


def test_an_install_from_before_the_choice_hides_others_feedback_and_keeps_90_days():
    s = _load(region="eu", relay_url="https://relay.example.com")
    assert (s.role, s.others_feedback_visible, s.submitted_retention_days) == (None, False, 90)


@pytest.mark.parametrize(
    ("role", "override", "visible"),
    [
        ("interviewer", None, False),
        ("recruiter", None, True),
        ("interviewer", True, True),
        ("recruiter", False, False),
    ],
)
def test_the_role_sets_the_default_and_the_setting_overrides_it(role, override, visible):
    s = _load(role=role, show_others_feedback=override)
    assert s.others_feedback_visible is visible


@pytest.mark.logs_warnings("a hand-edited setting is logged")
@pytest.mark.parametrize("days", ["90", 0, -5, 2.5, True, None])
def test_a_hand_edited_retention_falls_back_to_90_days(days):
    assert _load(submitted_retention_days=days).submitted_retention_days == 90


def test_odd_values_fall_back_to_the_safe_side():
    s = _load(role="boss", show_others_feedback="yes")
    assert (s.role, s.show_others_feedback, s.others_feedback_visible) == (None, None, False)


def test_the_choice_survives_save_and_load():
    s = config.Settings(role="recruiter", show_others_feedback=False, submitted_retention_days=14)
    paths.settings_path().parent.mkdir(parents=True, exist_ok=True)
    s.save()
    again = config.Settings.load()
    assert (again.role, again.others_feedback_visible, again.submitted_retention_days) == ("recruiter", False, 14)
