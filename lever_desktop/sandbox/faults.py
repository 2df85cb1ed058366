"""Fault injection: 5xx, 429 storms, latency, dropped connections, malformed bodies.

``--faults SPEC`` (and ``POST /_sandbox/faults {"spec": SPEC}``): rules separated by
``;``, each ``KIND[=ARG][,key=value...]``.

Kinds:
  ``status=CODE``   answer CODE (500, 502, 503, 429, ...) with a Lever error body
  ``storm=N``       once triggered, the next N matching requests get 429
  ``latency=SECS``  delay the response (adds to whatever else happens)
  ``drop``          close the connection before the request is handled: no response
  ``drop-after``    handle the request (a POST is stored!), then close with no response
  ``malformed``     200 with a truncated JSON body
  ``store-after=SECS``  receive the request, handle it (a POST is stored) SECS later whether
                    or not the client is still connected, then answer if it still is: a
                    Lever that stores a request after the client gave up on it
  ``completed-at=round|now``  a write's ``completedAt`` is stored truncated to whole seconds
                    (``round``) or replaced by the time of storing (``now``): Lever documents
                    only that the field "defaults to now"; combines with the other kinds
Keys: ``path=GLOB`` (matched against the path after ``/v1``, e.g. ``/opportunities*``,
``*/feedback``; default ``*``), ``method=POST``, ``rate=P`` (probability, default 1),
``count=N`` (fire at most N times). The dice come from a RNG seeded with ``--seed``.

Example: ``status=503,path=/opportunities,rate=0.2;drop-after,method=POST,path=*/feedback,count=1``,
``store-after=6,method=POST,path=*/feedback``, ``completed-at=round,path=*/feedback``
"""

from __future__ import annotations

import fnmatch
import random
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

KINDS = {"status", "storm", "latency", "drop", "drop-after", "malformed", "store-after", "completed-at"}
COMPLETED_AT_MODES = ("round", "now")


class FaultSpecError(ValueError):
    pass


@dataclass
class FaultRule:
    kind: str
    arg: float | str | None = None  # a number; for completed-at one of COMPLETED_AT_MODES
    path: str = "*"
    method: str | None = None
    rate: float = 1.0
    count: int | None = None
    fired: int = 0

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and fnmatch.fnmatchcase(path, self.path)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _rule(kind: str, arg: Any = None, **keys: Any) -> FaultRule:
    if kind not in KINDS:
        raise FaultSpecError(f"unknown fault kind {kind!r} (known: {', '.join(sorted(KINDS))})")
    if kind == "completed-at" and arg not in COMPLETED_AT_MODES:
        raise FaultSpecError(f"fault 'completed-at' needs a mode: completed-at={'|'.join(COMPLETED_AT_MODES)}")
    if kind in ("status", "storm", "latency", "store-after"):
        if arg is None:
            raise FaultSpecError(f"fault {kind!r} needs a value, e.g. {kind}=3")
        try:
            arg = float(arg)
        except (TypeError, ValueError):
            raise FaultSpecError(f"fault {kind}={arg!r}: not a number") from None
    try:
        rule = FaultRule(
            kind,
            arg,
            path=str(keys.pop("path", "*")),
            method=str(keys["method"]).upper() if keys.get("method") else None,
            rate=float(keys.pop("rate", 1.0)),
            count=int(keys["count"]) if keys.get("count") is not None else None,
        )
    except (TypeError, ValueError) as e:
        raise FaultSpecError(f"fault {kind!r}: {e}") from None
    keys.pop("method", None)
    keys.pop("count", None)
    if keys:
        raise FaultSpecError(f"fault {kind!r}: unknown keys {sorted(keys)}")
    if not 0 <= rule.rate <= 1:
        raise FaultSpecError(f"fault {kind!r}: rate must be between 0 and 1")
    return rule


def parse_spec(spec: str, make: Callable[..., Any] | None = None) -> list[Any]:
    """``make(kind, arg, **keys)`` builds each rule (default: a Lever fault; the sandbox model has its own)."""
    make = make or _rule
    rules = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        head, *rest = [x.strip() for x in part.split(",")]
        kind, _, arg = head.partition("=")
        keys: dict[str, Any] = {}
        for kv in rest:
            k, sep, v = kv.partition("=")
            if not sep:
                raise FaultSpecError(f"{kv!r} in {part!r}: expected key=value")
            keys[k.strip()] = v.strip()
        rules.append(make(kind.strip(), arg or None, **keys))
    return rules


def parse_rules(obj: Any) -> list[FaultRule]:
    """Rules from the admin API: ``{"spec": "..."}`` or a list of rule objects."""
    if isinstance(obj, dict) and isinstance(obj.get("spec"), str):
        return parse_spec(obj["spec"])
    if isinstance(obj, list) and all(isinstance(r, dict) and "kind" in r for r in obj):
        return [_rule(**{k: v for k, v in r.items() if k != "fired"}) for r in obj]
    raise FaultSpecError('expected {"spec": "..."} or a list of {"kind": ...} rules')


@dataclass
class Decision:
    delay: float = 0.0
    completed_at: str | None = None  # "round" | "now": how a write's completedAt is stored
    rule: FaultRule | None = None  # the one non-latency fault to apply, if any


class Faults:
    def __init__(self, rules: list[FaultRule] | None = None, seed: int = 1) -> None:
        self.rules = list(rules or [])
        self._rng = random.Random(f"faults:{seed}")
        self._lock = threading.Lock()
        self._storm_left = 0
        self._storm_rule: FaultRule | None = None
        self.late_pending = 0  # store-after requests received and not yet handled
        self.late_received = 0  # store-after requests received in all (the reliability soak prints it)

    def replace(self, rules: list[FaultRule]) -> None:
        with self._lock:
            self.rules = list(rules)
            self._storm_left, self._storm_rule = 0, None

    def decide(self, method: str, path: str) -> Decision:
        decision = Decision()
        with self._lock:
            if self._storm_left and self._storm_rule and self._storm_rule.matches(method, path):
                self._storm_left -= 1
                decision.rule = FaultRule("status", 429.0)
                return decision
            for rule in self.rules:
                if not rule.matches(method, path) or (rule.count is not None and rule.fired >= rule.count):
                    continue
                if rule.rate < 1 and self._rng.random() >= rule.rate:
                    continue
                if rule.kind == "latency":
                    rule.fired += 1
                    decision.delay += float(rule.arg or 0)
                    continue
                if rule.kind == "completed-at":  # a modifier, like latency: combines with the rest
                    rule.fired += 1
                    decision.completed_at = str(rule.arg)
                    continue
                if decision.rule is None:
                    rule.fired += 1
                    decision.rule = rule
                    if rule.kind == "storm":
                        self._storm_left, self._storm_rule = max(0, int(rule.arg or 0) - 1), rule
                        decision.rule = FaultRule("status", 429.0)
        return decision
