"""Webhook signature tokens as customers have them, in and out of the keychain.

Lever customers describe two shapes: one account-wide "webhook signing token" (Lever's
Settings -> Integrations and API -> Webhooks page used to show one for every webhook), and
one token per event (every webhook created through the API has its own). People paste
either, so ``parse`` accepts:

- one token: the account-wide one;
- a JSON object ``{"candidateStageChange": "...", "*": "..."}`` (``"*"``: account-wide);
- lines ``event = token`` (a line holding only a token is the account-wide one).

The result is one ``{event|"*": token}`` map, stored in the keychain as JSON; the poller
verifies a delivery with its event's token, else the account-wide one
(``lever.signatures.signature_token_for``). Messages never repeat what was typed: it may
be a secret in the wrong place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from lever_desktop import secrets
from lever_desktop.lever.signatures import ACCOUNT_WIDE, EVENTS

# Lever's tokens are 48 letters and digits; allow the other URL-safe characters, never spaces.
_TOKEN = re.compile(r"[A-Za-z0-9_\-]{8,256}")
FORMAT_HINT = (
    'give one account-wide signature token, a JSON object {"event": "signatureToken", ...} '
    '("*" for the account-wide one), or one "event = token" per line'
)


class TokenFormatError(ValueError):
    """The tokens could not be read; the message names the problem, never a token."""


def parse(text: str, what: str = "Webhook signature tokens") -> dict[str, str]:
    """``{event|"*": token}`` from what a person typed; ``{}`` for nothing. Raises ``TokenFormatError``."""
    raw = text.strip()
    if not raw:
        return {}
    if raw.startswith("{"):
        try:
            value = json.loads(raw)
        except ValueError:
            raise TokenFormatError(f"{what}: the JSON is not valid; {FORMAT_HINT}.") from None
        if not isinstance(value, dict):
            raise TokenFormatError(f"{what}: {FORMAT_HINT}.")
        return _checked(list(value.items()), what, "entry")
    lines = [line.strip() for line in raw.splitlines()]
    if len(lines) == 1 and "=" not in raw and not _TOKEN.fullmatch(raw):
        raise TokenFormatError(f"{what}: this is not a signature token; {FORMAT_HINT}.")
    pairs: list[tuple[Any, Any]] = []
    for line in lines:
        if not line:
            continue
        event, sep, token = line.partition("=")
        pairs.append((event.strip(), token.strip()) if sep else (ACCOUNT_WIDE, line))
    return _checked(pairs, what, "line" if len(lines) > 1 else "entry")


def _checked(pairs: list[tuple[Any, Any]], what: str, unit: str) -> dict[str, str]:
    tokens: dict[str, str] = {}
    for n, (event, token) in enumerate(pairs, 1):
        where = f"{what}, {unit} {n}" if len(pairs) > 1 else what
        if event != ACCOUNT_WIDE and event not in EVENTS:
            raise TokenFormatError(
                f"{where}: not a Lever webhook event (the events are {', '.join(EVENTS)}, "
                f'and "*" for the account-wide token).'
            )
        if not isinstance(token, str) or not _TOKEN.fullmatch(token):
            raise TokenFormatError(
                f"{where}: the token is not a signature token (letters and digits, no spaces or quotes)."
            )
        if event in tokens:
            raise TokenFormatError(f"{where}: a second token for the same event.")
        tokens[event] = token
    return tokens


def dumps(tokens: Mapping[str, str]) -> str:
    """The keychain's form: one JSON object (``""`` for none)."""
    return json.dumps(dict(tokens), sort_keys=True) if tokens else ""


def describe(tokens: Mapping[str, str]) -> str:
    """What is held, in words and without a token: "account-wide token, 3 event tokens"."""
    per_event = sum(1 for k in tokens if k != ACCOUNT_WIDE)
    parts = (["an account-wide token"] if ACCOUNT_WIDE in tokens else []) + (
        [f"{per_event} event token{'s' * (per_event != 1)}"] if per_event else []
    )
    return ", ".join(parts) or "no tokens"


KEYCHAIN = "The webhook signature tokens in the keychain"


def load_keychain() -> dict[str, str]:
    """The tokens kept in the keychain (blocking: call it off the GUI thread)."""
    return parse(secrets.get_secret(secrets.WEBHOOK_TOKENS) or "", KEYCHAIN)


def keep_in_keychain(new: Mapping[str, str]) -> None:
    """Add tokens to the keychain's, an event's new token replacing its old one (blocking).
    A stored value that cannot be read is replaced: this is how a person repairs it."""
    try:
        kept = load_keychain()
    except TokenFormatError:
        kept = {}
    secrets.set_secret(secrets.WEBHOOK_TOKENS, dumps({**kept, **new}))
