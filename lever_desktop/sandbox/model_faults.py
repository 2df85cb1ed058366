"""What can go wrong with the sandbox model, on demand: each fault N times, then normal answers.

``SandboxModelServer(faults=SPEC)`` and ``POST /_model/faults {"spec": SPEC}`` take rules in the
same ``KIND[=ARG][,key=value...]`` language as the Lever sandbox's ``--faults``, separated by ``;``.

Kinds (what the drafter must survive):
  ``invalid-json``      the tool input is not JSON: OpenAI's ``arguments`` string is cut short;
                        Anthropic's ``input`` (always an object on the wire) carries ``fields`` as a
                        cut-short JSON string, as models sometimes do
  ``wrong-option``      one option-valued field answers a near miss of an option ("reject" for "Reject")
  ``missing-required``  one required field is left out
  ``refusal``           Anthropic ``stop_reason: "refusal"`` with text only; OpenAI ``message.refusal``
  ``rate-limit[=S]``    429 (``rate_limit_error`` / ``rate_limit_exceeded``) with ``retry-after: S`` (default 1)
  ``overloaded``        Anthropic 529 ``overloaded_error``; Bedrock 503 ``ServiceUnavailableException``;
                        OpenAI 503 ``server_error``
  ``slow[=S]``          answer normally, S seconds late (default 30): longer than the client's timeout
  ``empty``             an answer with no tool call and no text
  ``status=CODE``       that status with the API's error body for it (400, 401, 403, 404, 500 ...)
Keys: ``count=N`` (fire N times, then answer normally; default: every time), ``api=anthropic|bedrock|openai``
(only that API; default all). Example: ``rate-limit=0.01,count=2;invalid-json,count=1,api=openai``.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

from lever_desktop.sandbox.faults import FaultSpecError, parse_spec

KINDS = {
    "invalid-json",
    "wrong-option",
    "missing-required",
    "refusal",
    "rate-limit",
    "overloaded",
    "slow",
    "empty",
    "status",
}
APIS = ("anthropic", "bedrock", "openai")
_DEFAULT_ARG = {"rate-limit": 1.0, "slow": 30.0}


@dataclass
class ModelFault:
    kind: str
    arg: float | None = None
    count: int | None = None
    api: str | None = None
    fired: int = 0

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _fault(kind: str, arg: Any = None, **keys: Any) -> ModelFault:
    if kind not in KINDS:
        raise FaultSpecError(f"unknown model fault {kind!r} (known: {', '.join(sorted(KINDS))})")
    if kind == "status" and arg is None:
        raise FaultSpecError("model fault 'status' needs a code, e.g. status=500")
    try:
        value = float(arg) if arg is not None else _DEFAULT_ARG.get(kind)
        count = int(keys.pop("count")) if keys.get("count") is not None else None
    except (TypeError, ValueError):
        raise FaultSpecError(f"model fault {kind!r}: {arg!r} or count is not a number") from None
    keys.pop("count", None)
    api = keys.pop("api", None)
    if api is not None and api not in APIS:
        raise FaultSpecError(f"model fault {kind!r}: api must be one of {', '.join(APIS)}")
    if keys:
        raise FaultSpecError(f"model fault {kind!r}: unknown keys {sorted(keys)}")
    return ModelFault(kind, value, count, api)


def parse_model_faults(obj: Any) -> list[ModelFault]:
    """Rules from a spec string, or from the admin API's ``{"spec": "..."}``."""
    if isinstance(obj, dict) and isinstance(obj.get("spec"), str):
        obj = obj["spec"]
    if not isinstance(obj, str):
        raise FaultSpecError('expected {"spec": "KIND[=ARG][,count=N][,api=...];..."}')
    return parse_spec(obj, make=_fault)


class ModelFaults:
    def __init__(self, rules: list[ModelFault] | None = None) -> None:
        self._lock = threading.Lock()
        self.rules = list(rules or [])

    def replace(self, rules: list[ModelFault]) -> None:
        with self._lock:
            self.rules = list(rules)

    def take(self, api: str) -> ModelFault | None:
        """The fault this request gets, if any; it counts as fired."""
        with self._lock:
            for rule in self.rules:
                if (rule.api in (None, api)) and (rule.count is None or rule.fired < rule.count):
                    rule.fired += 1
                    return rule
        return None

    def to_json(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r.to_json() for r in self.rules]
