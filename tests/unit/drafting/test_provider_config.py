"""Which provider, model and key: settings, overridden by the environment; keys from the keychain,
never shown."""

from __future__ import annotations

import pytest

from lever_desktop import config, log, secrets
from lever_desktop.drafting.providers import (
    Provider,
    ProviderConfigError,
    describe,
    provider_from_settings,
)


def test_default_is_claude_on_the_anthropic_api_with_the_key_from_the_keychain():
    secrets.set_secret(secrets.ANTHROPIC_API_KEY, "sk-ant-keychain-1234")
    p = provider_from_settings(config.Settings(), env={})
    assert (p.kind, p.model, p.api_key, p.base_url) == ("anthropic", "claude-sonnet-4-5", "sk-ant-keychain-1234", None)
    assert describe(p) == "Claude (Anthropic API), model claude-sonnet-4-5, data goes to api.anthropic.com"
    assert "sk-ant" not in repr(p)
    assert "sk-ant-keychain-1234" not in log.redact("key sk-ant-keychain-1234")


def test_environment_overrides_settings_and_keychain():
    secrets.set_secret(secrets.OPENAI_API_KEY, "sk-keychain-openai")
    settings = config.Settings(extra={"drafter_provider": "anthropic", "drafter_model": "claude-a"})
    env = {
        "LEVER_DRAFTER_PROVIDER": "openai",
        "LEVER_DRAFTER_MODEL": "llama3.1",
        "OPENAI_BASE_URL": "http://127.0.0.1:11434/v1",
        "OPENAI_API_KEY": "sk-env-openai",
    }
    p = provider_from_settings(settings, env=env)
    assert (p.kind, p.model, p.base_url, p.api_key, p.azure) == (
        "openai",
        "llama3.1",
        "http://127.0.0.1:11434/v1",
        "sk-env-openai",
        False,
    )
    assert describe(p) == "OpenAI-compatible API, model llama3.1, data goes to 127.0.0.1"


def test_settings_choose_when_the_environment_does_not():
    settings = config.Settings(extra={"drafter_provider": "bedrock", "drafter_region": "eu-west-1"})
    p = provider_from_settings(settings, env={})
    assert (p.kind, p.region) == ("bedrock", "eu-west-1")
    assert describe(p) == (
        "Claude on Amazon Bedrock, model us.anthropic.claude-sonnet-4-5-20250929-v1:0, "
        "data goes to bedrock-runtime.eu-west-1.amazonaws.com"
    )
    assert provider_from_settings(settings, env={"AWS_REGION": "us-west-2"}).region == "us-west-2"


def test_azure_openai_is_recognised():
    env = {
        "LEVER_DRAFTER_PROVIDER": "openai",
        "AZURE_OPENAI_ENDPOINT": "https://acme.openai.azure.com",
        "AZURE_OPENAI_API_KEY": "az-key-1234",
    }
    p = provider_from_settings(config.Settings(), env=env)
    assert (p.azure, p.api_key, p.host) == (True, "az-key-1234", "acme.openai.azure.com")
    assert describe(p).startswith("Azure OpenAI, model gpt-4.1")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LEVER_DRAFTER_PROVIDER": "gemini"}, "Unknown drafting provider 'gemini'"),
        ({"ANTHROPIC_BASE_URL": "http://models.example.com"}, "must use https:// for models.example.com"),
        ({"ANTHROPIC_BASE_URL": "https://user:pw@models.example.com"}, "not in its address"),
        ({"ANTHROPIC_BASE_URL": "ftp://models.example.com"}, "https:// URL with a host"),
    ],
)
def test_bad_configuration_is_one_clear_sentence(env, message):
    with pytest.raises(ProviderConfigError, match=message):
        provider_from_settings(config.Settings(), env=env)


def test_a_locked_keychain_is_no_key_not_a_crash():
    class Locked:
        def get(self, name):
            raise secrets.SecretStoreUnavailable("locked")

    secrets.use_backend(Locked())
    assert provider_from_settings(config.Settings(), env={}).api_key is None


def test_provider_repr_hides_the_key():
    assert "secret-value" not in repr(Provider("openai", "m", api_key="secret-value"))
