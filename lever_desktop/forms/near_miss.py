"""Recognise AI values that are almost right, so the reviewer can accept a fix in one click.

Nothing here changes a value by itself: these helpers only propose a corrected wire value.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

_LEADING_NUMBER = re.compile(r"^\s*(\d+)\s*(?:[-–—:.)]\s*|\s+|$)(.*)$", re.S)
_INTEGER = re.compile(r"^\s*-?[0-9]+\s*$")
_DASHES = str.maketrans({"–": "-", "—": "-", "‐": "-", "‒": "-", "−": "-"})


def normalise(text: str) -> str:
    """Case-, width- and spacing-insensitive form of an option text."""
    text = unicodedata.normalize("NFKC", text).translate(_DASHES).casefold()
    text = re.sub(r"\s*-\s*", " - ", text)
    return " ".join(text.split())


def leading_number(text: str) -> int | None:
    """3 for "3 - Hire"; None when the text does not start with a number."""
    match = _LEADING_NUMBER.match(text)
    return int(match.group(1)) if match else None


def _tail(text: str) -> str:
    match = _LEADING_NUMBER.match(text)
    return normalise(match.group(2)) if match else ""


def as_int(value: Any) -> int | None:
    """An integer hiding in a float (3.0) or a numeric string ("3", " 3 ")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.match(value):
        return int(value)
    return None


def match_option(value: Any, options: tuple[str, ...], option_ids: tuple[str | None, ...] = ()) -> str | None:
    """The single option a near-miss value most plausibly means, or None.

    Accepts: different case/spacing/dashes, the option's number alone ("3" or 3 for
    "3 - Hire"), its words without the number ("strong hire"), an ``optionId``, or an
    option object ``{"text": ...}``. Ambiguous values match nothing.
    """
    if isinstance(value, dict):
        value = value.get("text", value.get("optionId"))
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str) and value in option_ids:
        return options[option_ids.index(value)]
    number = as_int(value)
    if not isinstance(value, str):
        value = str(number) if number is not None else str(value)
    wanted = normalise(value)
    if not wanted:
        return None
    candidates = [o for o in options if normalise(o) == wanted]
    if not candidates and number is not None:
        candidates = [o for o in options if leading_number(o) == number]
    if not candidates:
        candidates = [o for o in options if _tail(o) and _tail(o) == wanted]
    if not candidates and leading_number(value) is not None:
        # "3 – hire!" style: trust the number only when the words agree too
        candidates = [
            o for o in options if leading_number(o) == leading_number(value) and _tail(value) in (_tail(o), "")
        ]
    return candidates[0] if len(candidates) == 1 else None
