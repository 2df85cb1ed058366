"""One helper per Lever resource the app reads or writes, returning models.

Lists are async iterators (they stream page by page through
``LeverClient.paginate``); single reads return ``None`` when Lever says 404.
Filters are passed through as Lever spells them (``updated_at_start=...``,
``stage_id=[a, b]`` for a repeated parameter, ``expand=[...]``).
"""

from __future__ import annotations

from typing import Any, AsyncIterator, Mapping, TypeVar
from urllib.parse import quote

from pydantic import ValidationError

from lever_desktop import log as applog
from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.errors import AmbiguousWriteError
from lever_desktop.lever.models import (
    ArchiveReason,
    DeletedOpportunity,
    Feedback,
    FeedbackTemplate,
    Interview,
    LeverModel,
    Opportunity,
    Panel,
    Posting,
    Stage,
    User,
    Webhook,
)

M = TypeVar("M", bound=LeverModel)


def _id(value: str) -> str:
    """An id as one path segment (ids are slugs or UUIDs; never let one add a path)."""
    if not value:
        raise ValueError("an id is required")
    return quote(value, safe="")


async def _walk(client: LeverClient, path: str, model: type[M], params: Mapping[str, Any]) -> AsyncIterator[M]:
    async for record in client.paginate(path, dict(params)):
        yield model.model_validate(record)


async def _one(client: LeverClient, path: str, model: type[M], params: Mapping[str, Any] | None = None) -> M | None:
    record = await client.get_one(path, params)
    return None if record is None else model.model_validate(record)


# -- opportunities ----------------------------------------------------------------------------

def list_opportunities(client: LeverClient, **params: Any) -> AsyncIterator[Opportunity]:
    return _walk(client, "/opportunities", Opportunity, params)


async def get_opportunity(client: LeverClient, opportunity_id: str, **params: Any) -> Opportunity | None:
    return await _one(client, f"/opportunities/{_id(opportunity_id)}", Opportunity, params)


def list_deleted_opportunities(client: LeverClient, deleted_at_start: int | None = None) -> AsyncIterator[DeletedOpportunity]:
    return _walk(client, "/opportunities/deleted", DeletedOpportunity, {"deleted_at_start": deleted_at_start})


def list_panels(client: LeverClient, opportunity_id: str) -> AsyncIterator[Panel]:
    return _walk(client, f"/opportunities/{_id(opportunity_id)}/panels", Panel, {})


def list_interviews(client: LeverClient, opportunity_id: str) -> AsyncIterator[Interview]:
    return _walk(client, f"/opportunities/{_id(opportunity_id)}/interviews", Interview, {})


# -- reference data -----------------------------------------------------------------------------

def list_postings(client: LeverClient, **params: Any) -> AsyncIterator[Posting]:
    return _walk(client, "/postings", Posting, params)


def list_stages(client: LeverClient) -> AsyncIterator[Stage]:
    return _walk(client, "/stages", Stage, {})


def list_users(client: LeverClient, include_deactivated: bool = False, **params: Any) -> AsyncIterator[User]:
    return _walk(client, "/users", User, {**params, "includeDeactivated": include_deactivated or None})


def list_archive_reasons(client: LeverClient) -> AsyncIterator[ArchiveReason]:
    return _walk(client, "/archive_reasons", ArchiveReason, {})


def list_feedback_templates(client: LeverClient) -> AsyncIterator[FeedbackTemplate]:
    """Active templates, Lever's built-in "No Feedback" one included (not a usable form)."""
    return _walk(client, "/feedback_templates", FeedbackTemplate, {})


async def get_feedback_template(client: LeverClient, template_id: str) -> FeedbackTemplate | None:
    return await _one(client, f"/feedback_templates/{_id(template_id)}", FeedbackTemplate)


# -- feedback -----------------------------------------------------------------------------------

async def list_feedback(client: LeverClient, opportunity_id: str, include_deleted: bool = False) -> AsyncIterator[Feedback]:
    """Completed feedback forms of an opportunity; deleted ones are skipped unless asked for."""
    async for form in _walk(client, f"/opportunities/{_id(opportunity_id)}/feedback", Feedback, {}):
        if include_deleted or not form.deleted:
            yield form


def _check_feedback_body(body: Mapping[str, Any], *, creating: bool) -> None:
    # Lever answers a generic 400 for most mistakes: catch the ones we can name here.
    if "fields" in body:
        raise ValueError("feedback is written with 'fieldValues' (reads return 'fields')")
    if creating:
        for key in ("baseTemplateId", "completedAt", "fieldValues"):
            if body.get(key) in (None, ""):
                raise ValueError(f"feedback needs {key!r}" + (
                    " (without it Lever may keep an unsubmitted draft)" if key == "completedAt" else ""))
        if bool(body.get("panel")) != bool(body.get("interview")):
            raise ValueError("feedback names a panel and an interview together, or neither")


def _perform_as(user_id: str) -> dict[str, str]:
    if not user_id:
        raise ValueError("perform_as (the Lever user id of the author) is required")
    return {"perform_as": user_id}


def _feedback_from(answer: Any, what: str, opportunity_id: str) -> Feedback:
    try:
        return Feedback.model_validate(answer)
    except ValidationError:
        raise AmbiguousWriteError(
            f"Lever accepted the {what} but did not return the form", method="POST",
            path=f"/opportunities/{opportunity_id}/feedback",
        ) from None


async def create_feedback(
    client: LeverClient, opportunity_id: str, perform_as: str, body: Mapping[str, Any]
) -> Feedback:
    """Submit a completed form as ``perform_as``. Not idempotent: never call twice blindly.

    ``body`` is Lever's write shape: ``baseTemplateId``, ``completedAt``,
    ``fieldValues`` and optionally ``panel`` + ``interview``. A failure that
    Lever may have processed raises ``AmbiguousWriteError``: re-read
    ``list_feedback`` and match before trying again.
    """
    _check_feedback_body(body, creating=True)
    answer = await client.post(
        f"/opportunities/{_id(opportunity_id)}/feedback", json=dict(body), params=_perform_as(perform_as)
    )
    return _feedback_from(answer, "feedback", opportunity_id)


async def update_feedback(
    client: LeverClient, opportunity_id: str, feedback_id: str, perform_as: str, body: Mapping[str, Any]
) -> Feedback:
    """Edit a form: ``body`` holds ``completedAt`` and/or ``fieldValues``."""
    _check_feedback_body(body, creating=False)
    answer = await client.put(
        f"/opportunities/{_id(opportunity_id)}/feedback/{_id(feedback_id)}", json=dict(body),
        params=_perform_as(perform_as),
    )
    return _feedback_from(answer, "feedback edit", opportunity_id)


async def delete_feedback(client: LeverClient, opportunity_id: str, feedback_id: str, perform_as: str) -> None:
    await client.delete(
        f"/opportunities/{_id(opportunity_id)}/feedback/{_id(feedback_id)}", params=_perform_as(perform_as)
    )


# -- webhooks -----------------------------------------------------------------------------------

def list_webhooks(client: LeverClient) -> AsyncIterator[Webhook]:
    return _walk(client, "/webhooks", Webhook, {})


async def create_webhook(
    client: LeverClient, event: str, url: str, conditions: Mapping[str, Any] | None = None
) -> Webhook:
    """Register ``url`` for ``event``. The answer's ``configuration.signature_token`` is shown
    only this once: store it in the keychain straight away."""
    body: dict[str, Any] = {"event": event, "url": url}
    if conditions:
        body["configuration"] = {"conditions": dict(conditions)}
    webhook = Webhook.model_validate(await client.post("/webhooks", json=body))
    applog.register_secret(webhook.configuration.signature_token)
    return webhook


async def delete_webhook(client: LeverClient, webhook_id: str) -> None:
    await client.delete(f"/webhooks/{_id(webhook_id)}")
