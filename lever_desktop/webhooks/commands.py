"""``lever-desktop webhooks setup --relay-url URL [--dry-run] [--replace] [--json]``.

Registers the relay with the configured Lever account for every webhook event the app
acts on, stores the signature tokens Lever returns in the keychain, and says what a Super
Admin must still switch on in Lever. Exit 0 when every event is connected (or, with
``--dry-run``, would be), 1 when one needs attention, 2 for a configuration problem.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

from lever_desktop import config
from lever_desktop.lever.errors import LeverError
from lever_desktop.secrets import SecretStoreError, SecretStoreUnavailable
from lever_desktop.webhooks.setup import connect_account, relay_webhook_url

PROG = "lever-desktop webhooks setup"


def register(subparsers: argparse._SubParsersAction) -> None:
    hooks = subparsers.add_parser("webhooks", help="Lever webhooks for the relay")
    sub = hooks.add_subparsers(dest="webhooks_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "setup",
        help="register the relay with Lever for every webhook event and keep the signature tokens in the keychain",
    )
    p.add_argument(
        "--relay-url",
        metavar="URL",
        help="the relay's public address, e.g. https://relay.example.com (default: the configured relay)",
    )
    p.add_argument("--dry-run", action="store_true", help="say what would be created; change nothing")
    p.add_argument(
        "--replace",
        action="store_true",
        help="delete and recreate webhooks that send to the relay but whose token is missing here",
    )
    p.add_argument("--json", action="store_true", help="print the report as one JSON document")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        settings = config.Settings.load()
        account = config.resolve_account(settings)
        relay_url = args.relay_url or account.relay_url
        if not relay_url:
            raise config.ConfigError(
                "Give the relay's public address with --relay-url (e.g. https://relay.example.com)."
            )
        relay_webhook_url(relay_url)
    except (config.ConfigError, ValueError) as e:
        print(f"{PROG}: {e}", file=sys.stderr)
        return 2
    try:
        report = asyncio.run(
            connect_account(
                account.api_key, account.base_url, relay_url, settings, dry_run=args.dry_run, replace=args.replace
            )
        )
    except (LeverError, SecretStoreError, ValueError) as e:
        # Only a run that could have created webhooks has a "before this point": a dry run, or a
        # keychain missing altogether (read first), created none.
        resumable = not args.dry_run and not isinstance(e, SecretStoreUnavailable)
        print(
            f"{PROG}: {e}"
            + (
                "\nWebhooks created before this point keep their tokens in the keychain; "
                "running setup again continues from there."
                if resumable
                else ""
            ),
            file=sys.stderr,
        )
        return 1
    warning = (
        "LEVER_WEBHOOK_TOKENS is set and overrides the keychain: unset it so the tokens stored here are used."
        if os.environ.get("LEVER_WEBHOOK_TOKENS")
        else ""
    )
    if args.json:
        print(json.dumps({**report.to_json(), **({"warning": warning} if warning else {})}, indent=2))
    else:
        print("\n".join(report.lines() + ([warning] if warning else [])))
    return 0 if report.ok else 1
