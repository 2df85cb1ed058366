"""Settings + keychain, overridden by LEVER_* variables; bad input gets a clear ConfigError."""

from __future__ import annotations

import json
import logging
import os
import stat

import pytest

from lever_desktop import config, log, paths, secrets
from lever_desktop.config import ConfigError, Settings, resolve_account

KEY = "lk_env_key_1234567890"


def test_env_overrides_settings_and_keychain():
    secrets.set_secret(secrets.API_KEY, "lk_keychain_key_000")
    settings = Settings(region="us", relay_url="https://relay.example.com", service_account_email="svc@x.com")
    env = {
        "LEVER_API_KEY": KEY,
        "LEVER_REGION": "eu",
        "LEVER_RELAY_URL": "https://relay2.example.com",
        "LEVER_RELAY_TOKEN": "relay-reader-token-xyz",
        "LEVER_SERVICE_ACCOUNT": "bot@x.com",
        "LEVER_WEBHOOK_TOKENS": json.dumps({"candidateStageChange": "sigtoken-abcdef-123"}),
    }
    account = resolve_account(settings, env)
    assert account.api_key == KEY and account.base_url == "https://api.eu.lever.co/v1"
    assert account.relay_url == "https://relay2.example.com" and account.relay_token == "relay-reader-token-xyz"
    assert account.webhook_tokens == {"candidateStageChange": "sigtoken-abcdef-123"}
    assert account.service_account_email == "bot@x.com"
    # Every secret is now redacted from logs, and none shows in the repr.
    for secret in (KEY, "relay-reader-token-xyz", "sigtoken-abcdef-123"):
        assert secret not in log.redact(f"value {secret} here") and secret not in repr(account)


def test_keychain_and_settings_when_env_is_silent():
    secrets.set_secret(secrets.API_KEY, "lk_keychain_key_000")
    account = resolve_account(Settings(region="sandbox"), env={})
    assert account.api_key == "lk_keychain_key_000" and account.base_url == "https://api.sandbox.lever.co/v1"


def test_base_url_beats_region_and_loses_its_trailing_slash():
    account = resolve_account(
        Settings(), {"LEVER_API_KEY": KEY, "LEVER_REGION": "eu", "LEVER_BASE_URL": "http://127.0.0.1:8123/v1/"}
    )
    assert account.base_url == "http://127.0.0.1:8123/v1"


def test_process_environment_is_read_by_default(monkeypatch):
    monkeypatch.setenv("LEVER_API_KEY", KEY)
    monkeypatch.setenv("LEVER_REGION", "eu")
    assert resolve_account(Settings()).base_url == "https://api.eu.lever.co/v1"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "No Lever API key"),
        ({"LEVER_API_KEY": KEY, "LEVER_REGION": "mars"}, "Unknown Lever region 'mars'"),
        ({"LEVER_API_KEY": KEY, "LEVER_BASE_URL": "http://api.lever.co/v1"}, "Refusing plain http://"),
        ({"LEVER_API_KEY": KEY, "LEVER_RELAY_URL": "http://relay.example.com"}, "relay URL must use https://"),
    ],
)
def test_missing_or_bad_configuration(env, message):
    with pytest.raises(ConfigError, match=message):
        resolve_account(Settings(), env)


@pytest.mark.parametrize(
    "raw",
    [
        '{"candidateStageChange": "sigtoken-abcdef',
        '["sigtoken-abcdef-123"]',
        '{"e": 12345678}',
        '{"e": {"token": "sigtoken-abcdef-123"}}',
        "sigtoken abcdef 123",
        '{"candidateStageChanged": "sigtoken-abcdef-123"}',
    ],  # a typo would reject every delivery
)
def test_bad_webhook_tokens_are_a_config_error_that_does_not_echo_them(raw):
    with pytest.raises(ConfigError, match="^LEVER_WEBHOOK_TOKENS: ") as info:
        resolve_account(Settings(), {"LEVER_API_KEY": KEY, "LEVER_WEBHOOK_TOKENS": raw})
    assert "sigtoken" not in str(info.value) and "12345678" not in str(info.value)


def test_one_account_wide_webhook_token_is_accepted_from_env_and_keychain():
    account = resolve_account(Settings(), {"LEVER_API_KEY": KEY, "LEVER_WEBHOOK_TOKENS": " sigtoken0account0wide0 "})
    assert account.webhook_tokens == {"*": "sigtoken0account0wide0"}
    assert "sigtoken0account0wide0" not in log.redact("value sigtoken0account0wide0 here")
    both = json.dumps({"*": "sigtoken0account0wide1", "candidateHired": "sigtoken0hired"})
    secrets.set_secret(secrets.WEBHOOK_TOKENS, both)
    assert resolve_account(Settings(), {"LEVER_API_KEY": KEY}).webhook_tokens == {
        "*": "sigtoken0account0wide1",
        "candidateHired": "sigtoken0hired",
    }


def test_broken_webhook_tokens_in_the_keychain_send_the_person_to_settings():
    secrets.set_secret(secrets.WEBHOOK_TOKENS, '{"candidateStageChange": 5}')
    with pytest.raises(ConfigError, match="tokens in the keychain.*Enter them again in Settings"):
        resolve_account(Settings(), {"LEVER_API_KEY": KEY})


def test_settings_round_trip_user_only_and_never_secret():
    Settings(region="eu", relay_url="https://relay.example.com", confidence_threshold=0.7).save()
    loaded = Settings.load()
    assert (loaded.region, loaded.relay_url, loaded.confidence_threshold) == ("eu", "https://relay.example.com", 0.7)
    path = paths.settings_path()
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "api_key" not in json.loads(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("content", ["{not json", "[1, 2]", '"just a string"'])
def test_unreadable_settings_fall_back_to_defaults_with_a_warning(content, caplog):
    paths.settings_path().write_text(content, encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="lever_desktop.config"):
        assert Settings.load() == Settings()
    assert "using defaults" in caplog.text


def test_unknown_settings_keys_are_ignored():
    paths.settings_path().write_text('{"region": "eu", "fromTheFuture": 1}', encoding="utf-8")
    assert Settings.load().region == "eu"


def test_region_urls_stay_importable_from_config():
    assert config.REGION_URLS["us"] == "https://api.lever.co/v1"


def test_an_unreadable_keychain_is_named_as_the_reason(caplog):
    class Unavailable:
        def get(self, name):
            raise secrets.SecretStoreUnavailable("test backend")

    secrets.use_backend(Unavailable())
    with caplog.at_level(logging.WARNING, logger="lever_desktop.config"):
        with pytest.raises(ConfigError, match="could not be read from the keychain: No secure password store") as e:
            resolve_account(Settings(), env={})
    assert str(e.value).count("LEVER_API_KEY") == 1  # the keychain's words already say how to do without


def test_a_keychain_that_does_not_answer_says_how_to_do_without_it(caplog):
    class Locked:
        def get(self, name):
            raise secrets.SecretStoreTimeout(5)

    secrets.use_backend(Locked())
    with caplog.at_level(logging.WARNING, logger="lever_desktop.config"):
        with pytest.raises(ConfigError) as e:
            resolve_account(Settings(), env={})
    assert str(e.value) == (
        "The Lever API key could not be read from the keychain: The system keychain did not answer within 5 s. "
        "It may be locked: unlock it and try again. Or set LEVER_API_KEY."
    )


@pytest.mark.logs_warnings("an odd value in a hand-edited settings file is logged, then replaced")
@pytest.mark.parametrize(("saved", "used"), [(2, 2), (0, 0), (-1, 5.0), ("soon", 5.0), (True, 5.0), (600, 5.0)])
def test_the_undo_grace_is_a_setting_and_odd_values_fall_back_to_five_seconds(saved, used):
    paths.settings_path().parent.mkdir(parents=True, exist_ok=True)
    paths.settings_path().write_text(json.dumps({"undo_grace_seconds": saved}), encoding="utf-8")
    assert Settings.load().undo_grace_seconds == used


def test_a_start_without_a_secure_store_says_so_once(monkeypatch, caplog):
    """The API key from the environment, no keyring on the system: the relay token and the webhook
    tokens are both looked for in the keychain, and "No secure password store" was logged for each."""
    import keyring
    import keyring.backends.fail

    monkeypatch.setattr(keyring, "get_keyring", lambda: keyring.backends.fail.Keyring())
    secrets.use_backend(None)  # the OS keychain, as a start without --sandbox uses
    with caplog.at_level(logging.WARNING, logger="lever_desktop.config"):
        account = resolve_account(Settings(), {"LEVER_API_KEY": KEY})
    said = [r for r in caplog.records if "No secure password store" in r.getMessage()]
    assert len(said) == 1 and said[0].levelno == logging.WARNING
    assert account.api_key == KEY and account.relay_token is None and account.webhook_tokens == {}


def test_a_keychain_refusing_one_secret_is_still_asked_for_the_next(caplog):
    """Only a missing or silent keychain is not asked again: one refusal says nothing of the next secret."""

    class RefusesTheRelayToken(secrets.MemoryBackend):
        def get(self, name: str) -> str | None:
            if name == secrets.RELAY_READER_TOKEN:
                raise secrets.SecretStoreError("The keychain refused to read a secret (KeyringError).")
            return super().get(name)

    backend = RefusesTheRelayToken()
    backend.set(secrets.WEBHOOK_TOKENS, "sigtoken0account0wide2")
    secrets.use_backend(backend)
    with caplog.at_level(logging.WARNING, logger="lever_desktop.config"):
        account = resolve_account(Settings(), {"LEVER_API_KEY": KEY})
    assert account.relay_token is None and account.webhook_tokens == {"*": "sigtoken0account0wide2"}
    assert [r.getMessage() for r in caplog.records] == ["The keychain refused to read a secret (KeyringError)."]


def test_a_relay_token_the_keychain_would_not_give_is_told_apart_from_no_relay(caplog):
    """A relay is set and the keychain refuses (or is locked for) its reader token: the account says why
    the token is missing, so the window does not call the relay "not configured"."""

    class RefusesTheRelayToken(secrets.MemoryBackend):
        def get(self, name: str) -> str | None:
            if name == secrets.RELAY_READER_TOKEN:
                raise secrets.SecretStoreError("The keychain refused to read a secret (KeyringError).")
            return super().get(name)

    secrets.use_backend(RefusesTheRelayToken())
    settings = Settings(relay_url="https://relay.example.com")
    with caplog.at_level(logging.WARNING, logger="lever_desktop.config"):
        account = resolve_account(settings, {"LEVER_API_KEY": KEY})
    assert account.relay_token is None
    assert account.relay_token_problem == (
        "The relay's reader token could not be read from the keychain: "
        "The keychain refused to read a secret (KeyringError). Or set LEVER_RELAY_TOKEN."
    )
    # From the environment, or simply never saved: nothing to tell.
    assert resolve_account(settings, {"LEVER_API_KEY": KEY, "LEVER_RELAY_TOKEN": "t" * 20}).relay_token_problem is None
    secrets.use_backend(secrets.MemoryBackend())
    assert resolve_account(settings, {"LEVER_API_KEY": KEY}).relay_token_problem is None


def test_webhook_tokens_the_keychain_would_not_give_are_told_not_taken_for_none_saved(caplog):
    """Without its signature tokens every delivery the relay brings is refused as unsigned: the account
    says why they are missing, and only when the keychain kept them back (not when none were saved, nor
    when it refused another secret)."""

    class Refuses(secrets.MemoryBackend):
        def __init__(self, refused: str) -> None:
            super().__init__()
            self.refused = refused

        def get(self, name: str) -> str | None:
            if name == self.refused:
                raise secrets.SecretStoreError("The keychain refused to read a secret (KeyringError).")
            return super().get(name)

    settings = Settings(relay_url="https://relay.example.com")
    env = {"LEVER_API_KEY": KEY, "LEVER_RELAY_TOKEN": "t" * 20}
    secrets.use_backend(Refuses(secrets.WEBHOOK_TOKENS))
    with caplog.at_level(logging.WARNING, logger="lever_desktop.config"):
        account = resolve_account(settings, env)
        assert account.webhook_tokens == {} and account.webhook_tokens_problem == (
            "The webhook signature tokens could not be read from the keychain: "
            "The keychain refused to read a secret (KeyringError). Or set LEVER_WEBHOOK_TOKENS."
        )
        secrets.use_backend(Refuses(secrets.RELAY_READER_TOKEN))  # another secret refused, none saved
        assert resolve_account(settings, {"LEVER_API_KEY": KEY}).webhook_tokens_problem is None
    assert (
        resolve_account(settings, {**env, "LEVER_WEBHOOK_TOKENS": "sigtoken0account0wide2"}).webhook_tokens_problem
        is None
    )
