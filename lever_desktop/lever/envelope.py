"""Lever's response envelopes: ``{data}``, ``{data: {data}}``, lists with ``hasNext``/``next``.

Lever's docs show single objects wrapped once, twice, or bare; unwrap defensively,
but never mistake an object that merely has a ``data`` field for an envelope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

_ENVELOPE_KEYS = frozenset({"data", "hasNext", "next"})


def envelope(body: Any) -> Any:
    """The innermost ``{data, hasNext?, next?}`` dict, or ``body`` itself when bare."""
    while (
        isinstance(body, dict)
        and isinstance(body.get("data"), dict)
        and "data" in body["data"]
        and set(body["data"]) <= _ENVELOPE_KEYS
    ):
        body = body["data"]
    return body


def unwrap(body: Any) -> Any:
    """``{data: X}`` and ``{data: {data: X}}`` give X; a bare object is returned as is."""
    env = envelope(body)
    if isinstance(env, dict) and "data" in env and set(env) <= _ENVELOPE_KEYS:
        return env["data"]
    return env


@dataclass(frozen=True)
class Page:
    records: list[Any]
    has_next: bool
    next: str | None

    @classmethod
    def of(cls, body: Any) -> Page | None:
        """The page in a list answer; None when ``body`` is not a list envelope."""
        env = envelope(body)
        records = env.get("data") if isinstance(env, dict) else None
        if not isinstance(records, list):
            return None
        token = env.get("next")
        return cls(records, bool(env.get("hasNext")), token if isinstance(token, str) and token else None)
