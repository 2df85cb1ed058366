"""Settings → Account's key check (lever/account.py) against the sandbox over loopback."""

from __future__ import annotations

import httpx
import pytest

from lever_desktop.lever.account import describe_key
from lever_desktop.lever.errors import LeverAuthError


async def test_the_key_check_names_the_reviewer_or_says_what_is_missing(sandbox):
    user = httpx.get(f"{sandbox.base_url}/users", params={"limit": 1}, auth=(sandbox.api_key, "")).json()["data"][0]
    said = await describe_key(sandbox.api_key, sandbox.base_url, user["email"])
    assert said == f"Connected as {user['name']} — {user.get('accessRole') or 'user'}."
    assert (await describe_key(sandbox.api_key, sandbox.base_url)).startswith("The key works. Add your email")
    with pytest.raises(ValueError, match="no active user nobody@example.org"):
        await describe_key(sandbox.api_key, sandbox.base_url, "nobody@example.org")
    with pytest.raises(LeverAuthError):
        await describe_key("not-the-key", sandbox.base_url)
