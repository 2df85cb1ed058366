"""Which hosts the client talks to, and which it refuses.

The API key travels in every request's Authorization header, so the base URL
must be HTTPS (plain ``http://`` only on loopback, where the sandbox runs) and
redirects are followed only to Lever's own HTTPS hosts.
"""

from __future__ import annotations

import ipaddress

import httpx

from lever_desktop.lever.errors import InsecureURLError

REGION_URLS = {
    "us": "https://api.lever.co/v1",
    "eu": "https://api.eu.lever.co/v1",
    "sandbox": "https://api.sandbox.lever.co/v1",
}


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_lever_host(url: httpx.URL) -> bool:
    host = url.host.lower()
    return url.scheme == "https" and (host == "lever.co" or host.endswith(".lever.co"))


def resolve_base_url(base_url: str | None, region: str = "us") -> str:
    """The API base URL: an explicit ``base_url`` wins over ``region``; validated."""
    if not base_url:
        if region not in REGION_URLS:
            raise InsecureURLError(f"Unknown Lever region {region!r}: use one of {', '.join(REGION_URLS)}.")
        base_url = REGION_URLS[region]
    check_base_url(base_url)
    return base_url.rstrip("/")


def check_base_url(base_url: str) -> None:
    """Raise ``InsecureURLError`` unless credentials may be sent to ``base_url``
    (the Lever API, or the relay)."""
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as e:
        raise InsecureURLError(f"{base_url!r} is not a valid URL ({e}).") from None
    if url.userinfo:
        raise InsecureURLError("The URL must not contain a user name or password.")
    if not url.host:
        raise InsecureURLError(f"{base_url!r} has no host; use e.g. https://api.lever.co/v1.")
    if url.scheme == "https":
        return
    if url.scheme == "http":
        if is_loopback(url.host):
            return
        raise InsecureURLError(
            f"Refusing plain http:// to {url.host}: credentials would travel unencrypted. "
            "Use https:// (plain http is allowed only for loopback addresses such as the sandbox)."
        )
    raise InsecureURLError(f"Unsupported URL scheme {url.scheme!r}; use https://.")


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, a.host.lower(), a.port) == (b.scheme, b.host.lower(), b.port)
