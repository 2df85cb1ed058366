"""The one door to secrets: API key, relay tokens, webhook signature tokens.

Secrets live only in the OS keychain (through ``keyring``) — never in SQLite,
settings files, logs or exceptions. Keyring calls can hang on a locked Linux
keychain, so every call runs in a worker thread with a timeout. Tests (and
``--sandbox``) use the in-memory backend.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Callable
from typing import Protocol, TypeVar

SERVICE = "lever-desktop"

# Well-known secret names.
API_KEY = "lever-api-key"
RELAY_READER_TOKEN = "relay-reader-token"
RELAY_INGEST_TOKEN = "relay-ingest-token"
WEBHOOK_TOKENS = "webhook-signature-tokens"  # JSON {event: signatureToken, "*": account-wide token}
ANTHROPIC_API_KEY = "drafter-anthropic-api-key"  # drafting with Claude (ANTHROPIC_API_KEY overrides)
OPENAI_API_KEY = "drafter-openai-api-key"  # an OpenAI-compatible endpoint (OPENAI_API_KEY overrides)

DEFAULT_TIMEOUT = 5.0
# The way in without a keychain (README, "Without a keychain"): the secrets come from the
# environment of the process, read from an encrypted store when it starts, never from a plain file.
WITHOUT_KEYCHAIN = (
    "start Lever Desktop with LEVER_API_KEY (and LEVER_RELAY_TOKEN, LEVER_WEBHOOK_TOKENS) "
    "set from an encrypted store such as pass or gpg."
)

T = TypeVar("T")


class SecretStoreError(Exception):
    """Base class; messages never contain a secret."""


class SecretStoreUnavailable(SecretStoreError):
    """No secure backend (no keychain / Secret Service / Credential Manager)."""

    def __init__(self, detail: str = "") -> None:
        msg = (
            "No secure password store is available on this system, so Lever Desktop "
            "cannot keep your API key and webhook tokens safely. Install and unlock a keyring "
            "(GNOME Keyring, KWallet, macOS Keychain or Windows Credential Manager), "
            f"or {WITHOUT_KEYCHAIN}"
        )
        super().__init__(f"{msg} ({detail})" if detail else msg)


class SecretStoreTimeout(SecretStoreError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"The system keychain did not answer within {seconds:g} s. It may be locked: unlock it and try again."
        )


class Backend(Protocol):
    def get(self, name: str) -> str | None: ...
    def set(self, name: str, value: str) -> None: ...
    def delete(self, name: str) -> None: ...


class MemoryBackend:
    """Keeps secrets in process memory. For tests and the sandbox only."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, name: str) -> str | None:
        with self._lock:
            return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        with self._lock:
            self._values[name] = value

    def delete(self, name: str) -> None:
        with self._lock:
            self._values.pop(name, None)


class KeyringBackend:
    """The OS keychain through ``keyring``."""

    def __init__(self) -> None:
        import keyring
        import keyring.errors

        self._keyring = keyring
        self._errors = keyring.errors
        backend = keyring.get_keyring()
        priority = getattr(backend, "priority", 0)
        name = type(backend).__module__ + "." + type(backend).__name__
        insecure = ("fail", "null", "PlaintextKeyring", "chainer")
        if priority is not None and priority < 1 or any(s in name for s in insecure[:3]):
            raise SecretStoreUnavailable(f"keyring backend {type(backend).__name__}")

    def get(self, name: str) -> str | None:
        try:
            return self._keyring.get_password(SERVICE, name)
        except self._errors.NoKeyringError as e:
            raise SecretStoreUnavailable(type(e).__name__) from None
        except self._errors.KeyringError as e:
            raise SecretStoreError(f"The keychain refused to read a secret ({type(e).__name__}).") from None

    def set(self, name: str, value: str) -> None:
        try:
            self._keyring.set_password(SERVICE, name, value)
        except self._errors.NoKeyringError as e:
            raise SecretStoreUnavailable(type(e).__name__) from None
        except self._errors.KeyringError as e:
            raise SecretStoreError(f"The keychain refused to store a secret ({type(e).__name__}).") from None

    def delete(self, name: str) -> None:
        try:
            self._keyring.delete_password(SERVICE, name)
        except self._errors.PasswordDeleteError:
            pass
        except self._errors.NoKeyringError as e:
            raise SecretStoreUnavailable(type(e).__name__) from None
        except self._errors.KeyringError as e:
            raise SecretStoreError(f"The keychain refused to delete a secret ({type(e).__name__}).") from None


_backend: Backend | None = None
_backend_lock = threading.Lock()
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="keyring")


def use_backend(backend: Backend | None) -> None:
    """Install a backend (``None``: go back to the OS keychain on next use)."""
    global _backend
    with _backend_lock:
        _backend = backend


def keychain_problem(timeout: float = DEFAULT_TIMEOUT) -> str | None:
    """Why secrets cannot be kept here (no secure backend, a keychain that does not answer), or None.
    Blocking: call it off the GUI thread."""
    try:
        _call(lambda: backend().get(API_KEY), timeout)  # a backend may fail only when asked
    except SecretStoreError as e:
        return str(e)
    return None


def use_memory_backend() -> MemoryBackend:
    backend = MemoryBackend()
    use_backend(backend)
    return backend


def backend() -> Backend:
    global _backend
    with _backend_lock:
        if _backend is None:
            _backend = KeyringBackend()
        return _backend


def _call(fn: Callable[[], T], timeout: float) -> T:
    future = _pool.submit(fn)
    try:
        return future.result(timeout=timeout)
    except concurrent.futures.TimeoutError:
        raise SecretStoreTimeout(timeout) from None


def get_secret(name: str, timeout: float = DEFAULT_TIMEOUT) -> str | None:
    from lever_desktop import log

    value = _call(lambda: backend().get(name), timeout)
    log.register_secret(value)  # whoever reads a secret, the logs redact it from then on
    if name == WEBHOOK_TOKENS and value:
        _register_webhook_tokens(value)
    return value


def _register_webhook_tokens(raw: str) -> None:
    """The webhook tokens are one JSON object in the keychain: each value is a secret of its own.
    Anything else (one bare account-wide token, put there by hand) is a secret as a whole."""
    import json

    from lever_desktop import log

    try:
        tokens = json.loads(raw)
    except ValueError:
        tokens = None
    if not isinstance(tokens, dict):
        log.register_secret(raw.strip())
    else:
        for v in tokens.values():
            log.register_secret(v if isinstance(v, str) else None)


def set_secret(name: str, value: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    from lever_desktop import log

    log.register_secret(value)
    if name == WEBHOOK_TOKENS:
        _register_webhook_tokens(value)
    _call(lambda: backend().set(name, value), timeout)


def delete_secret(name: str, timeout: float = DEFAULT_TIMEOUT) -> None:
    _call(lambda: backend().delete(name), timeout)
