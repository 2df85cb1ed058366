"""A relay URL that carries a token is refused, and the refusal never repeats the token."""

from __future__ import annotations

import pytest

from lever_desktop.lever.urls import check_relay_url

TOKEN = "pasted-token-MARKER-6d21"


@pytest.mark.parametrize(
    "url",
    [
        f"https://relay.example.com/?token={TOKEN}",
        f"https://relay.example.com/#{TOKEN}",
        f"https://reader:{TOKEN}@relay.example.com",
        f"ftp://reader:{TOKEN}@relay.example.com",
        f"relay.example.com/?token={TOKEN}",
        f"http://relay.example.com/?token={TOKEN}",
    ],
)
def test_a_url_with_a_token_is_refused_without_repeating_it(url):
    with pytest.raises(ValueError) as info:
        check_relay_url(url)
    assert TOKEN not in str(info.value) and TOKEN not in repr(info.value)
    assert "relay URL" in str(info.value)


def test_plain_relay_urls_still_pass():
    assert check_relay_url(" https://relay.example.com/ ") == "https://relay.example.com"
    assert check_relay_url("http://127.0.0.1:8790/relay") == "http://127.0.0.1:8790/relay"


def test_a_saved_relay_url_with_a_token_is_a_config_error_that_does_not_repeat_it():
    from lever_desktop import config

    env = {"LEVER_API_KEY": "k-123456", "LEVER_RELAY_URL": f"https://relay.example.com/feed?token={TOKEN}"}
    with pytest.raises(config.ConfigError) as info:
        config.resolve_account(config.Settings(), env=env)
    assert TOKEN not in str(info.value) and "relay URL" in str(info.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://relay.example.com/\u202elever/webhooks",  # drawn reordered wherever the address is shown
        "https://relay.example\u2066.com",
        "https://relay.example.com/a b",
        "https://relay.example.com/\x00",
        "https://relay.example.com/\u200f\x1b[31m",
    ],
)
def test_a_relay_url_with_a_space_a_control_or_a_direction_mark_is_refused(url):
    """The text is what is stored and registered with Lever as the webhook address: none of these is in a
    web address, and U+202E would show it reordered."""
    with pytest.raises(ValueError, match="holds a character no web address has"):
        check_relay_url(url)
