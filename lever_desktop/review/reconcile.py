"""Recognising our own form in Lever, and comparing what Lever stored with what was approved.

A feedback POST is not idempotent, so after any failure that leaves us unsure
whether Lever stored the form, the outbox reads the opportunity's feedback
and looks for it here before ever sending again.

The match does not trust Lever to echo ``completedAt``: Lever documents only
that the field "defaults to now", so it may be stored rounded (seconds
truncation) or replaced by the time Lever stored the form. A form is ours when
template, author (perform_as) and panel/interview are what the approved body
says and either
- its ``completedAt`` is exactly the one fixed at approval (Lever echoed it), or
- every field value is what was approved, and its ``completedAt`` or
  ``createdAt`` falls inside the window in which this approval could have been
  stored: from approval (less a tolerance for clock skew between this machine
  and Lever) to the read (plus the same tolerance).
Values are not required for the exact echo: that key is already unique, and a
value Lever normalises on storage must not make us miss the form (and send it
again). The exact echo ranks a form first when several candidates are present.

Forms are compared as read through the one typed boundary (``lever.models.Feedback``,
from ``models.parse_forms``): references as ids or expanded objects, answers under
``fields`` or ``fieldValues``. The approved body is our own POST, a plain dict.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from lever_desktop.lever.models import Feedback

# This machine's clock and Lever's may disagree; a form stored up to this much "before" the
# approval or "after" the read is still inside the window. Generous on purpose: the other
# keys (template, author, interview, every value) already make a false match implausible.
CLOCK_SKEW_MS = 5 * 60_000


@dataclass(frozen=True)
class Window:
    """When a form from one approval can have been stored (epoch ms, this machine's clock)."""

    start: int
    end: int

    @classmethod
    def around(cls, approved_at: int, now: int, skew_ms: int = CLOCK_SKEW_MS) -> Window:
        return cls(approved_at - skew_ms, now + skew_ms)

    def holds(self, form: Feedback) -> bool:
        return any(t is not None and self.start <= t <= self.end for t in (form.completed_at, form.created_at))


def matches(form: Feedback, body: dict[str, Any], perform_as: str, window: Window | None = None) -> bool:
    """``window`` None: only the exact ``completedAt`` fixed at approval counts (no read time known)."""
    if form.deleted:
        return False
    same_slot = (
        form.base_template_id == body["baseTemplateId"]
        and form.user == perform_as
        and form.panel == body.get("panel")
        and form.interview == body.get("interview")
    )
    if not same_slot:
        return False
    if form.completed_at == body["completedAt"]:
        return True
    return window is not None and window.holds(form) and not value_differences(form, body)


def find_all(
    forms: Iterable[Feedback], body: dict[str, Any], perform_as: str, claimed: set[str], window: Window | None = None
) -> list[Feedback]:
    """Every form this approval may have created, best first (exact completedAt, then oldest)."""
    found = [f for f in forms if matches(f, body, perform_as, window) and f.id not in claimed]
    return sorted(found, key=lambda f: (f.completed_at != body["completedAt"], f.created_at or 0, f.id))


def find_match(
    forms: Iterable[Feedback], body: dict[str, Any], perform_as: str, claimed: set[str], window: Window | None = None
) -> Feedback | None:
    """The form this outbox entry created, ignoring forms already recorded for other drafts."""
    found = find_all(forms, body, perform_as, claimed, window)
    return found[0] if found else None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _same(approved: Any, stored: Any) -> bool:
    """The same answer, up to what a server may do when storing it (unconfirmed for Lever): text
    trimmed or with its line ends changed, a multiple-select's options in another order."""
    if isinstance(approved, str) and isinstance(stored, str):
        return _text(approved) == _text(stored)
    if isinstance(approved, list) and isinstance(stored, list) and len(approved) == len(stored):
        if all(isinstance(v, str) for v in approved + stored):  # multiple-select: a set of option texts
            return sorted(map(_text, approved)) == sorted(map(_text, stored))
        return all(_same(a, s) for a, s in zip(approved, stored))  # scorecard rows keep their order
    if isinstance(approved, dict) and isinstance(stored, dict):  # a scorecard row: extra keys say nothing
        return all(_same(v, stored.get(k)) for k, v in approved.items())
    return approved == stored


def _text(value: str) -> str:
    return value.replace("\r\n", "\n").strip()


def value_differences(form: Feedback, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every field whose stored value is not what was approved (an empty answer equals no answer)."""
    approved = {str(f["id"]): f.get("value") for f in body.get("fieldValues", [])}
    stored = form.values()
    diffs = []
    for fid in sorted(set(approved) | set(stored)):
        a, s = approved.get(fid), stored.get(fid)
        if _empty(a) and _empty(s):
            continue
        if not _same(a, s):
            diffs.append({"fieldId": fid, "approved": a, "stored": s})
    return diffs


def differences(form: Feedback, body: dict[str, Any]) -> list[dict[str, Any]]:
    """Field differences, and ``completedAt`` when Lever kept a different time than approved."""
    diffs = value_differences(form, body)
    if form.completed_at != body.get("completedAt"):
        diffs.append({"fieldId": "completedAt", "approved": body.get("completedAt"), "stored": form.completed_at})
    return diffs
