"""Reading the relay's feed page without trusting it."""

from __future__ import annotations

import ipaddress
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from lever_desktop.relay.deliveries import canonical


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


def check_relay_url(url: str) -> str:
    """https anywhere; plain http only to loopback (tokens must not cross a network in clear)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    # Messages never repeat the URL: a pasted URL may carry a token.
    if parts.scheme not in ("http", "https") or not host:
        raise ValueError("The relay URL is not an http(s) URL (it looks like https://relay.example.com).")
    if parts.scheme == "http" and not _loopback(host):
        raise ValueError("The relay URL must use https:// (plain http:// is allowed only on loopback).")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("Put the relay token in Settings, not in the relay URL (no user, ?query or #fragment).")
    return url.strip().rstrip("/")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
