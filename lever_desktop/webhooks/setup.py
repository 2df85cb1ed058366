"""``webhooks setup``: register the relay with Lever for every event and keep the tokens.

Lever shows a webhook's signature token once, in the answer that creates it, so:
- each token goes to the keychain the moment it arrives (if that fails, the webhook just
  made is deleted again: a webhook whose token is lost only produces rejected deliveries);
- a second run creates nothing: a webhook that already sends an event to the relay and
  whose token we hold is left alone;
- a webhook that sends an event to the relay but whose token we do not hold (made by
  another tool, by hand, or by a Lever Desktop on another computer) is reported with what
  to do, and replaced only when asked (``replace=True``): replacing cuts off whoever holds
  the old token. The new webhook is created before the old one is deleted, so no event is
  missed in between.
Which webhook a stored token came from is remembered (``webhook_ids``), so a token left
over from a webhook deleted in Lever is not mistaken for the token of its successor.
Nothing here switches the webhooks on: a Super Admin does that in Lever (``SUPER_ADMIN_STEP``).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from lever_desktop import config
from lever_desktop import webhook_tokens as tokens
from lever_desktop.lever.client import LeverClient
from lever_desktop.lever.errors import AmbiguousWriteError, LeverError, LeverNotFound
from lever_desktop.lever.models import Webhook
from lever_desktop.lever.signatures import EVENTS, signature_token_for
from lever_desktop.lever.urls import RELAY_WEBHOOK_PATH, check_relay_url
from lever_desktop.webhooks import api as webhooks_api

WEBHOOK_IDS = "webhook_ids"  # in Settings.extra: event -> the webhook whose token the keychain holds

# What each step ended as.
CONNECTED = "connected"  # it exists and we hold its token: nothing to do
CREATED = "created"
REPLACED = "replaced"
NEEDS_TOKEN = "needs-token"  # it exists, we lack its token: the person decides
UNCERTAIN = "uncertain"  # the create may or may not have happened (the answer was lost)
WOULD_CREATE, WOULD_REPLACE = "would-create", "would-replace"  # --dry-run
NEEDS_ATTENTION = {NEEDS_TOKEN, UNCERTAIN}

SUPER_ADMIN_STEP = (
    "A Lever Super Admin must still switch these webhooks on: in Lever, Settings -> Integrations and "
    "API -> Webhooks, enable the webhook group of each event. Until then Lever sends nothing, and the "
    "periodic sync keeps the cache up to date."
)
NEEDS_TOKEN_ADVICE = (
    "Lever shows a webhook's signature token only when it is created, and this computer does not have it. "
    "If another Lever Desktop set it up, copy its signature tokens into Settings; otherwise {replace} to delete "
    "and recreate it (whoever holds the old token stops receiving this event)."
)
UNCERTAIN_ADVICE = (
    "Lever's answer was lost, so it may have created the webhook without us seeing its token: "
    "set up again, and if the webhook is then reported without its token, {replace}."
)
REPLACE_FLAG = "run again with --replace"


@dataclass(frozen=True)
class Step:
    event: str
    status: str
    webhook_id: str | None = None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event,
            "status": self.status,
            "webhookId": self.webhook_id,
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class SetupReport:
    webhook_url: str
    dry_run: bool
    steps: list[Step] = field(default_factory=list)
    webhook_ids: dict[str, str] = field(default_factory=dict)  # event -> the webhook whose token we hold

    @property
    def ok(self) -> bool:
        return not any(s.status in NEEDS_ATTENTION for s in self.steps)

    def count(self, status: str) -> int:
        return sum(1 for s in self.steps if s.status == status)

    def to_json(self) -> dict[str, Any]:
        return {
            "webhookUrl": self.webhook_url,
            "dryRun": self.dry_run,
            "ok": self.ok,
            "steps": [s.to_json() for s in self.steps],
            "nextStep": SUPER_ADMIN_STEP,
        }

    def summary(self, replace: str = REPLACE_FLAG) -> list[str]:
        """The report in a few lines: counts, the events needing attention, what to do next."""
        words = {
            CONNECTED: "already connected",
            CREATED: "created",
            REPLACED: "replaced",
            WOULD_CREATE: "would be created",
            WOULD_REPLACE: "would be replaced",
        }
        done = [f"{self.count(st)} {w}" for st, w in words.items() if self.count(st)]
        out = [
            f"Webhooks to {self.webhook_url}: {', '.join(done) or 'none connected'}."
            + (" Their signature tokens are in the keychain." if self.count(CREATED) + self.count(REPLACED) else "")
        ]
        for status, why, advice in (
            (NEEDS_TOKEN, "token missing", NEEDS_TOKEN_ADVICE),
            (UNCERTAIN, "unknown whether Lever created it", UNCERTAIN_ADVICE),
        ):
            events = [s.event for s in self.steps if s.status == status]
            if events:
                out.append(f"Needs attention ({why}): {', '.join(events)}. {advice.format(replace=replace)}")
        out.append(SUPER_ADMIN_STEP)
        return out

    def lines(self, replace: str = REPLACE_FLAG) -> list[str]:
        """The report in words, one line per event, then what a Super Admin must do.
        ``replace`` says how to ask for replacing ("run again with --replace")."""
        words = {
            CONNECTED: "already connected",
            CREATED: "created; token stored in the keychain",
            REPLACED: "replaced; new token stored in the keychain",
            WOULD_CREATE: "would be created",
            WOULD_REPLACE: "would be deleted and created again",
            NEEDS_TOKEN: "NEEDS ATTENTION: already sends to the relay, but its token is missing",
            UNCERTAIN: "NEEDS ATTENTION: unknown whether Lever created it",
        }
        out = [f"Relay webhook URL: {self.webhook_url}" + (" (dry run: nothing was changed)" if self.dry_run else "")]
        out += [
            f"  {s.event:<24} {words.get(s.status, s.status)}" + (f" — {s.note}" if s.note else "") for s in self.steps
        ]
        if self.count(NEEDS_TOKEN):
            out.append(NEEDS_TOKEN_ADVICE.format(replace=replace))
        if self.count(UNCERTAIN):
            out.append(UNCERTAIN_ADVICE.format(replace=replace))
        out.append(SUPER_ADMIN_STEP)
        return out


def relay_webhook_url(relay_url: str) -> str:
    """``https://relay.example.com`` -> ``https://relay.example.com/lever/webhooks`` (checked;
    the webhook address itself is taken as meaning the relay)."""
    return check_relay_url(relay_url) + RELAY_WEBHOOK_PATH


def _same_url(a: str, b: str) -> bool:
    return a.strip().rstrip("/") == b.rstrip("/")


StoreToken = Callable[[Mapping[str, str]], None]  # {event: signature token} -> kept in the keychain; blocking


async def connect_webhooks(
    client: LeverClient,
    relay_url: str,
    *,
    held: Mapping[str, str],
    webhook_ids: Mapping[str, str],
    store_token: StoreToken,
    dry_run: bool = False,
    replace: bool = False,
    events: tuple[str, ...] = EVENTS,
) -> SetupReport:
    """List Lever's webhooks, create the missing ones for the relay, keep their tokens.

    ``held`` are the tokens we have (``{event|"*": token}``), ``webhook_ids`` which webhook
    each per-event token came from (from an earlier run). ``store_token`` runs in a worker
    thread (the keychain may block). Lever errors other than a lost answer propagate.
    """
    url = relay_webhook_url(relay_url)
    report = SetupReport(url, dry_run, webhook_ids=dict(webhook_ids))
    existing = [w async for w in webhooks_api.list_webhooks(client)]
    for event in events:
        ours = [w for w in existing if w.event == event and _same_url(w.url, url)]
        recorded = webhook_ids.get(event)
        held_for_it = signature_token_for(held, event) is not None and (
            recorded is None or any(w.id == recorded for w in ours)
        )
        if ours and held_for_it:
            report.steps.append(Step(event, CONNECTED, recorded or ours[0].id))
        elif ours and not replace:
            gone = recorded is not None and all(w.id != recorded for w in ours)
            stale = " (the token held is from a webhook since deleted in Lever)" if gone else ""
            report.steps.append(Step(event, NEEDS_TOKEN, ours[0].id, f"webhook {ours[0].id}{stale}"))
            report.webhook_ids.pop(event, None)
        elif dry_run:
            report.steps.append(Step(event, WOULD_REPLACE if ours else WOULD_CREATE, ours[0].id if ours else None))
        else:
            report.steps.append(await _create(client, event, url, ours, store_token, report))
    return report


async def _create(
    client: LeverClient, event: str, url: str, replacing: list[Webhook], store_token: StoreToken, report: SetupReport
) -> Step:
    try:
        hook = await webhooks_api.create_webhook(client, event, url)
    except AmbiguousWriteError:
        return Step(event, UNCERTAIN)
    token = hook.configuration.signature_token
    if not token:  # not what Lever documents; a webhook without a token we hold is of no use
        await webhooks_api.delete_webhook(client, hook.id)
        raise ValueError(f"Lever created the {event} webhook but returned no signature token; it was deleted again.")
    try:
        await _blocking(store_token, {event: token})
    except Exception:
        with contextlib.suppress(LeverError):  # the keychain's error is the one to report; a webhook left
            await webhooks_api.delete_webhook(client, hook.id)  # here is reported without its token next time
        raise
    report.webhook_ids[event] = hook.id
    left = []
    for old in replacing:
        try:
            await webhooks_api.delete_webhook(client, old.id)
        except LeverNotFound:
            pass
        except LeverError:  # e.g. made in Lever's settings page, which the API may not change
            left.append(old.id)
    note = f"could not delete the old webhook {', '.join(left)}: delete it in Lever" if left else ""
    return Step(event, REPLACED if replacing else CREATED, hook.id, note)


# The keychain and the settings file can block (a locked keychain for seconds): their own thread,
# never the loop's default executor, which also resolves host names for the Lever client.
_keychain = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="webhook-setup")


async def _blocking(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(_keychain, fn, *args)


async def connect_account(
    api_key: str,
    base_url: str,
    relay_url: str,
    settings: config.Settings,
    *,
    dry_run: bool = False,
    replace: bool = False,
) -> SetupReport:
    """``connect_webhooks`` with the keychain's tokens, remembering the webhook ids in ``settings``
    (saved when they change). What the command line and Settings' "Connect webhooks" both run."""
    relay_webhook_url(relay_url)  # a bad URL is refused before anything reaches Lever
    held = await _blocking(tokens.load_keychain)
    recorded = settings.extra.get(WEBHOOK_IDS)
    recorded = recorded if isinstance(recorded, dict) else {}  # a hand-edited settings file is not trusted
    async with LeverClient(api_key, base_url=base_url) as client:
        report = await connect_webhooks(
            client,
            relay_url,
            held=held,
            webhook_ids=recorded,
            store_token=tokens.keep_in_keychain,
            dry_run=dry_run,
            replace=replace,
        )
    if not dry_run and report.webhook_ids != recorded:
        settings.extra[WEBHOOK_IDS] = report.webhook_ids
        await _blocking(settings.save)
    return report
