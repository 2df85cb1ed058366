"""Tell a person, in words, whom an API key belongs to (Settings → Account's "Check the key")."""

from __future__ import annotations

from typing import Any

from lever_desktop.lever import models
from lever_desktop.lever.client import LeverClient


async def describe_key(api_key: str, base_url: str, email: str = "", *, transport: Any = None) -> str:
    """One cheap call: ``GET /users?email=`` (or one user when no email is given).

    Lever has no "who am I" endpoint for API keys, so the reviewer's own email
    is how we show the account the key opens.
    """
    kwargs = {"transport": transport} if transport is not None else {}
    client = LeverClient(api_key, base_url=base_url, **kwargs)
    try:
        if email:
            users = models.parse(models.User, await client.get("/users", params={"email": email}) or [])
            if not users:
                raise ValueError(f"The key works, but this Lever account has no active user {email}.")
            user = users[0][0]
            return f"Connected as {user.name or email} — {user.access_role or 'user'}."
        await client.get("/users", params={"limit": 1})
        return "The key works. Add your email to see which user you are in this account."
    finally:
        await client.aclose()
