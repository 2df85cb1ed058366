"""Errors in words: one sentence with a way forward for every error we expect.

Matched on class names along the exception's MRO, so this module does not
import the layers whose errors it explains (and works while they evolve).
"""

from __future__ import annotations

_BY_CLASS: dict[str, str] = {
    "LeverAuthError": "Lever rejected the API key. Open Settings (Ctrl+,) to check it.",
    "LeverUnavailable": "Lever cannot be reached right now. Everything keeps working from the cache; "
    "approvals wait in the outbox and go out when Lever is back.",
    "LeverRateLimited": "Lever asked us to slow down. Lever Desktop will retry by itself.",
    "LeverServerError": "Lever had a problem answering. Lever Desktop will retry by itself.",
    "AmbiguousWriteError": "Lever may or may not have stored a submission; Lever Desktop checks before retrying, "
    "so nothing is sent twice.",
    "ConfigError": "",  # its own message says how to fix it
    "SecretStoreError": "",
    "StoreError": "",  # the cache: says what is wrong and, when damaged, which backup to restore
}


def explain(exc: BaseException) -> str | None:
    """The sentence for a person, or ``None`` when the error is a bug."""
    for cls in type(exc).__mro__:
        text = _BY_CLASS.get(cls.__name__)
        if text is None:
            continue
        if cls.__name__ == "LeverAuthError" and getattr(exc, "forbidden", False):
            return "Lever refused this action for the API key's permissions. Ask a Lever admin to widen them."
        return text or str(exc)
    return None
