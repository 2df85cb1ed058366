"""Lever webhook signatures.

Lever signs ``token + str(triggeredAt)`` with HMAC-SHA256 keyed by the
per-webhook signature token; the body itself is not signed. Customers hold either one
token per event (each webhook made through the API has its own) or one account-wide
"webhook signing token" (Lever's settings page): ``signature_token_for`` picks the key.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

ACCOUNT_WIDE = "*"  # the key of the account-wide token among {event: signatureToken}
# The webhook events the app subscribes to (relay/deliveries.py routes each to a re-read): the
# events a signature token may be for. Here, below the settings that parse those tokens.
EVENTS = (
    "candidateStageChange",
    "candidateArchiveChange",
    "candidateHired",
    "applicationCreated",
    "candidateDeleted",
    "interviewCreated",
    "interviewUpdated",
    "interviewDeleted",
    "contactCreated",
    "contactUpdated",
)


def sign(token: str, triggered_at: int, signature_token: str) -> str:
    msg = f"{token}{triggered_at}".encode()
    return hmac.new(signature_token.encode(), msg, hashlib.sha256).hexdigest()


def verify(body: Mapping[str, Any], signature_token: str) -> bool:
    """True when ``body`` carries a valid Lever signature for ``signature_token``.

    Malformed bodies (missing or mistyped ``token``/``triggeredAt``/``signature``)
    are simply not valid: this never raises on bad input.
    """
    if not isinstance(body, Mapping) or not signature_token:
        return False
    token = body.get("token")
    triggered_at = body.get("triggeredAt")
    signature = body.get("signature")
    if not isinstance(token, str) or not isinstance(signature, str) or not token:
        return False
    if isinstance(triggered_at, bool) or not isinstance(triggered_at, int):
        return False
    expected = sign(token, triggered_at, signature_token)
    return hmac.compare_digest(expected.encode(), signature.lower().encode())


def signature_token_for(tokens: Mapping[str, str], event: str) -> str | None:
    """The event's own token when there is one, else the account-wide one (``None``: neither)."""
    return tokens.get(event) or tokens.get(ACCOUNT_WIDE) or None
