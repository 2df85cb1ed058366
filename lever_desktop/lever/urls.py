"""Where credentials may go: the one URL policy for the Lever API key and the relay's token.

The API key travels in every request's Authorization header, so it goes only to
Lever's API hosts over HTTPS, or over plain ``http://`` to a literal loopback
address (127.0.0.0/8, ::1) or ``localhost`` exactly, where the sandbox runs.
Any other host needs the documented override ``LEVER_ALLOW_CUSTOM_HOST=<hostname>``
(a corporate proxy), which Settings shows. Redirects are followed only to
``*.lever.co`` over HTTPS. The relay is the team's own server: HTTPS anywhere,
plain HTTP only on loopback.

Hosts are compared in their ASCII form (IDN as punycode), so a look-alike such
as ``аpi.lever.co`` with a Cyrillic "а" is not Lever; ``api.lever.co.evil.com``,
``api.lever.co.`` and ``https://api.lever.co@evil.com`` are not either.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from lever_desktop.lever.errors import InsecureURLError
from lever_desktop.lever.paths import seg

if TYPE_CHECKING:  # imported where a URL is parsed: the settings (and the window's first paint) need no httpx
    import httpx

REGION_URLS = {
    "us": "https://api.lever.co/v1",
    "eu": "https://api.eu.lever.co/v1",
    "sandbox": "https://api.sandbox.lever.co/v1",
}
LEVER_HOSTS = frozenset({"api.lever.co", "api.eu.lever.co", "api.sandbox.lever.co"})
CUSTOM_HOST_ENV = "LEVER_ALLOW_CUSTOM_HOST"
_LOOPBACK_V4 = ipaddress.ip_network("127.0.0.0/8")
_LOOPBACK_V6 = ipaddress.ip_address("::1")


def host_of(url: httpx.URL) -> str:
    """The host as it goes on the wire: ASCII (IDN as punycode), lower case, no brackets."""
    return url.raw_host.decode("ascii", "replace").strip("[]").lower()


def is_loopback(host: str) -> bool:
    """``localhost`` exactly, or a literal 127.0.0.0/8 or ::1 address (not ``x.localhost``, not a name)."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address in _LOOPBACK_V4 if address.version == 4 else address == _LOOPBACK_V6


def _default_port(url: httpx.URL) -> bool:
    return url.port in (None, 443)


def is_lever_host(url: httpx.URL) -> bool:
    """A redirect target the key may follow: HTTPS to ``lever.co`` or a subdomain, default port."""
    host = host_of(url)
    return url.scheme == "https" and _default_port(url) and (host == "lever.co" or host.endswith(".lever.co"))


def allowed_custom_host(env: Mapping[str, str] | None = None) -> str | None:
    """The host ``LEVER_ALLOW_CUSTOM_HOST`` lets the key go to (HTTPS only), if set."""
    value = (os.environ if env is None else env).get(CUSTOM_HOST_ENV, "").strip().lower()
    return value or None


def resolve_base_url(base_url: str | None, region: str = "us") -> str:
    """The API base URL: an explicit ``base_url`` wins over ``region``; validated."""
    if not base_url:
        if region not in REGION_URLS:
            raise InsecureURLError(f"Unknown Lever region {region!r}: use one of {', '.join(REGION_URLS)}.")
        base_url = REGION_URLS[region]
    check_base_url(base_url)
    return base_url.rstrip("/")


def _parse(text: str, what: str) -> httpx.URL:
    import httpx

    try:
        url = httpx.URL(text.strip())
    except (httpx.InvalidURL, TypeError):
        raise InsecureURLError(f"The {what} is not a valid URL.") from None
    if url.userinfo:
        raise InsecureURLError(f"The {what} must not contain a user name or password.")
    if url.scheme not in ("http", "https") or not url.host:
        raise InsecureURLError(f"The {what} must be an https:// address with a host.")
    return url


def check_base_url(base_url: str, env: Mapping[str, str] | None = None) -> None:
    """Raise ``InsecureURLError`` unless the API key may be sent to ``base_url``."""
    url = _parse(base_url, "Lever API address")
    host = host_of(url)
    if url.scheme == "http":
        if is_loopback(host):
            return
        raise InsecureURLError(
            f"Refusing plain http:// to {host}: the API key would travel unencrypted. Use https:// "
            "(plain http is allowed only to 127.0.0.1, ::1 or localhost, such as the sandbox)."
        )
    if (host in LEVER_HOSTS and _default_port(url)) or is_loopback(host):
        return
    if host == allowed_custom_host(env):
        return
    raise InsecureURLError(
        f"{host}{f':{url.port}' if url.port else ''} is not a Lever API host ({', '.join(sorted(LEVER_HOSTS))}), "
        f"so the API key is not sent there. For a proxy of your own, set {CUSTOM_HOST_ENV}={host}."
    )


RELAY_WEBHOOK_PATH = "/lever/webhooks"  # where the relay takes Lever's deliveries


def check_relay_url(text: str) -> str:
    """The relay URL, normalised: https anywhere; plain http only to loopback (the token must not
    cross a network in clear). Messages never repeat the URL: a pasted URL may carry a token.

    The relay's webhook address (as Lever's webhook settings show it) is taken as meaning the
    relay: the feed under ``.../lever/webhooks/v1/feed`` would be a 404 at every poll, and a
    webhook registered at ``.../lever/webhooks/lever/webhooks`` a 404 at every delivery."""
    import httpx

    from lever_desktop.untrusted import printable

    text = text.strip()
    # The text itself is kept (and registered with Lever as the webhook's address): a space, a control or a
    # direction mark in it (U+202E draws the address reordered) is refused, not percent-encoded away.
    if printable(text) != text or any(c.isspace() for c in text):
        raise InsecureURLError(
            "The relay URL holds a character no web address has (a space, a control character or a direction "
            "mark): type it again, or copy it from the relay's own page."
        )
    try:
        url = httpx.URL(text)
    except (httpx.InvalidURL, TypeError):
        url = None
    if url is None or url.scheme not in ("http", "https") or not url.host:
        raise InsecureURLError("The relay URL is not an http(s) URL (it looks like https://relay.example.com).")
    if url.scheme == "http" and not is_loopback(host_of(url)):
        raise InsecureURLError(
            f"The relay URL must use https:// for {host_of(url)} (plain http:// is allowed "
            "only to 127.0.0.1, ::1 or localhost)."
        )
    if url.userinfo or url.query or url.fragment:
        raise InsecureURLError("Put the relay token in Settings, not in the relay URL (no user, ?query or #fragment).")
    relay, path = text.rstrip("/"), url.path.rstrip("/")
    # The path's end, not the text's (https://lever/webhooks is a relay on a host named lever); each
    # time (an older ``webhooks setup`` registered .../lever/webhooks/lever/webhooks, which Lever shows).
    while path.endswith(RELAY_WEBHOOK_PATH):
        relay, path = (
            relay.removesuffix(RELAY_WEBHOOK_PATH).rstrip("/"),
            path.removesuffix(RELAY_WEBHOOK_PATH).rstrip("/"),
        )
    return relay


def same_origin(a: httpx.URL, b: httpx.URL) -> bool:
    return (a.scheme, host_of(a), a.port) == (b.scheme, host_of(b), b.port)


# Lever's web app beside each API host. An opportunity's page there is what Lever itself returns
# as the opportunity's ``urls.show``: ``https://hire.lever.co/candidates/<opportunity id>``. The
# web address of Lever's sandbox accounts is unconfirmed, so none is guessed for api.sandbox.
WEB_APPS = {
    "api.lever.co": "https://hire.lever.co",
    "api.eu.lever.co": "https://hire.eu.lever.co",
}


def candidate_page(base_url: str | None, opportunity_id: str) -> str | None:
    """The opportunity's page in Lever's web app for the account at ``base_url`` (the API address
    in effect); None where no web app is known (the embedded sandbox, Lever's sandbox, a custom host)."""
    import httpx

    try:
        host = host_of(httpx.URL(base_url or ""))
    except (httpx.InvalidURL, TypeError):
        return None
    web = WEB_APPS.get(host)
    return f"{web}/candidates/{seg(opportunity_id)}" if web else None
