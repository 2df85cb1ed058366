"""``lever-desktop sync [--full] [--json]``: one sync pass with the configured account."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys

from lever_desktop import config, messages
from lever_desktop.lever.errors import LeverAuthError, LeverError
from lever_desktop.session import opened
from lever_desktop.store import StoreError
from lever_desktop.sync.events import SyncReport
from lever_desktop.untrusted import echo


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("sync", help="bring the local cache up to date with Lever (one pass)")
    p.add_argument("--full", action="store_true", help="walk everything again, not just what changed")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON document")
    p.set_defaults(func=run)


async def _sync(account: config.Account, full: bool) -> SyncReport:
    async with opened(account) as session:
        assert session.engine is not None
        return await session.engine.sync_now(full=full)


# Whatever stopped it, a sync keeps what it fetched (the walk's cursors are saved as it goes).
RESUMES = "What was fetched is kept; the next sync resumes from there."


def _advice(report: SyncReport) -> str:
    err = report.error
    said = messages.explain(err, messages.CLI) if isinstance(err, LeverError) else None
    if isinstance(err, LeverAuthError):  # nothing to resume until the key is fixed
        return said or ""
    return f"{said} {RESUMES}" if said else f"The sync stopped. {RESUMES}"


def run(args: argparse.Namespace) -> int:
    try:
        account = config.resolve_account()
    except config.ConfigError as e:
        echo(f"lever-desktop sync: {e}", file=sys.stderr)
        return 2
    try:
        report = asyncio.run(_sync(account, args.full))
    except StoreError as e:
        echo(f"lever-desktop sync: {e}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(report.to_json(), indent=2))
    else:
        for name, n in report.counts.items():
            print(f"{name:<20} {n:>8}")
        print(f"{report.requests} requests, {report.rate_limited} rate-limited, {report.seconds:.1f} s")
    if not report.ok:
        echo(f"lever-desktop sync: {report.error or 'cancelled'}", _advice(report), file=sys.stderr)
        return 1
    return 0
