"""Recognising our own form in Lever, and comparing what Lever stored with what was approved.

A feedback POST is not idempotent, so after any failure that leaves us unsure
whether Lever stored the form, the outbox reads the opportunity's feedback
and looks for it here before ever sending again. The match key is what the
approved body fixed: template, author (perform_as), panel/interview and the
exact ``completedAt`` chosen at approval.
"""

from __future__ import annotations

from typing import Any, Iterable


def _ref(value: Any) -> str | None:
    """Lever returns references either as an id or as an expanded object."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value) if value not in (None, "") else None


def matches(form: dict[str, Any], body: dict[str, Any], perform_as: str) -> bool:
    if form.get("deletedAt"):
        return False
    return (
        _ref(form.get("baseTemplateId")) == body["baseTemplateId"]
        and _ref(form.get("user")) == perform_as
        and _ref(form.get("panel")) == body.get("panel")
        and _ref(form.get("interview")) == body.get("interview")
        and form.get("completedAt") == body["completedAt"]
    )


def find_match(
    forms: Iterable[dict[str, Any]], body: dict[str, Any], perform_as: str, claimed: set[str]
) -> dict[str, Any] | None:
    """The form this outbox entry created, ignoring forms already recorded for other drafts."""
    for form in forms:
        if matches(form, body, perform_as) and str(form.get("id")) not in claimed:
            return form
    return None


def stored_values(form: dict[str, Any]) -> dict[str, Any]:
    """Field id -> value as Lever reads it back (reads say ``fields``, writes ``fieldValues``)."""
    out: dict[str, Any] = {}
    for f in form.get("fields") or form.get("fieldValues") or []:
        if isinstance(f, dict) and f.get("id") is not None:
            out[str(f["id"])] = f.get("value")
    return out


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def differences(form: dict[str, Any], body: dict[str, Any]) -> list[dict[str, Any]]:
    """Every field whose stored value is not what was approved (an empty answer equals no answer)."""
    approved = {str(f["id"]): f.get("value") for f in body.get("fieldValues", [])}
    stored = stored_values(form)
    diffs = []
    for fid in sorted(set(approved) | set(stored)):
        a, s = approved.get(fid), stored.get(fid)
        if _empty(a) and _empty(s):
            continue
        if a != s:
            diffs.append({"fieldId": fid, "approved": a, "stored": s})
    if form.get("completedAt") != body.get("completedAt"):
        diffs.append({"fieldId": "completedAt", "approved": body.get("completedAt"), "stored": form.get("completedAt")})
    return diffs
