"""Lever's list envelope and offset tokens.

Tokens look like Lever's: a URL-encoded JSON array (so they contain ``%``), e.g.
``%5B1%2C1779397451223%2C%22991d...%22%2C%225f0c...%22%5D``. A token carries the sort
key of the last record served and a fingerprint of the filter set; reused with
other filters it is refused the way Lever refuses it. Stricter reading: a token
must come back exactly as issued — a decoded or rebuilt one is refused too.
"""

from __future__ import annotations

import bisect
import hashlib
import json
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote, unquote

from lever_desktop.sandbox.http import bad_request

IGNORED_FOR_FINGERPRINT = {"offset", "limit", "perform_as"}


def parse_limit(params: Any) -> int:
    raw = params.get("limit")
    if raw is None:
        return 100
    try:
        limit = int(raw)
    except ValueError:
        raise bad_request(f"Invalid value for parameter limit: {raw!r} is not an integer") from None
    if not 1 <= limit <= 100:
        raise bad_request("Invalid value for parameter limit: must be between 1 and 100")
    return limit


def fingerprint(path: str, params: Any) -> str:
    items = sorted((k, v) for k, v in params.multi_items() if k not in IGNORED_FOR_FINGERPRINT)
    return hashlib.sha1(json.dumps([path, items]).encode()).hexdigest()[:16]


def encode_token(key: tuple[int, str], fp: str) -> str:
    return quote(json.dumps([1, key[0], key[1], fp], separators=(",", ":")), safe="")


def decode_token(raw: str, fp: str) -> tuple[int, str]:
    try:
        if "%" not in raw:
            raise ValueError("not URL-encoded")
        version, ts, last_id, token_fp = json.loads(unquote(raw))
        if version != 1 or not isinstance(ts, int) or not isinstance(last_id, str):
            raise ValueError("bad shape")
    except (ValueError, TypeError):
        raise bad_request("Invalid offset token: Unable to parse offset token") from None
    if token_fp != fp:
        raise bad_request("Invalid offset token: Offset token is invalid for sort")
    return ts, last_id


def start_key(path: str, params: Any) -> tuple[str, tuple[int, str] | None]:
    fp = fingerprint(path, params)
    raw = params.get("offset")
    return fp, (decode_token(raw, fp) if raw else None)


def envelope(data: list[dict[str, Any]], next_key: tuple[int, str] | None, fp: str) -> dict[str, Any]:
    if next_key is None:
        return {"data": data, "hasNext": False}
    return {"data": data, "hasNext": True, "next": encode_token(next_key, fp)}


def page_of(
    path: str, params: Any, items: Sequence[dict[str, Any]], key: Callable[[dict[str, Any]], tuple[int, str]]
) -> dict[str, Any]:
    """One page of ``items`` (already filtered), ordered by ``key``."""
    limit = parse_limit(params)
    fp, after = start_key(path, params)
    ordered = sorted(items, key=key)
    keys = [key(i) for i in ordered]
    start = bisect.bisect_right(keys, after) if after else 0
    chunk = ordered[start : start + limit]
    more = start + limit < len(ordered)
    return envelope(list(chunk), keys[start + limit - 1] if more else None, fp)


def scan_page(
    path: str,
    params: Any,
    total: int,
    key: Callable[[int], tuple[int, str]],
    match: Callable[[int], bool],
    render: Callable[[int], dict[str, Any]],
    first_row: Callable[[tuple[int, str] | None], int],
) -> dict[str, Any]:
    """A page over row-indexed data too large to sort per request (opportunities).

    Rows are in key order already; ``first_row`` maps a token's key to the row after it.
    """
    limit = parse_limit(params)
    fp, after = start_key(path, params)
    out: list[int] = []
    row = first_row(after)
    while row < total and len(out) <= limit:
        if match(row):
            out.append(row)
        row += 1
    more = len(out) > limit
    out = out[:limit]
    return envelope([render(r) for r in out], key(out[-1]) if more else None, fp)
