"""The secrets door: memory backend, keychain timeouts, and a clear word when no keychain exists."""

from __future__ import annotations

import threading
import time

import keyring
import keyring.backends.fail
import keyring.errors
import pytest

from lever_desktop import log, secrets


def test_memory_backend_round_trip():
    secrets.set_secret(secrets.API_KEY, "lk_live_0123456789")
    assert secrets.get_secret(secrets.API_KEY) == "lk_live_0123456789"
    secrets.delete_secret(secrets.API_KEY)
    assert secrets.get_secret(secrets.API_KEY) is None
    secrets.delete_secret(secrets.API_KEY)  # deleting what is gone is fine


def test_storing_a_secret_registers_it_for_log_redaction():
    secrets.set_secret(secrets.RELAY_READER_TOKEN, "relay-token-abcdef-123")
    assert "relay-token-abcdef-123" not in log.redact("polling with relay-token-abcdef-123")


class HangingBackend:
    """A locked keychain: every call blocks until released."""

    def __init__(self) -> None:
        self.release = threading.Event()

    def get(self, name):
        self.release.wait(30)
        return "late"

    set = delete = get


def test_hanging_backend_times_out_quickly():
    hanging = HangingBackend()
    secrets.use_backend(hanging)
    try:
        started = time.monotonic()
        with pytest.raises(secrets.SecretStoreTimeout, match="did not answer within 0.2 s") as info:
            secrets.get_secret(secrets.API_KEY, timeout=0.2)
        assert time.monotonic() - started < 2.0
        assert "unlock" in str(info.value)
    finally:
        hanging.release.set()
    # Once the keychain answers again, calls go through (the worker was only blocked).
    secrets.use_memory_backend()
    assert secrets.get_secret(secrets.API_KEY, timeout=10) is None


def test_no_secure_keyring_is_reported_clearly(monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", lambda: keyring.backends.fail.Keyring())
    secrets.use_backend(None)
    with pytest.raises(secrets.SecretStoreUnavailable) as info:
        secrets.get_secret(secrets.API_KEY)
    message = str(info.value)
    assert "No secure password store" in message and "Keychain" in message


class _NoKeyring(keyring.backend.KeyringBackend):
    priority = 5

    def get_password(self, service, username):
        raise keyring.errors.NoKeyringError("no backend")

    def set_password(self, service, username, password):
        raise keyring.errors.KeyringLocked("locked")

    def delete_password(self, service, username):
        raise keyring.errors.KeyringLocked("locked")


def test_keyring_failures_become_secret_store_errors_without_the_secret(monkeypatch):
    monkeypatch.setattr(keyring, "get_keyring", lambda: _NoKeyring())
    monkeypatch.setattr(keyring, "get_password", lambda s, u: _NoKeyring().get_password(s, u))
    monkeypatch.setattr(keyring, "set_password", lambda s, u, p: _NoKeyring().set_password(s, u, p))
    monkeypatch.setattr(keyring, "delete_password", lambda s, u: _NoKeyring().delete_password(s, u))
    secrets.use_backend(None)
    with pytest.raises(secrets.SecretStoreUnavailable):
        secrets.get_secret(secrets.API_KEY)
    with pytest.raises(secrets.SecretStoreError) as info:
        secrets.set_secret(secrets.API_KEY, "lk_never_shown_123")
    assert "lk_never_shown_123" not in str(info.value)
    with pytest.raises(secrets.SecretStoreError, match="refused to delete"):
        secrets.delete_secret(secrets.API_KEY)
