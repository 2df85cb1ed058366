"""Where the API key may go: Lever's three API hosts over HTTPS, literal loopback over HTTP,
anything else only when LEVER_ALLOW_CUSTOM_HOST names it. The relay: HTTPS anywhere, HTTP on
loopback only. Redirects: *.lever.co over HTTPS only."""

from __future__ import annotations

import pytest

from lever_desktop import config
from lever_desktop.lever import errors, urls
from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.urls import check_relay_url
from tests.unit.lever.lever_support import API_KEY, BASE

HOSTILE_API_URLS = [
    "https://api.lever.co@evil.com/v1",  # userinfo: the host is evil.com
    "https://api.lever.co%2F@evil.com/v1",
    "https://api.lever.co.evil.com/v1",
    "https://evil.com/api.lever.co/v1",
    "https://evil.com#@api.lever.co/v1",
    "https://api.lever.co./v1",  # trailing dot: another name, another certificate check
    "https://\u0430pi.lever.co/v1",  # Cyrillic "а": looks like Lever, is xn--pi-7kc.lever.co
    "https://api.l\u0435ver.co/v1",  # Cyrillic "е" in lever
    "https://api.lever.co:8443/v1",  # Lever's host, another port
    "https://evil.lever.co/v1",  # a Lever domain, but not its API
    "https://lever.co/v1",
    "http://api.lever.co/v1",
    "http://127.0.0.1.nip.io/v1",  # resolves to loopback, but is a name anyone can point anywhere
    "http://localhost.evil.com/v1",
    "http://foo.localhost/v1",
    "http://localhost./v1",
    "http://127.1/v1",  # loopback only in inet_aton's eyes; not a literal address
    "http://2130706433/v1",
    "http://0x7f.0.0.1/v1",
    "http://[::ffff:127.0.0.1]/v1",
    "http://10.0.0.5:8080/v1",
    "ftp://api.lever.co/v1",
    "api.lever.co/v1",
]

FINE_API_URLS = [
    "https://api.lever.co/v1",
    "https://API.Lever.CO/v1/",
    "https://api.eu.lever.co/v1",
    "https://api.sandbox.lever.co/v1",
    "https://api.lever.co:443/v1",
    "http://127.0.0.1:8765/v1",
    "http://127.3.4.5/v1",
    "http://[::1]:9000/v1",
    "http://localhost:1/v1",
    "http://LOCALHOST:8/v1",
]


@pytest.mark.parametrize("url", HOSTILE_API_URLS)
def test_the_key_is_not_sent_to_hostile_api_addresses(url):
    with pytest.raises(errors.InsecureURLError) as info:
        LeverClient(API_KEY, base_url=url)
    assert API_KEY not in str(info.value)
    with pytest.raises(config.ConfigError):
        config.resolve_account(config.Settings(), env={"LEVER_API_KEY": API_KEY, "LEVER_BASE_URL": url})


@pytest.mark.parametrize("url", FINE_API_URLS)
async def test_lever_hosts_and_literal_loopback_are_fine(make_client, url):
    assert make_client(base_url=url).base_url == url.rstrip("/")


def test_a_custom_host_needs_the_override_which_names_exactly_one_host():
    env = {"LEVER_API_KEY": API_KEY, "LEVER_BASE_URL": "https://lever-proxy.corp.example/v1"}
    with pytest.raises(config.ConfigError, match="LEVER_ALLOW_CUSTOM_HOST=lever-proxy.corp.example"):
        config.resolve_account(config.Settings(), env=env)
    env["LEVER_ALLOW_CUSTOM_HOST"] = "lever-proxy.corp.example"
    assert config.resolve_account(config.Settings(), env=env).base_url == "https://lever-proxy.corp.example/v1"
    for other in (
        "https://lever-proxy.corp.example.evil.com/v1",
        "http://lever-proxy.corp.example/v1",
        "https://evil.com/v1",
        "https://x@lever-proxy.corp.example/v1",
    ):
        with pytest.raises(config.ConfigError):
            config.resolve_account(config.Settings(), env={**env, "LEVER_BASE_URL": other})


def test_the_address_in_effect_names_the_environment_behind_it():
    saved = config.Settings(region="eu")
    assert config.api_address(saved, env={}).describe() == "https://api.eu.lever.co/v1"
    env = {"LEVER_BASE_URL": "http://127.0.0.1:8765/v1/", "LEVER_ALLOW_CUSTOM_HOST": "proxy.corp.example"}
    address = config.api_address(saved, env=env)
    assert (address.url, address.source, address.problem) == ("http://127.0.0.1:8765/v1", "LEVER_BASE_URL", None)
    assert address.describe().splitlines() == [
        "http://127.0.0.1:8765/v1  (from LEVER_BASE_URL, which overrides the fields above)",
        "LEVER_ALLOW_CUSTOM_HOST=proxy.corp.example: the API key may also go to that host",
    ]
    refused = config.api_address(config.Settings(base_url="https://api.lever.co.evil.com/v1"), env={})
    assert refused.source == "settings" and "not a Lever API host" in refused.problem


@pytest.mark.parametrize(
    "url",
    [
        "http://relay.example.com",
        "http://127.0.0.1.nip.io:8790",
        "http://localhost.evil.com",
        "http://foo.localhost",
        "http://127.1:8790",
        "http://[::ffff:127.0.0.1]:8790",
        "ftp://127.0.0.1",
        "https://user:pw@relay.example.com",
    ],
)
def test_relay_urls_refused(url):
    with pytest.raises(ValueError, match="relay URL"):
        check_relay_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://relay.example.com",
        "https://relay.example.com:8443/team",
        "http://127.0.0.1:8790",
        "http://[::1]:8790",
        "http://localhost:8790",
    ],
)
def test_relay_urls_accepted(url):
    assert check_relay_url(url) == url
    # The relay's webhook address, as Lever's settings show it, means the relay.
    assert check_relay_url(url + "/lever/webhooks/") == url
    # and the address an older ``webhooks setup`` registered for it, doubled (every delivery a 404)
    assert check_relay_url(url + "/lever/webhooks/lever/webhooks") == url


@pytest.mark.parametrize(
    "url",
    [
        "https://lever/webhooks",  # a relay on an intranet host named "lever": its path is /webhooks
        "https://relay.example.com/team-lever/webhooks",
    ],
)
def test_a_relay_url_that_only_ends_like_the_webhook_address_is_kept(url):
    assert check_relay_url(url) == url
    assert check_relay_url(url + "/lever/webhooks") == url


@pytest.mark.parametrize(
    "location",
    [
        "https://api.lever.co.evil.com/v1/users",
        "https://api.lever.co@evil.com/v1/users",
        "https://evil.com/.lever.co/v1/users",
        "https://api.xn--lver-v4d.co/v1/users",  # IDN "lеver", as sent
        "https://api.lever.co./v1/users",
        "https://api.eu.lever.co:8443/v1/users",
        "http://api.eu.lever.co/v1/users",
        "//evil.com/v1/users",
    ],
)
async def test_redirects_are_followed_only_to_lever_over_https(client, respx_mock, location):
    first = respx_mock.get(f"{BASE}/users").respond(301, headers={"Location": location})
    with pytest.raises(errors.InsecureURLError, match="not followed") as info:
        await client.get("/users")
    assert first.call_count == 1 and len(respx_mock.calls) == 1  # nothing else was asked, keyed or not
    assert API_KEY not in str(info.value)


@pytest.mark.parametrize(
    ("base_url", "page"),
    [
        ("https://api.lever.co/v1", "https://hire.lever.co/candidates/opp-1"),
        ("https://api.eu.lever.co/v1/", "https://hire.eu.lever.co/candidates/opp-1"),
        ("https://API.EU.Lever.co/v1", "https://hire.eu.lever.co/candidates/opp-1"),
        ("https://api.sandbox.lever.co/v1", None),  # its web address is unconfirmed: nothing guessed
        ("http://127.0.0.1:8765/v1", None),  # the embedded sandbox has no web app
        ("https://lever-proxy.corp.example/v1", None),  # a custom host: which account's app is unknown
        ("https://api.lever.co.evil.com/v1", None),
        (None, None),
    ],
)
def test_open_in_lever_goes_to_the_accounts_own_web_app(base_url, page):
    assert urls.candidate_page(base_url, "opp-1") == page


def test_open_in_lever_keeps_an_id_to_one_path_segment():
    assert (
        urls.candidate_page("https://api.lever.co/v1", "../users?x")
        == "https://hire.lever.co/candidates/..%2Fusers%3Fx"
    )
