"""Errors in words: one vocabulary for the window and the command line.

Each error we expect says what happened in the same sentence wherever it is read; only the way
forward depends on where the person is (the window points at Settings, the command line also at
the environment variable that overrides it). Anything not listed here is a bug, and the callers
say so in their own way (a dialog with details, a line pointing at the log).

Matched on class names along the exception's MRO, so this module does not import the layers
whose errors it explains (and works while they evolve). No Qt: the GUI and the CLI both use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Where = Literal["app", "cli"]
APP: Where = "app"
CLI: Where = "cli"


@dataclass(frozen=True)
class Words:
    what: str  # what happened, the same sentence everywhere
    app: str = ""  # the way forward in the window
    cli: str = ""  # the way forward at the command line ("" = the same as in the window)

    def say(self, where: Where) -> str:
        forward = (self.cli or self.app) if where == CLI else self.app
        return f"{self.what} {forward}".strip()


_RETRIES_BY_ITSELF = "Lever Desktop will retry by itself."
_BY_CLASS: dict[str, Words | None] = {  # None: the error's own message already says how to fix it
    "LeverAuthError": Words(
        "Lever rejected the API key.",
        app="Open Settings (Ctrl+,) to check it.",
        cli="Check the key in Settings or LEVER_API_KEY.",
    ),
    "LeverUnavailable": Words(
        "Lever could not be reached.",
        app="Everything keeps working from the cache; approvals wait in the outbox and go out when Lever is back.",
        cli="Check the network and run the command again.",
    ),
    "LeverRateLimited": Words(
        "Lever asked us to slow down.", app=_RETRIES_BY_ITSELF, cli="Run the command again in a minute."
    ),
    "LeverServerError": Words(
        "Lever had a problem answering.", app=_RETRIES_BY_ITSELF, cli="Run the command again later."
    ),
    "AmbiguousWriteError": Words(
        "Lever may or may not have stored a submission;",
        app="Lever Desktop checks before retrying, so nothing is sent twice.",
    ),
    "ConfigError": None,
    "SecretStoreError": None,
    "StoreError": None,  # the cache: says what is wrong and, when damaged, which backup to restore
}
# A 403: the key is right but may not do this; no setting on this side fixes it.
FORBIDDEN = Words("Lever refused this action for the API key's permissions.", app="Ask a Lever admin to widen them.")


def explain(exc: BaseException, where: Where = APP) -> str | None:
    """The sentence for a person, or ``None`` when the error is a bug."""
    for cls in type(exc).__mro__:
        if cls.__name__ not in _BY_CLASS:
            continue
        words = _BY_CLASS[cls.__name__]
        if cls.__name__ == "LeverAuthError" and getattr(exc, "forbidden", False):
            words = FORBIDDEN
        return words.say(where) if words is not None else str(exc)
    return None


def plural(n: int, noun: str, many: str | None = None) -> str:
    """ "1 candidate", "2 candidates", "1,204 candidates": a count with its noun agreeing."""
    return f"{n:,} {noun if n == 1 else (many or noun + 's')}"


# What the outbox and the sync record of a failure is "ClassName: METHOD /path: detail" (for the
# log and the technical details); a recruiter reads the sentence for the class instead.
_UNEXPECTED = "Something went wrong; the technical details say what."


def in_words(recorded: str | None, where: Where = APP, *, brief: bool = False) -> str:
    """The sentence for a recorded error text (``"LeverUnavailable: POST /…: …"``), never its raw form.

    A record may chain causes ("answer lost; then LeverUnavailable: …"): the first error we know
    speaks for it. Text with no exception name and no request in it is already words. ``brief``:
    what happened only, for a table cell."""
    if not recorded:
        return ""
    for name in _EXCEPTION_NAME.findall(recorded):
        if name in _BY_CLASS:
            words = _BY_CLASS[name]
            if name == "LeverAuthError" and "HTTP 403" in recorded:
                words = FORBIDDEN
            if words is not None:
                return words.what if brief else words.say(where)
            return recorded.split(name + ":", 1)[-1].strip() or _UNEXPECTED
    if _EXCEPTION_NAME.search(recorded) or _REQUEST.search(recorded):
        return _UNEXPECTED
    return recorded


_EXCEPTION_NAME = re.compile(r"\b([A-Z][A-Za-z]*(?:Error|Exception|Unavailable|Limited|Timeout|Refused))\b")
_REQUEST = re.compile(r"\b(?:GET|POST|PUT|DELETE|PATCH) /")


def explain_or_generic(exc: BaseException, where: Where = APP) -> str:
    """``explain``, or a plain sentence for an error we did not expect (its details go to the log)."""
    return explain(exc, where) or _UNEXPECTED
