"""The model behind a draft: Claude on the Anthropic API or Amazon Bedrock, or any
OpenAI-compatible chat-completions endpoint — always through the official SDKs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ProviderKind = Literal["anthropic", "bedrock", "openai"]


@dataclass(frozen=True)
class Provider:
    kind: ProviderKind
    model: str
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    region: str | None = None  # Bedrock's AWS region


def provider_from_settings(settings: Any) -> Provider:
    """The configured provider: settings, overridden by LEVER_DRAFTER_* and the SDKs' variables."""
    raise NotImplementedError


def describe(provider: Provider) -> str:
    """Where the data goes, for Settings and --dry-run."""
    raise NotImplementedError
