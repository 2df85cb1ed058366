"""The model behind a draft: Claude on the Anthropic API or Amazon Bedrock, or any
OpenAI-compatible chat-completions endpoint (Ollama, vLLM, LM Studio, llama.cpp, Azure OpenAI) —
always through the official SDKs, never hand-written HTTP.

Every provider is asked the same way: one forced call of the ``record_feedback_draft`` tool.
Transport faults (429, overloaded, 5xx, timeouts, dropped connections) are retried by the SDK
itself with its exponential backoff, ``max_retries`` times; what is still failing then becomes a
``ProviderError`` with one sentence for the recruiter. An answer that arrives but cannot be used
(empty, not JSON, a refusal) is an ``Answer`` with a ``problem``: the drafter decides whether to
ask again.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, Literal

import httpx

from lever_desktop import log, secrets
from lever_desktop.drafting.tool_schema import TOOL_NAME
from lever_desktop.lever.urls import is_loopback

ProviderKind = Literal["anthropic", "bedrock", "openai"]
KINDS: tuple[ProviderKind, ...] = ("anthropic", "bedrock", "openai")
PROVIDER_ENV, MODEL_ENV = "LEVER_DRAFTER_PROVIDER", "LEVER_DRAFTER_MODEL"
DEFAULT_MODELS: dict[str, str] = {
    "anthropic": "claude-sonnet-4-5",
    "bedrock": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
    "openai": "gpt-4.1",
}
DEFAULT_HOSTS = {"anthropic": "api.anthropic.com", "openai": "api.openai.com"}
KEY_NAMES = {"anthropic": secrets.ANTHROPIC_API_KEY, "openai": secrets.OPENAI_API_KEY}
KEY_ENV = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY"}
URL_ENV = {"anthropic": "ANTHROPIC_BASE_URL", "openai": "OPENAI_BASE_URL", "bedrock": "ANTHROPIC_BEDROCK_BASE_URL"}
AZURE_API_VERSION = "2024-10-21"
MAX_OUTPUT_TOKENS = 8192  # 60 answers with quotes and rationales fit in ~6,000


class ProviderError(Exception):
    """The provider could not be asked (after the SDK's retries); the message is one sentence
    without any key. ``retry_later``: a rate limit or overload, worth trying again in a while."""

    def __init__(self, message: str, *, retry_later: bool = False) -> None:
        super().__init__(message)
        self.retry_later = retry_later


class ProviderConfigError(ValueError):
    """The drafting provider is configured wrongly; the message says how to fix it."""


@dataclass(frozen=True)
class Provider:
    kind: ProviderKind
    model: str
    base_url: str | None = None  # None: the provider's own API address
    api_key: str | None = field(default=None, repr=False)
    region: str | None = None  # Bedrock's AWS region
    azure: bool = False  # an OpenAI-compatible endpoint on Azure OpenAI (AsyncAzureOpenAI)
    timeout: float = 120.0  # seconds for one request; a 60-field draft takes the model ~40 s
    max_retries: int = 2  # the SDK's own retries of 429/5xx/timeouts, with its backoff

    @property
    def label(self) -> str:
        return {"anthropic": "Claude (Anthropic API)", "bedrock": "Claude on Amazon Bedrock"}.get(
            self.kind, "Azure OpenAI" if self.azure else "OpenAI-compatible API"
        )

    @property
    def host(self) -> str:
        if self.base_url:
            return httpx.URL(self.base_url).host or self.base_url
        if self.kind == "bedrock":
            return f"bedrock-runtime.{self.region or 'us-east-1'}.amazonaws.com"
        return DEFAULT_HOSTS[self.kind]


@dataclass
class Request:
    """What is sent, provider-neutral: the instructions, the user's message and the tool."""

    system: str
    user: str
    tool: dict[str, Any]  # {"name", "description", "input_schema"}
    max_tokens: int = MAX_OUTPUT_TOKENS


@dataclass
class Answer:
    fields: Any = None  # the tool input's "fields", as the model gave it
    problem: str | None = None  # why the answer cannot be used; None when it can
    refused: bool = False
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0


def describe(provider: Provider) -> str:
    """Where the data goes, for Settings and --dry-run."""
    return f"{provider.label}, model {provider.model}, data goes to {provider.host}"


def provider_from_settings(settings: Any, env: Mapping[str, str] | None = None) -> Provider:
    """The configured provider: the settings (``extra``: drafter_provider, drafter_model,
    drafter_base_url), overridden by LEVER_DRAFTER_PROVIDER / LEVER_DRAFTER_MODEL and the SDKs'
    own variables; the key from the environment, else the keychain. A missing key is not an
    error here (a dry run needs none): asking without one is."""
    env = os.environ if env is None else env
    extra = getattr(settings, "extra", None) or {}
    kind = (env.get(PROVIDER_ENV) or extra.get("drafter_provider") or "anthropic").strip().lower()
    if kind not in KINDS:
        raise ProviderConfigError(
            f"Unknown drafting provider {kind!r}: set {PROVIDER_ENV} to one of {', '.join(KINDS)}."
        )
    model = env.get(MODEL_ENV) or extra.get("drafter_model") or DEFAULT_MODELS[kind]
    base_url = env.get(URL_ENV[kind]) or extra.get("drafter_base_url") or None
    azure_endpoint = env.get("AZURE_OPENAI_ENDPOINT") if kind == "openai" else None
    base_url = base_url or azure_endpoint
    if base_url:
        check_base_url(base_url)
    api_key = None
    if kind == "openai" and azure_endpoint:
        api_key = env.get("AZURE_OPENAI_API_KEY")
    if kind in KEY_ENV:
        api_key = api_key or env.get(KEY_ENV[kind]) or _keychain(KEY_NAMES[kind])
    for secret in (api_key, env.get("AWS_SECRET_ACCESS_KEY"), env.get("AWS_SESSION_TOKEN")):
        log.register_secret(secret)  # whatever reads them, the logs never show them
    region = env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or extra.get("drafter_region")
    azure = kind == "openai" and bool(azure_endpoint or (base_url and _is_azure(base_url)))
    return Provider(kind, str(model), base_url, api_key, region if kind == "bedrock" else None, azure)  # type: ignore[arg-type]


def _keychain(name: str) -> str | None:
    try:
        return secrets.get_secret(name)
    except secrets.SecretStoreError:
        return None  # asking without a key says what to set; the keychain's trouble is logged there


def _is_azure(url: str) -> bool:
    return (httpx.URL(url).host or "").endswith((".openai.azure.com", ".cognitiveservices.azure.com"))


def check_base_url(url: str) -> None:
    """Transcripts go over HTTPS, or plain http:// to this computer only (a local Ollama)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        raise ProviderConfigError("The model's address is not a valid URL.") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ProviderConfigError("The model's address must be an https:// URL with a host.")
    if parsed.scheme == "http" and not is_loopback(parsed.host):
        raise ProviderConfigError(
            f"The model's address must use https:// for {parsed.host} (plain http:// is allowed only to this computer)."
        )
    if parsed.userinfo:
        raise ProviderConfigError("Put the model's API key in Settings or the environment, not in its address.")


# --- the request, as each SDK takes it -----------------------------------------------------------


def call_arguments(provider: Provider, request: Request) -> dict[str, Any]:
    """The exact keyword arguments of the SDK call: what is sent, and what a preview shows."""
    if provider.kind == "openai":
        return {
            "model": provider.model,
            "max_tokens": request.max_tokens,
            "messages": [{"role": "system", "content": request.system}, {"role": "user", "content": request.user}],
            "tools": [
                {
                    "type": "function",
                    "function": {
                        "name": request.tool["name"],
                        "description": request.tool["description"],
                        "parameters": request.tool["input_schema"],
                    },
                }
            ],
            "tool_choice": {"type": "function", "function": {"name": TOOL_NAME}},
        }
    return {
        "model": provider.model,
        "max_tokens": request.max_tokens,
        "system": request.system,
        "messages": [{"role": "user", "content": request.user}],
        "tools": [request.tool],
        "tool_choice": {"type": "tool", "name": TOOL_NAME},
    }


def preview(provider: Provider, request: Request) -> str:
    return json.dumps(call_arguments(provider, request), indent=2, ensure_ascii=False)


def _client(provider: Provider) -> Any:
    common = {"timeout": provider.timeout, "max_retries": provider.max_retries}
    if provider.kind == "anthropic":
        import anthropic

        if not provider.api_key:
            raise ProviderError("No Anthropic API key: set ANTHROPIC_API_KEY, or enter the key in Settings.")
        return anthropic.AsyncAnthropic(api_key=provider.api_key, base_url=provider.base_url, **common)
    if provider.kind == "bedrock":
        import anthropic
        from anthropic.lib.bedrock import AsyncAnthropicBedrock

        return AsyncAnthropicBedrock(aws_region=provider.region, base_url=provider.base_url, **common)
    import openai

    key = provider.api_key
    if not key:
        if provider.base_url is None or provider.azure:
            raise ProviderError("No OpenAI API key: set OPENAI_API_KEY, or enter the key in Settings.")
        key = "no-key"  # a local server (Ollama, llama.cpp) takes any key; the SDK insists on one
    if provider.azure:
        if provider.base_url is None:
            raise ProviderError("No Azure OpenAI endpoint: set AZURE_OPENAI_ENDPOINT, or enter it in Settings.")
        return openai.AsyncAzureOpenAI(
            api_key=key,
            azure_endpoint=provider.base_url,
            api_version=os.environ.get("OPENAI_API_VERSION", AZURE_API_VERSION),
            **common,
        )
    return openai.AsyncOpenAI(api_key=key, base_url=provider.base_url, **common)


async def ask(provider: Provider, request: Request) -> Answer:
    """One forced tool call; raises ProviderError when no answer came (after the SDK's retries)."""
    client = _client(provider)
    try:
        if provider.kind == "openai":
            response = await client.chat.completions.create(**call_arguments(provider, request))
            return _openai_answer(response, provider)
        response = await client.messages.create(**call_arguments(provider, request))
        return _anthropic_answer(response, provider)
    except Exception as e:  # noqa: BLE001 - a provider's fault becomes one sentence; a bug of ours is re-raised whole
        raise _fault(e, provider) from None
    finally:
        await client.close()


def _metered(response: Any, provider: Provider, tokens_in: str, tokens_out: str) -> Answer:
    """An answer with the model that gave it and the tokens it counted (named per API)."""
    usage = getattr(response, "usage", None)
    model = getattr(response, "model", None)
    # The SDKs build responses without validating them: a server may send "lots" or -5 for a count.
    return Answer(
        model=model if isinstance(model, str) and model.strip() else provider.model,
        input_tokens=_tokens(getattr(usage, tokens_in, 0)),
        output_tokens=_tokens(getattr(usage, tokens_out, 0)),
    )


def _tokens(count: Any) -> int:
    return count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else 0


def _anthropic_answer(response: Any, provider: Provider) -> Answer:
    answer = _metered(response, provider, "input_tokens", "output_tokens")
    blocks = list(getattr(response, "content", None) or [])
    said = " ".join(getattr(b, "text", "") or "" for b in blocks if getattr(b, "type", "") == "text").strip()
    if getattr(response, "stop_reason", None) == "refusal":
        return replace(answer, refused=True, problem=_refusal(said))
    call = next(
        (b for b in blocks if getattr(b, "type", "") == "tool_use" and getattr(b, "name", "") == TOOL_NAME), None
    )
    if call is None:
        return replace(answer, problem=_no_call(said, getattr(response, "stop_reason", None)))
    return _with_fields(answer, getattr(call, "input", None))


def _openai_answer(response: Any, provider: Provider) -> Answer:
    answer = _metered(response, provider, "prompt_tokens", "completion_tokens")
    choices = list(getattr(response, "choices", None) or [])
    if not choices:
        return replace(answer, problem="The model sent an empty answer.")
    message, reason = choices[0].message, choices[0].finish_reason
    said = (getattr(message, "content", None) or "").strip()
    if getattr(message, "refusal", None) or reason == "content_filter":
        return replace(answer, refused=True, problem=_refusal(getattr(message, "refusal", None) or said))
    calls = [
        c
        for c in getattr(message, "tool_calls", None) or []
        if getattr(c, "function", None) and c.function.name == TOOL_NAME
    ]
    if not calls:
        return replace(answer, problem=_no_call(said, reason))
    return _with_fields(answer, calls[0].function.arguments)


def _with_fields(answer: Answer, tool_input: Any) -> Answer:
    tool_input, problem = _json(tool_input)  # OpenAI sends the arguments as JSON text
    fields = tool_input.get("fields") if isinstance(tool_input, dict) else None
    if problem is None and isinstance(fields, str):  # Claude at times nests the list as JSON text
        fields, problem = _json(fields)
    if problem:
        return replace(answer, problem=problem)
    if not isinstance(fields, list):
        return replace(answer, problem='The model\'s answer has no "fields" list.')
    if not fields:
        return replace(answer, fields=fields, problem="The model sent an empty answer (no fields).")
    return replace(answer, fields=fields)


def _json(value: Any) -> tuple[Any, str | None]:
    if not isinstance(value, str):
        return value, None
    if not value.strip():
        return None, "The model sent an empty answer."
    try:
        return json.loads(value), None
    except json.JSONDecodeError as e:
        return None, f"The model's answer is not valid JSON ({e.msg} at character {e.pos})."


def _refusal(said: str) -> str:
    why = f": “{_short(said)}”" if said else "."
    return f"The model declined to draft this feedback{why}"


def _no_call(said: str, reason: Any) -> str:
    if reason in ("max_tokens", "length"):
        return "The model's answer was cut off at its length limit before the form was complete."
    if said:
        return f"The model answered in prose instead of filling in the form: “{_short(said)}”"
    return "The model sent an empty answer."


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _fault(e: Exception, provider: Provider) -> Exception:
    """One sentence for what went wrong, by the SDK's exception classes (both SDKs name them alike)."""
    if isinstance(e, ProviderError):
        return e
    name, who = type(e).__name__, f"{provider.label} at {provider.host}"
    status = getattr(e, "status_code", None)
    tries = f" (tried {provider.max_retries + 1} times)" if provider.max_retries else ""
    if name == "APITimeoutError":
        return ProviderError(
            f"{who} did not answer within {provider.timeout:g} s{tries}; try again, or try another provider.",
            retry_later=True,
        )
    if name == "APIConnectionError":
        return ProviderError(f"Cannot reach {who}{tries}; check the network and the address.", retry_later=True)
    if name == "RateLimitError" or status == 429:
        return ProviderError(f"{who} is limiting requests (429){tries}; try again in a minute.", retry_later=True)
    if name == "OverloadedError" or status in (503, 529):
        return ProviderError(
            f"{who} is overloaded{tries}; try again in a few minutes, or try another provider.", retry_later=True
        )
    if name in ("AuthenticationError", "PermissionDeniedError") or status in (401, 403):
        return ProviderError(
            f"{who} rejected the API key; check it in Settings or in {KEY_ENV.get(provider.kind, 'the AWS variables')}."
        )
    if name == "NotFoundError" or status == 404:
        return ProviderError(
            f"{who} does not know the model {provider.model!r}; set another in Settings or {MODEL_ENV}."
        )
    if name == "APIResponseValidationError" or isinstance(e, json.JSONDecodeError):  # a body that is not JSON
        return ProviderError(f"{who} answered with something that is not a valid API response.")
    if status is not None:
        detail = _short(_redacted(str(getattr(e, "message", "") or ""), provider), 200)
        return ProviderError(
            f"{who} refused the request (HTTP {status}){': ' + detail if detail else ''}.", retry_later=status >= 500
        )
    if type(e).__module__.split(".")[0] in ("anthropic", "openai", "botocore"):
        return ProviderError(f"{who} could not be asked: {name}: {_short(_redacted(str(e), provider), 200)}")
    return e  # a bug of ours, not a provider's fault: let it reach the one error path whole


def _redacted(text: str, provider: Provider) -> str:
    """A server's error text without our key: a proxy may echo the header it refused."""
    if provider.api_key and len(provider.api_key) >= 4:
        text = text.replace(provider.api_key, log.REDACTED)
    return log.redact(text)
