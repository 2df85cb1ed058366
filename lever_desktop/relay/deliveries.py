"""Judging one Lever delivery from the feed, and what it asks the app to do.

The relay is not trusted: a delivery is acted on only when Lever's signature over
``token + triggeredAt`` checks out with that event's signature token and
``triggeredAt`` is recent. ``data`` is not signed (Lever signs only the token and
time): anyone who saw one genuine delivery can re-post it with other ids. So every
delivery is only a hint of *which* object to re-read: the app re-fetches it from
Lever and changes the cache only from Lever's answer — even ``candidateDeleted`` is
a re-read, and only Lever's 404 tombstones. For the same reason a delivery is
de-duplicated on its token *and* the work it names, so a re-targeted copy posted
first cannot make the genuine one look like a repeat.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from lever_desktop.lever.signatures import signature_token_for, verify

MAX_BODY = 1024 * 1024
EXCERPT_BYTES = 1024  # what a rejected item keeps of its body: enough to debug, too little to fill a disk
DEFAULT_MAX_AGE_S = 7 * 86400  # how late a delivery may be processed (a laptop shut for a long weekend)
DEFAULT_MAX_SKEW_S = 300  # how far in the future triggeredAt may be (clock drift)
# Lever names one object per delivery, and its retries name the same one; only forged copies of a
# captured delivery name others. Acting on every copy let one captured delivery make each desktop
# re-read Lever (and record a tombstone) once per forged id, without limit. A few targets per token
# still let the genuine delivery through behind a forgery or two; past them a change arrives with
# the periodic sync instead.
MAX_TARGETS_PER_TOKEN = 3

REFRESH = "refresh_opportunity"
INTERVIEWS = "refresh_interviews"
CONTACT = "refresh_contact"

_ROUTES = {  # one per event of lever.signatures.EVENTS, the ones the app subscribes to
    "candidateStageChange": REFRESH,
    "candidateArchiveChange": REFRESH,
    "candidateHired": REFRESH,
    "applicationCreated": REFRESH,
    "candidateDeleted": REFRESH,  # a re-read: Lever's 404 tombstones, a forged id changes nothing
    "interviewCreated": INTERVIEWS,
    "interviewUpdated": INTERVIEWS,
    "interviewDeleted": INTERVIEWS,
    "contactCreated": CONTACT,
    "contactUpdated": CONTACT,
}


@dataclass(frozen=True)
class Action:
    """One targeted piece of work for the dispatcher, e.g. ``refresh_opportunity("opp-1")``."""

    name: str
    target: str


@dataclass(frozen=True)
class Verdict:
    accepted: bool
    reason: str | None  # why it was rejected
    event: str | None
    token: str | None
    triggered_at: int | None
    action: Action | None = None

    @property
    def dedup_key(self) -> str:
        """Lever's token plus the work named: a Lever retry is a duplicate, a re-targeted copy is not."""
        if self.action is None:
            return self.token or ""
        return f"{self.token}:{self.action.name}:{self.action.target}"


def canonical(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def _utf8(text: str) -> bytes:
    # surrogatepass: a lone surrogate ("\ud800" in the JSON) still hashes and measures, never raises.
    return text.encode("utf-8", "surrogatepass")


def rejected_key(kind: str, text: str) -> str:
    """Key for a rejected item: never a bare token, so a forgery can't shadow the genuine delivery."""
    return f"rejected:{kind}:{hashlib.sha256(_utf8(text)).hexdigest()}"


def excerpt(text: str | bytes) -> dict[str, Any]:
    """The bounded record kept of a rejected body: its size, its sha256 and its first KB.

    Anyone may post to the relay, so a rejected body is never kept whole (60 posts of 1 MB
    would otherwise cost 60 MB on the relay and in every desktop's cache). The head is plain
    text that always stores: undecodable bytes and lone surrogates become escapes.
    """
    raw = text if isinstance(text, bytes) else _utf8(text)
    start = text[:EXCERPT_BYTES]
    readable = start.decode("utf-8", "backslashreplace") if isinstance(start, bytes) else start
    head = readable.encode("utf-8", "backslashreplace")[:EXCERPT_BYTES].decode("utf-8", "ignore")
    return {"size": len(raw), "sha256": hashlib.sha256(raw).hexdigest(), "head": head}


def _str(d: Mapping[str, Any], key: str) -> str | None:
    v = d.get(key)
    return v if isinstance(v, str) and v else None


def _target(event: str, data: Any) -> Action | None:
    if not isinstance(data, Mapping):
        return None
    name = _ROUTES[event]
    if name == CONTACT:
        target = _str(data, "contactId") or _str(data, "contact")
    else:  # older payloads name the opportunity candidateId (Lever's ids are shared)
        target = _str(data, "opportunityId") or _str(data, "candidateId")
    return Action(name, target) if target else None


def judge(
    body: Any,
    size: int,
    tokens: Mapping[str, str],
    now_ms: int,
    *,
    max_age_s: float = DEFAULT_MAX_AGE_S,
    max_skew_s: float = DEFAULT_MAX_SKEW_S,
) -> Verdict:
    """Accept or reject one delivery; never raises on bad input."""

    def reject(reason: str, event=None, token=None, at=None) -> Verdict:
        return Verdict(False, reason, event, token, at)

    if size > MAX_BODY:
        return reject("oversize")
    if not isinstance(body, Mapping):
        return reject("malformed")
    event, token, at = _str(body, "event"), _str(body, "token"), body.get("triggeredAt")
    if isinstance(at, bool) or not isinstance(at, int):
        at = None
    if "signature" not in body or body.get("signature") in (None, ""):
        return reject("unsigned", event, token, at)
    if event is None or token is None or at is None or not isinstance(body.get("signature"), str):
        return reject("malformed", event, token, at)
    if event not in _ROUTES:
        return reject("unknown-event", event, token, at)
    signature_token = signature_token_for(tokens, event)
    if not signature_token:
        return reject("no-signature-token", event, token, at)
    if not verify(body, signature_token):
        return reject("bad-signature", event, token, at)
    if at < now_ms - max_age_s * 1000:
        return reject("stale", event, token, at)
    if at > now_ms + max_skew_s * 1000:
        return reject("future", event, token, at)
    action = _target(event, body.get("data"))
    if action is None:
        return reject("missing-ids", event, token, at)
    return Verdict(True, None, event, token, at, action)
