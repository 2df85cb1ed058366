"""Reading the relay's feed page without trusting it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from lever_desktop.relay.deliveries import canonical

__all__ = ["FeedItem", "RelayError", "RelayUnauthorized", "parse_feed"]


class RelayError(Exception):
    """The relay could not be read (down, refused, or answered nonsense); the message is safe to show."""


class RelayUnauthorized(RelayError):
    """The relay refused the reader token."""


@dataclass(frozen=True)
class FeedItem:
    seq: int
    kind: str
    body: Any
    text: str  # the body as JSON text, kept in the raw store
    size: int
    problem: str | None = None  # why this one item cannot be used (it is rejected; the feed goes on)


def parse_feed(raw: bytes) -> list[FeedItem]:
    """Items of one feed page; a page that is not protocol v1 raises ``RelayError``."""
    try:
        page = json.loads(raw)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to parse
        raise RelayError("the relay answered with something that is not JSON") from None
    items = page.get("items") if isinstance(page, dict) else None
    if not isinstance(items, list):
        raise RelayError("the relay's feed page has no item list (protocol v1 expected)")
    out = []
    for it in items:
        seq = it.get("seq") if isinstance(it, dict) else None
        if isinstance(seq, bool) or not isinstance(seq, int) or seq < 1:
            raise RelayError("the relay sent an item without a valid sequence number")
        kind = it.get("kind")
        out.append(_item(seq, kind if isinstance(kind, str) else "?", it.get("body")))
    return out


def _item(seq: int, kind: str, body: Any) -> FeedItem:
    """One item; a poison body (a lone surrogate, nesting JSON can't re-encode) becomes a rejected
    item instead of an error that would stop the whole feed at it, for every poll, for 30 days."""
    try:
        text = canonical(body)
    except (ValueError, RecursionError):
        return FeedItem(seq, kind, None, "", 0, "unparseable")
    try:
        size = len(text.encode())
    except UnicodeEncodeError:  # JSON allows "\ud800"; UTF-8, signatures and SQLite do not
        return FeedItem(seq, kind, None, text, len(text.encode("utf-8", "surrogatepass")), "undecodable")
    return FeedItem(seq, kind, body, text, size)
