"""Settings (non-secret, JSON in the config dir) and the resolved account.

Headless commands take their configuration from the saved settings,
overridden by the environment variables of DESIGN.md. Secrets come from the
keychain (``lever_desktop.secrets``) or the environment — never from the
settings file.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from lever_desktop import log as applog
from lever_desktop import paths, secrets
from lever_desktop.lever.errors import InsecureURLError
from lever_desktop.lever.urls import CUSTOM_HOST_ENV, REGION_URLS, allowed_custom_host, check_base_url, check_relay_url

_log = logging.getLogger(__name__)


class ConfigError(Exception):
    """Configuration is missing or invalid; the message says how to fix it."""


class KeychainUnreadable(ConfigError):
    """The API key is not in the environment and the keychain would not give it (none, locked, refusing):
    not a first run, which the window took it for (its welcome offered to connect the account again)."""


ROLES = ("interviewer", "recruiter")  # asked at first run: "I mainly interview / recruit"
DEFAULT_RETENTION_DAYS = 90
DEFAULT_FEEDBACK_DUE_HOURS = 24
DEFAULT_FEEDBACK_LOOKBACK_DAYS = 30


def _whole(value: Any, name: str, default: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        _log.warning("%s %r is not a positive whole number; using %d", name, value, default)
        return default
    return value


@dataclass
class Settings:
    region: str = "us"
    base_url: str | None = None  # explicit URL wins over region
    relay_url: str | None = None
    service_account_email: str | None = None
    confidence_threshold: float = 0.6
    sandbox: bool = False  # the embedded simulator is the account
    # Lever may hide a panel's feedback from an interviewer until they submit their own, and the
    # app reads with an account-wide key: so other people's feedback and overall ratings show
    # only to someone who said they recruit, or who turned them on (None: follow the role).
    role: str | None = None
    show_others_feedback: bool | None = None
    submitted_retention_days: int = DEFAULT_RETENTION_DAYS  # then a submitted draft's text is purged
    # After Approve in the window, this long to Undo before the outbox may send (0: at once).
    undo_grace_seconds: float = 5.0
    # Feedback due: hours after an interview when Lever has no reminder setting for it, and how
    # far back the page (and the recent-interviews sync) looks.
    feedback_due_hours: int = DEFAULT_FEEDBACK_DUE_HOURS
    feedback_due_lookback_days: int = DEFAULT_FEEDBACK_LOOKBACK_DAYS
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # A hand-edited settings file must not switch privacy off or stop the purge: odd values
        # fall back to the safe default.
        if self.role not in ROLES:
            self.role = None
        if not isinstance(self.show_others_feedback, bool):
            self.show_others_feedback = None
        self.submitted_retention_days = _whole(
            self.submitted_retention_days, "submitted_retention_days", DEFAULT_RETENTION_DAYS
        )
        self.feedback_due_hours = _whole(self.feedback_due_hours, "feedback_due_hours", DEFAULT_FEEDBACK_DUE_HOURS)
        self.feedback_due_lookback_days = _whole(
            self.feedback_due_lookback_days, "feedback_due_lookback_days", DEFAULT_FEEDBACK_LOOKBACK_DAYS
        )
        grace = self.undo_grace_seconds
        if isinstance(grace, bool) or not isinstance(grace, (int, float)) or not 0 <= grace <= 60:
            _log.warning("undo_grace_seconds %r is not between 0 and 60; using 5", grace)
            self.undo_grace_seconds = 5.0

    @property
    def others_feedback_visible(self) -> bool:
        """Whether the candidate page shows other people's feedback and overall ratings."""
        if self.show_others_feedback is not None:
            return self.show_others_feedback
        return self.role == "recruiter"

    @classmethod
    def load(cls) -> Settings:
        path = paths.settings_path()
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            _log.warning("settings file %s unreadable (%s); using defaults", path, e)
            return cls()
        if not isinstance(raw, dict):
            _log.warning("settings file %s is not a JSON object; using defaults", path)
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def save(self) -> None:
        path = paths.settings_path()
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2, sort_keys=True), encoding="utf-8")
        if os.name == "posix":
            tmp.chmod(0o600)
        os.replace(tmp, path)


@dataclass(frozen=True)
class Account:
    """Everything needed to talk to Lever and the relay. ``repr`` hides secrets."""

    api_key: str = field(repr=False)
    base_url: str
    relay_url: str | None = None
    relay_token: str | None = field(default=None, repr=False)
    webhook_tokens: dict[str, str] = field(default_factory=dict, repr=False)
    service_account_email: str | None = None
    # Why the keychain gave no relay token, in words with the way around it, for the window: a relay set
    # in Settings whose token a locked or refusing keychain kept back was shown as "Relay: not configured".
    relay_token_problem: str | None = None
    # The same for the webhook signature tokens: without them every delivery the relay brings is refused
    # as unsigned, and the window said nothing of why.
    webhook_tokens_problem: str | None = None


@dataclass(frozen=True)
class ApiAddress:
    """The Lever API address in effect, where it comes from, and why it is refused (if it is)."""

    url: str
    source: str  # "region", "settings", "LEVER_BASE_URL" or "LEVER_REGION"
    custom_host: str | None = None  # LEVER_ALLOW_CUSTOM_HOST, when set
    problem: str | None = None

    def describe(self) -> str:
        """One line for Settings: the address, and any environment variable behind it."""
        text = self.url
        if self.source.startswith("LEVER_"):
            text += f"  (from {self.source}, which overrides the fields above)"
        if self.custom_host:
            text += f"\n{CUSTOM_HOST_ENV}={self.custom_host}: the API key may also go to that host"
        return text + (f"\n✘ {self.problem}" if self.problem else "")


def api_address(settings: Settings, env: Mapping[str, str] | None = None) -> ApiAddress:
    """Where the API key will be sent: ``LEVER_BASE_URL`` / ``LEVER_REGION`` over the settings."""
    env = os.environ if env is None else env
    custom = allowed_custom_host(env)
    if env.get("LEVER_BASE_URL"):
        url, source = env["LEVER_BASE_URL"], "LEVER_BASE_URL"
    elif settings.base_url:
        url, source = settings.base_url, "settings"
    else:
        region = env.get("LEVER_REGION") or settings.region
        source = "LEVER_REGION" if env.get("LEVER_REGION") else "region"
        if region not in REGION_URLS:
            return ApiAddress(
                f"(region {region})",
                source,
                custom,
                f"Unknown Lever region {region!r}: use one of {', '.join(REGION_URLS)}.",
            )
        url = REGION_URLS[region]
    url = url.strip().rstrip("/")
    try:
        check_base_url(url, env)
    except InsecureURLError as e:
        return ApiAddress(url, source, custom, f"Lever base URL: {e.message}")
    return ApiAddress(url, source, custom)


def _secret(name: str, problems: list[secrets.SecretStoreError]) -> str | None:
    """The secret ``name`` from the keychain, or None. ``problems`` is shared by every read of one
    account: once there is no keychain, or it does not answer, that is said once and it is not asked
    again (a start read three secrets and logged "No secure password store" for each; a locked keychain
    kept the start waiting its timeout for each). A keychain refusing one secret is still asked the next."""
    if any(_keychain_gone(p) for p in problems):
        return None
    try:
        return secrets.get_secret(name)
    except secrets.SecretStoreError as e:
        _log.warning("%s", e)
        problems.append(e)
        return None


def _keychain_gone(problem: secrets.SecretStoreError) -> bool:
    """No keychain, or one that does not answer: nothing more is asked of it (a refusal is one secret's)."""
    return isinstance(problem, secrets.SecretStoreUnavailable | secrets.SecretStoreTimeout)


def _keychain_kept_back(what: str, problem: secrets.SecretStoreError, variable: str) -> str:
    """What the keychain kept back and why, and the way around it unless its words already say it (a
    missing keychain's do: "start Lever Desktop with LEVER_API_KEY ... set from an encrypted store")."""
    words = f"{what} could not be read from the keychain: {problem}"
    return words if variable in str(problem) else f"{words} Or set {variable}."


def _webhook_tokens(env: dict[str, str], keychain_problems: list[secrets.SecretStoreError]) -> dict[str, str]:
    """One account-wide token or ``{event: token}``, from the environment, else the keychain."""
    from lever_desktop import webhook_tokens as tokens

    from_env = env.get("LEVER_WEBHOOK_TOKENS")
    raw = from_env or _secret(secrets.WEBHOOK_TOKENS, keychain_problems) or ""
    try:
        return tokens.parse(raw, "LEVER_WEBHOOK_TOKENS" if from_env else tokens.KEYCHAIN)
    except tokens.TokenFormatError as e:
        raise ConfigError(str(e) if from_env else f"{e} Enter them again in Settings.") from None


def resolve_account(settings: Settings | None = None, env: dict[str, str] | None = None) -> Account:
    """Settings + keychain, overridden by ``LEVER_*`` environment variables."""
    settings = settings or Settings.load()
    env = dict(os.environ if env is None else env)
    keychain_problems: list[secrets.SecretStoreError] = []
    api_key = env.get("LEVER_API_KEY") or _secret(secrets.API_KEY, keychain_problems)
    if not api_key:
        if keychain_problems:  # a locked or missing keychain is not "never connected": say which
            raise KeychainUnreadable(_keychain_kept_back("The Lever API key", keychain_problems[0], "LEVER_API_KEY"))
        raise ConfigError(
            "No Lever API key is configured. Set LEVER_API_KEY, or open Lever Desktop "
            "and connect your account (or try the sandbox)."
        )
    applog.register_secret(api_key)
    address = api_address(settings, env)
    if address.problem:
        raise ConfigError(address.problem)
    base_url = address.url
    relay_url = env.get("LEVER_RELAY_URL") or settings.relay_url
    if relay_url:
        try:  # here, not first in the poller: a bad saved URL sends the GUI to Settings, not to a crash
            check_relay_url(relay_url)
        except InsecureURLError as e:
            raise ConfigError(e.message) from None
    relay_token = env.get("LEVER_RELAY_TOKEN") or _secret(secrets.RELAY_READER_TOKEN, keychain_problems)
    # Only the relay token's read can have gone wrong so far: the API key read or the start ended above.
    relay_token_problem = (
        _keychain_kept_back("The relay's reader token", keychain_problems[-1], "LEVER_RELAY_TOKEN")
        if not relay_token and keychain_problems
        else None
    )
    applog.register_secret(relay_token)
    known = len(keychain_problems)
    webhook_tokens = _webhook_tokens(env, keychain_problems)
    for v in webhook_tokens.values():
        applog.register_secret(v)
    # This read's own problem, or the keychain gone for every read; not the relay token's refusal.
    kept_back = keychain_problems[known:] or [p for p in keychain_problems if _keychain_gone(p)]
    webhook_tokens_problem = (
        _keychain_kept_back("The webhook signature tokens", kept_back[-1], "LEVER_WEBHOOK_TOKENS")
        if not webhook_tokens and kept_back
        else None
    )
    return Account(
        api_key=api_key,
        base_url=base_url.rstrip("/"),
        relay_url=relay_url,
        relay_token=relay_token,
        webhook_tokens=webhook_tokens,
        service_account_email=env.get("LEVER_SERVICE_ACCOUNT") or settings.service_account_email,
        relay_token_problem=relay_token_problem,
        webhook_tokens_problem=webhook_tokens_problem,
    )
