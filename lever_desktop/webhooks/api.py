"""Lever's webhook management endpoints (``GET/POST /webhooks``, ``DELETE /webhooks/:id``), typed.

The signature token in a create's answer is shown only that once: it is registered with the
log redactor here, before anything can print it, and the caller stores it in the keychain.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from lever_desktop import log as applog
from lever_desktop.lever import models, paths
from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.models import Webhook


async def list_webhooks(client: LeverClient) -> AsyncIterator[Webhook]:
    async for record in client.paginate("/webhooks", {}):
        for hook, _raw in models.parse(Webhook, [record]):
            yield hook


async def create_webhook(
    client: LeverClient, event: str, url: str, conditions: Mapping[str, Any] | None = None
) -> Webhook:
    """Register ``url`` for ``event``; store ``configuration.signature_token`` straight away."""
    body: dict[str, Any] = {"event": event, "url": url}
    if conditions:
        body["configuration"] = {"conditions": dict(conditions)}
    webhook = Webhook.model_validate(await client.post("/webhooks", json=body))
    applog.register_secret(webhook.configuration.signature_token)
    return webhook


async def delete_webhook(client: LeverClient, webhook_id: str) -> None:
    await client.delete(paths.webhook(webhook_id))
