"""One error vocabulary: the window and the command line say what happened in the same words and
differ only in the way forward from where the person is."""

from __future__ import annotations

import pytest

from lever_desktop import messages
from lever_desktop.config import ConfigError
from lever_desktop.lever import errors as le
from lever_desktop.sync.commands import _advice
from lever_desktop.sync.events import SyncReport

KNOWN = [
    le.LeverAuthError("Lever rejected the API key; check the key in Settings (Unauthorized)", status=401),
    le.LeverAuthError("Lever refused this request (Forbidden)", status=403),
    le.LeverUnavailable("Lever could not be reached (ConnectError)"),
    le.LeverRateLimited("Too many requests", status=429),
    le.LeverServerError("Internal error", status=503),
]


def test_known_errors_are_explained_in_words_and_bugs_are_not():
    assert messages.explain(ConfigError("No Lever API key is configured.")) == "No Lever API key is configured."
    assert messages.explain(ConfigError("No Lever API key is configured."), messages.CLI) == (
        "No Lever API key is configured."
    )
    assert messages.explain(KeyError("x")) is None
    assert messages.explain(KeyError("x"), messages.CLI) is None


@pytest.mark.parametrize("error", KNOWN, ids=lambda e: f"{type(e).__name__}-{e.status}")
def test_the_window_and_the_command_line_say_what_happened_in_the_same_words(error):
    app, cli = messages.explain(error, messages.APP), messages.explain(error, messages.CLI)
    what = app.split(". ")[0]
    assert cli.startswith(what + ".")
    assert "Ctrl+," not in cli  # the way forward fits where the person is
    sync_says = _advice(SyncReport(full=False, resources=[], error=error))
    assert sync_says.startswith(cli)  # the sync command adds only what is its own


def test_a_key_without_permission_is_not_sent_to_check_the_key():
    forbidden = le.LeverAuthError("Lever refused this request (Forbidden)", status=403)
    said = _advice(SyncReport(full=False, resources=[], error=forbidden))
    assert (
        said
        == messages.explain(forbidden)
        == ("Lever refused this action for the API key's permissions. Ask a Lever admin to widen them.")
    )
    assert "LEVER_API_KEY" not in said


def test_a_sync_stopped_by_anything_else_says_what_was_kept():
    said = _advice(SyncReport(full=False, resources=[], cancelled=True))
    assert said == "The sync stopped. " + "What was fetched is kept; the next sync resumes from there."
    wrong_key = _advice(SyncReport(full=False, resources=[], error=KNOWN[0]))
    assert wrong_key == "Lever rejected the API key. Check the key in Settings or LEVER_API_KEY."


def test_counts_agree_with_their_noun():
    assert messages.plural(1, "candidate") == "1 candidate"
    assert messages.plural(0, "candidate") == "0 candidates"
    assert messages.plural(1204, "candidate") == "1,204 candidates"
    assert messages.plural(2, "entry", "entries") == "2 entries"


@pytest.mark.parametrize(
    ("recorded", "said"),
    [
        (
            "LeverUnavailable: POST /opportunities/0761-x/feedback: Lever could not be reached (ConnectError)",
            "Lever could not be reached.",
        ),
        (
            "answer lost; then LeverServerError: GET /opportunities/x/feedback: boom (HTTP 503)",
            "Lever had a problem answering.",
        ),
        (
            "LeverAuthError: GET /users: Forbidden (HTTP 403)",
            "Lever refused this action for the API key's permissions.",
        ),
        ("KeyError: 'x'", "Something went wrong; the technical details say what."),
        ("Lever's answer named no form; reading it back", "Lever's answer named no form; reading it back"),
        (None, ""),
    ],
)
def test_a_recorded_error_is_said_in_words_never_as_recorded(recorded, said):
    assert messages.in_words(recorded, brief=True) == said
