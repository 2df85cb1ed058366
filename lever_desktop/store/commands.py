"""``lever-desktop cache check|backups|restore BACKUP``: is the cache whole, and getting it back.

Every open already runs a time-boxed check; ``check`` runs the full one, however
long it takes. ``restore`` keeps the file it replaces (``<cache>.damaged-<time>``).
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime
from pathlib import Path

from lever_desktop import paths
from lever_desktop.store import integrity
from lever_desktop.store.migrate import StoreError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("cache", help="check the local cache, list its backups, restore one")
    sub = p.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="full integrity check of the local cache (read-only)")
    check.add_argument("--json", action="store_true")
    check.set_defaults(func=_check)
    listing = sub.add_parser("backups", help="the cache's backups, newest first")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(func=_backups)
    restore = sub.add_parser("restore", help="replace the cache with BACKUP (close Lever Desktop first)")
    restore.add_argument("backup", metavar="BACKUP", help="a file from 'cache backups'")
    restore.set_defaults(func=_restore)


def _taken(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")


def _check(args: argparse.Namespace) -> int:
    cache = paths.database_path()
    if not cache.exists():
        print(f"lever-desktop cache check: there is no cache at {cache} yet.", file=sys.stderr)
        return 1
    result = integrity.full_check(cache) if cache.stat().st_size else integrity.Check(True, ("it is empty, 0 bytes",))
    if args.json:
        print(json.dumps({"cache": str(cache), "ok": not result.problems, "problems": list(result.problems)}))
    if result.problems:
        print(f"lever-desktop cache check: {integrity.damaged(cache, result.problems[0])}", file=sys.stderr)
        return 1
    if not args.json:
        print(f"The local cache {cache} is whole.")
    return 0


def _backups(args: argparse.Namespace) -> int:
    found = integrity.backups(paths.database_path())
    if args.json:
        print(
            json.dumps(
                [{"path": str(p), "taken": int(p.stat().st_mtime * 1000), "bytes": p.stat().st_size} for p in found]
            )
        )
    elif not found:
        print("No backups yet: one is taken at open every 12 hours and before each upgrade of the cache.")
    for p in [] if args.json else found:
        print(f"{_taken(p)}  {p.stat().st_size:>12,} bytes  {p}")
    return 0


def _restore(args: argparse.Namespace) -> int:
    backup = Path(args.backup)
    try:
        taken = _taken(backup) if backup.is_file() else None
        cache, aside = integrity.restore(backup)
    except (StoreError, OSError) as e:
        print(f"lever-desktop cache restore: {e}", file=sys.stderr)
        return 1
    try:
        in_doubt = _recheck_outbox(cache, backup.name)
    except StoreError as e:
        print(f"lever-desktop cache restore: {e}", file=sys.stderr)
        return 1
    kept = f" The file it replaced is kept as {aside}." if aside else ""
    recheck = (
        f" {in_doubt} approved draft(s) will be matched against Lever's feedback before any is sent."
        if in_doubt
        else ""
    )
    print(
        f"Restored the local cache {cache} from the backup of {taken}.{kept}{recheck} Drafts approved "
        "after that backup are not in it: approve them again."
    )
    return 0


def _recheck_outbox(cache: Path, backup_name: str) -> int:
    """Approved entries may have been sent after the backup was taken: mark them in flight
    (``submitting``), so the outbox reads Lever's feedback and matches them before sending."""
    from lever_desktop.review import drafts, queue
    from lever_desktop.review.lifecycle import DraftState
    from lever_desktop.store.db import Store

    def mark(conn) -> int:
        approved = queue.entries(conn, [DraftState.APPROVED])
        for entry in approved:
            drafts.transition(
                conn,
                entry.draft_id,
                DraftState.SUBMITTING,
                actor="cache restore",
                event="restored from a backup",
                detail={"backup": backup_name},
            )
        return len(approved)

    with Store.open(cache) as store:
        return store.call_sync(mark)
