"""Lever API paths built from ids: every id goes into a path through ``seg``.

Ids come from Lever, webhooks (unsigned ``data``), drafts and the command line;
ids are slugs or UUIDs, so one that would add a path segment or a query
(``../users``, ``a?b``, ``a/b``) is quoted into a single segment instead.
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


def feedback(opportunity_id: str, feedback_id: str | None = None) -> str:
    """An opportunity's feedback forms, or one of them: ids from a draft must not steer a write
    (``x/../<other>`` would POST onto another candidate, past every check made for ``x``)."""
    path = f"{opportunity(opportunity_id)}/feedback"
    return path if feedback_id is None else f"{path}/{seg(feedback_id)}"


def feedback_template(template_id: str) -> str:
    return f"/feedback_templates/{seg(template_id)}"
