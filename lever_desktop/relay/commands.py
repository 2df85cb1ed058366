"""``lever-desktop relay poll [--once] [--json]``: follow the relay feed headlessly.

Reports what was accepted, rejected (by reason) and skipped as duplicates. With ``--sandbox``
(or a sandbox account in the settings) the webhook signature tokens come from the file the
sandbox wrote; otherwise from ``LEVER_WEBHOOK_TOKENS`` or the keychain.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from lever_desktop import config, paths
from lever_desktop.lever.urls import check_relay_url
from lever_desktop.relay import ledger
from lever_desktop.relay.client import FeedPoller, PollStats
from lever_desktop.relay.dispatch import DispatchDeferred
from lever_desktop.relay.feed import RelayError
from lever_desktop.untrusted import echo

SANDBOX_TOKENS_FILE = "sandbox-webhook-tokens.json"  # in the data dir; lever-sandbox --relay writes it


def register(subparsers: argparse._SubParsersAction) -> None:
    relay = subparsers.add_parser("relay", help="the webhook relay feed")
    sub = relay.add_subparsers(dest="relay_command", metavar="ACTION", required=True)
    p = sub.add_parser("poll", help="process the relay feed (until Ctrl-C, or once with --once)")
    p.add_argument("--once", action="store_true", help="process what is there now, then exit")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON document")
    p.add_argument("--wait", type=int, default=25, metavar="S", help="long-poll wait in seconds (default 25)")
    p.set_defaults(func=run)


def file_tokens(path: Path) -> Callable[[], Mapping[str, str]]:
    """Signature tokens from a JSON file, re-read when it changes (the sandbox may rewrite it)."""
    cache: dict[str, Any] = {"mtime": None, "tokens": {}}

    def load() -> Mapping[str, str]:
        try:
            mtime = path.stat().st_mtime_ns
        except FileNotFoundError:
            return {}
        if mtime != cache["mtime"]:
            data = json.loads(path.read_text(encoding="utf-8"))
            cache["tokens"] = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
            cache["mtime"] = mtime
            from lever_desktop import log

            for v in cache["tokens"].values():
                log.register_secret(v)
        return cache["tokens"]

    return load


def _report(poller: FeedPoller, stats: PollStats, totals: dict[str, Any]) -> dict[str, Any]:
    return {"relay": poller.url, "state": poller.state, "cursor": poller.cursor, **stats.to_json(), "stored": totals}


async def _poll(account: config.Account, tokens: Any, once: bool, wait: int) -> tuple[dict[str, Any], str | None]:
    from lever_desktop.session import opened

    error = None
    async with opened(account, relay=True, relay_tokens=tokens, relay_wait=wait) as session:
        poller, store = session.poller, session.store
        assert poller is not None and store is not None  # run() checked that a relay is configured
        try:
            stats = await poller.drain() if once else await _follow(poller)
        except (RelayError, DispatchDeferred) as e:
            stats = poller.stats
            error = (
                str(e)
                if isinstance(e, RelayError)
                else ("Lever could not be reached; the items stay on the relay and are processed next time")
            )
        totals = await store.call(ledger.verdict_counts)
        return _report(poller, stats, totals), error


async def _follow(poller: FeedPoller) -> PollStats:
    """Poll until Ctrl-C or SIGTERM, then stop cleanly so the summary can be printed."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, AttributeError):  # Windows: Ctrl-C aborts instead
            loop.add_signal_handler(sig, stop.set)
    task = asyncio.create_task(poller.run())
    stopped = asyncio.create_task(stop.wait())
    await asyncio.wait([task, stopped], return_when=asyncio.FIRST_COMPLETED)
    for t in (task, stopped):
        t.cancel()
    await asyncio.gather(task, stopped, return_exceptions=True)
    return poller.stats


def run(args: argparse.Namespace) -> int:
    try:
        account = config.resolve_account()
        if not account.relay_url or not account.relay_token:
            raise config.ConfigError(
                "No relay is configured: set LEVER_RELAY_URL and LEVER_RELAY_TOKEN (or the relay in Settings)."
            )
        check_relay_url(account.relay_url)
    except (config.ConfigError, ValueError) as e:
        echo(f"lever-desktop relay poll: {e}", file=sys.stderr)
        return 2
    sandbox = bool(getattr(args, "sandbox", False)) or config.Settings.load().sandbox
    tokens = file_tokens(paths.data_dir() / SANDBOX_TOKENS_FILE) if sandbox else account.webhook_tokens
    try:
        report, error = asyncio.run(_poll(account, tokens, args.once, args.wait))
    except KeyboardInterrupt:
        return 130
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        echo(f"relay {report['relay']}: {report['state']}, cursor {report['cursor']}")
        print(
            f"accepted {report['accepted']}, duplicates {report['duplicates']}, "
            f"drafts {report['drafts'] or 0}, failed {report['failed']}"
        )
        for reason, n in sorted(report["rejected"].items()):
            echo(f"rejected {reason}: {n}")
    if error:
        echo(f"lever-desktop relay poll: {error}", file=sys.stderr)
        return 1
    return 0
