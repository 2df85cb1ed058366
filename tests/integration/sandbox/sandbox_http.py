"""HTTP helpers for the sandbox tests: a Basic-auth client and a full list walk."""

from __future__ import annotations

import httpx


def client(sandbox, key=None) -> httpx.Client:
    return httpx.Client(base_url=sandbox.base_url, auth=(key or sandbox.api_key, ""), timeout=10)


def walk(c: httpx.Client, path: str, params=None) -> list[dict]:
    out, offset = [], None
    while True:
        items = list(params.items()) if isinstance(params, dict) else list(params or [])
        p = items + ([("offset", offset)] if offset else [])
        body = c.get(path, params=p).raise_for_status().json()
        out += body["data"]
        if not body["hasNext"]:
            assert "next" not in body or body["next"] is None
            return out
        offset = body["next"]
