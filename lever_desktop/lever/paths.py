"""Lever API paths built from ids: every id goes into a path through ``seg``, here and nowhere else.

Ids come from Lever, webhooks (unsigned ``data``), drafts and the command line;
ids are slugs or UUIDs, so one that would add a path segment or a query
(``../users``, ``a?b``, ``a/b``) is quoted into a single segment instead.
A test (tests/unit/test_layering.py) keeps every other module from building a
Lever path around an id itself.
"""

from __future__ import annotations

from urllib.parse import quote


def seg(value: str) -> str:
    """``value`` as exactly one path segment."""
    if not isinstance(value, str) or not value:
        raise ValueError("a Lever id is required")
    if value in (".", ".."):
        # Quoting leaves dots alone and an HTTP client would resolve them: spell them out.
        return value.replace(".", "%2E")
    return quote(value, safe="")


def opportunity(opportunity_id: str) -> str:
    return f"/opportunities/{seg(opportunity_id)}"


def panels(opportunity_id: str) -> str:
    return f"{opportunity(opportunity_id)}/panels"


def interviews(opportunity_id: str) -> str:
    return f"{opportunity(opportunity_id)}/interviews"


def feedback(opportunity_id: str, feedback_id: str | None = None) -> str:
    """The opportunity's completed forms (GET) and where a new one is POSTed, or one of them: ids
    from a draft must not steer a write (``x/../<other>`` would POST onto another candidate, past
    every check made for ``x``)."""
    path = f"{opportunity(opportunity_id)}/feedback"
    return path if feedback_id is None else f"{path}/{seg(feedback_id)}"


def feedback_form(opportunity_id: str, feedback_id: str) -> str:
    """One form: read, amended (PUT) and withdrawn (DELETE) here."""
    return f"{feedback(opportunity_id)}/{seg(feedback_id)}"


def feedback_template(template_id: str) -> str:
    return f"/feedback_templates/{seg(template_id)}"


def webhook(webhook_id: str) -> str:
    return f"/webhooks/{seg(webhook_id)}"
