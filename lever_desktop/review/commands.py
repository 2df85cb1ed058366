"""``drafts list|show|import|approve|remove-duplicate`` and ``submit``: the review workflow without the GUI.

Reviewing and approving need only the local store (they work offline);
importing refreshes what the cache lacks when an account is configured;
``submit`` flushes the outbox to Lever. ``--json`` prints one JSON document
on stdout; errors go to stderr with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any, AsyncIterator

from lever_desktop import config
from lever_desktop.lever.errors import LeverError
from lever_desktop.review import approval, drafts, duplicates, intake, queue
from lever_desktop.review.lifecycle import STATUS_WORDS, attention_words
from lever_desktop.review.document import DraftDocumentError, load_documents
from lever_desktop.review.flush_lock import OutboxBusy
from lever_desktop.review.outbox import SETTLE_WINDOW_MS, Outbox
from lever_desktop.store import Store, StoreError

EXIT_ERROR, EXIT_NOT_DONE = 1, 3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("drafts", help="review AI-drafted feedback: list, show, import, approve")
    dsub = p.add_subparsers(dest="drafts_command", metavar="ACTION", required=True)
    ls = dsub.add_parser("list", help="drafts in the local store")
    ls.add_argument("--state", action="append", help="only drafts in this state (repeatable)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=lambda a: _run(_list(a)))
    show = dsub.add_parser("show", help="one draft: values, flags, author, audit trail, outbox entry")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=lambda a: _run(_show(a)))
    imp = dsub.add_parser("import", help="import draft documents from a JSON file (one document or an array)")
    imp.add_argument("file")
    imp.add_argument("--offline", action="store_true", help="do not refresh missing data from Lever")
    imp.add_argument("--json", action="store_true")
    imp.set_defaults(func=lambda a: _run(_import(a)))
    ap = dsub.add_parser("approve", help="approve a draft and queue it for submission")
    ap.add_argument("id")
    ap.add_argument("--as", dest="as_email", metavar="EMAIL", help="author the feedback as this Lever user")
    ap.add_argument("--confirm-service-account", action="store_true",
                    help="confirm that --as names the configured service account on purpose")
    ap.add_argument("--reviewer", help="who approves (default: your login name)")
    ap.add_argument("--json", action="store_true")
    ap.set_defaults(func=lambda a: _run(_approve(a)))
    rd = dsub.add_parser("remove-duplicate", help="delete a second form Lever stored from one approval")
    rd.add_argument("id")
    rd.add_argument("--feedback", required=True, metavar="FID", help="the duplicate form's Lever id (drafts show ID)")
    rd.add_argument("--yes", action="store_true", help="delete without asking")
    rd.add_argument("--reviewer", help="who removes it, for the audit trail (default: your login name)")
    rd.add_argument("--json", action="store_true")
    rd.set_defaults(func=lambda a: _run(_remove_duplicate(a)))
    sp = sub.add_parser("submit", help="send approved drafts to Lever (flush the outbox)")
    sp.add_argument("ids", nargs="*", metavar="ID")
    sp.add_argument("--dry-run", action="store_true", help="print the exact requests; send nothing")
    sp.add_argument("--json", action="store_true")
    sp.add_argument("--deadline", type=float, default=SETTLE_WINDOW_MS / 1000 + 60,
                    help="give up retrying after this many seconds (default: one settle window and a minute, "
                         "so a lost answer is settled within one run)")
    sp.add_argument("--settle-window", type=float, default=SETTLE_WINDOW_MS / 1000, metavar="SECONDS",
                    help="after a lost answer, how long Lever may still store the form before it is sent again")
    sp.set_defaults(func=lambda a: _run(_submit(a)))


def _run(coro: Any) -> int:
    try:
        return asyncio.run(coro)
    except (StoreError, config.ConfigError, OutboxBusy, OSError) as e:
        print(f"lever-desktop: {e}", file=sys.stderr)
        return EXIT_ERROR


def _emit(args: argparse.Namespace, payload: Any, text: str) -> None:
    print(json.dumps(payload, indent=2, sort_keys=True) if args.json else text)


@contextlib.contextmanager
def _store():
    store = Store.open()
    try:
        yield store
    finally:
        store.close()


@contextlib.asynccontextmanager
async def _lever(store: Store, required: bool) -> AsyncIterator[tuple[Any, Any]]:
    """(client, sync engine) for the configured account, or (None, None) when none and not required."""
    try:
        account = config.resolve_account()
    except config.ConfigError:
        if required:
            raise
        yield None, None
        return
    from lever_desktop.lever.client import LeverClient

    client = LeverClient(account.api_key, base_url=account.base_url)
    try:
        yield client, _engine(client, store)
    finally:
        await client.aclose()


def _engine(client: Any, store: Store) -> Any:
    try:
        from lever_desktop.sync.engine import SyncEngine
    except ImportError:  # the sync layer is optional for review: the outbox works from the cache
        return None
    return SyncEngine(client, store)


def _service_account() -> str | None:
    return os.environ.get("LEVER_SERVICE_ACCOUNT") or config.Settings.load().service_account_email


async def _list(args: argparse.Namespace) -> int:
    with _store() as store:
        recs = await store.call(drafts.list_drafts, args.state)
        statuses = {r.draft_id: await store.call(queue.status, r.draft_id) for r in recs}
    rows = [{**r.summary(), "status": statuses[r.draft_id]} for r in recs]
    lines = [f"{r['draftId']:<24} {STATUS_WORDS.get(r['status'], r['status']):<34} opp {r['opportunityId']}  "
             f"{r['interviewerEmail']}"
             + (f"  flags: {', '.join(r['flags'])}" if r["flags"] else "") for r in rows]
    _emit(args, {"drafts": rows}, "\n".join(lines) or "No drafts.")
    return 0


async def _show(args: argparse.Namespace) -> int:
    with _store() as store:
        rec = await store.call(drafts.get, args.id)
        if rec is None:
            print(f"lever-desktop: no draft with id {args.id}", file=sys.stderr)
            return EXIT_ERROR
        trail = await store.call(drafts.audit_trail, args.id)
        pending = await store.call(queue.entries, ["approved", "submitting"], [args.id])
        status = await store.call(queue.status, args.id)
    doc = {**rec.summary(), "status": status, "flagsDetail": rec.flags, "aiValues": rec.ai_values(), "values": rec.current_values(),
           "author": rec.author, "readBack": rec.readback, "audit": trail,
           "outbox": pending[0].request() if pending else None}
    text = [f"Draft {rec.draft_id} — {STATUS_WORDS.get(status or '', rec.state)}"
            + (f" ({attention_words(rec.attention_reason)})" if rec.attention_reason else ""),
            f"Opportunity {rec.opportunity_id}, template {rec.template_id}, interview {rec.interview_id or '-'}",
            f"Interviewer {rec.interviewer_email}"]
    if rec.author:
        text.append(f"Authored as {rec.author['name']} <{rec.author['email']}> (Lever user {rec.author['user_id']})")
    text += [f"  Lever also holds form {fid} from this approval: drafts remove-duplicate {rec.draft_id} --feedback {fid}"
             for fid in (rec.readback or {}).get("duplicates") or []]
    text += [f"  ! {f['code']}: {f['message']}" for f in rec.flags]
    text += [f"  {k}: {json.dumps(v)}" for k, v in rec.current_values().items()]
    text += [f"  [{e['event']}] {e['actor']} {e['from'] or ''} -> {e['to'] or ''}" for e in trail]
    _emit(args, doc, "\n".join(text))
    return 0


async def _import(args: argparse.Namespace) -> int:
    try:
        docs = load_documents(Path(args.file).read_text(encoding="utf-8"))
    except DraftDocumentError as e:
        print(f"lever-desktop: {args.file}: {e}", file=sys.stderr)
        return EXIT_ERROR
    except UnicodeDecodeError:
        print(f"lever-desktop: {args.file}: not a UTF-8 text file (draft documents are JSON)", file=sys.stderr)
        return EXIT_ERROR
    except OSError as e:
        print(f"lever-desktop: {args.file}: cannot read it ({e.strerror or type(e).__name__})", file=sys.stderr)
        return EXIT_ERROR
    results = []
    with _store() as store:
        async with _lever(store, required=False) as (_client, engine):
            for doc in docs:
                r = await intake.receive_draft(store, doc, source="file", engine=None if args.offline else engine,
                                               confidence_threshold=config.Settings.load().confidence_threshold)
                results.append(r.to_json())
    lines = []
    for r in results:
        detail = "; ".join(r["problems"]) if r["problems"] else ", ".join(f["code"] for f in r["flags"])
        lines.append(f"{r['draft_id'] or '?'}: {r['status']}" + (f" ({detail})" if detail else ""))
    _emit(args, {"results": results}, "\n".join(lines))
    return EXIT_ERROR if any(r["status"] == "invalid" for r in results) else 0


async def _approve(args: argparse.Namespace) -> int:
    with _store() as store:
        try:
            a = await approval.approve(store, args.id, reviewer=args.reviewer, chosen_email=args.as_email,
                                       service_account_email=_service_account(),
                                       confirm_service_account=args.confirm_service_account)
        except approval.ApprovalError as e:
            hint = " (re-run with --confirm-service-account)" if e.code == "service_account_unconfirmed" else ""
            print(f"lever-desktop: {e}{hint}", file=sys.stderr)
            return EXIT_ERROR
    text = [f"Approved draft {a.draft_id}; queued for submission.",
            f"The feedback will be authored in Lever as {a.author.describe()}."]
    text += [f"Warning: {w}" for w in a.warnings]
    _emit(args, a.to_json(), "\n".join(text))
    return 0


async def _submit(args: argparse.Namespace) -> int:
    with _store() as store:
        if args.dry_run:
            reqs = [e.request() for e in await store.call(queue.entries, ["approved", "submitting"], args.ids or None)]
            text = "\n\n".join(f"{r['method']} {r['path']}\n{json.dumps(r['body'], indent=2)}" for r in reqs)
            _emit(args, {"dryRun": True, "requests": reqs}, text or "Nothing to submit.")
            return 0
        async with _lever(store, required=True) as (client, engine):
            box = Outbox(store, client, engine, settle_window_ms=int(args.settle_window * 1000))
            report = await box.drain(args.ids or None, deadline_s=args.deadline, resume=True)
    out = report.to_json()
    text = [f"submitted {len(report.submitted)}, found already in Lever {len(report.reconciled)}, "
            f"needs attention {len(report.rejected) + len(report.drifted) + len(report.gone)}, "
            f"still queued {len(report.retrying)}"]
    text += [f"{did}: {attention_words('opportunity_gone')}" for did in report.gone]
    text += [f"{did}: duplicate in Lever, extra form(s) {', '.join(fids)} (drafts remove-duplicate {did} --feedback ID)"
             for did, fids in report.duplicates.items()]
    if report.paused:
        text.append(f"Outbox paused: {report.paused['message']}")
    for did, diffs in report.readback_differences.items():
        text.append(f"{did}: Lever stored something else for " + ", ".join(d["fieldId"] for d in diffs))
    _emit(args, out, "\n".join(text))
    if report.paused:
        return EXIT_ERROR
    return EXIT_NOT_DONE if (report.retrying or report.rejected or report.drifted or report.gone) else 0


async def _remove_duplicate(args: argparse.Namespace) -> int:
    with _store() as store:
        try:
            dup = await store.call(duplicates.find, args.id, args.feedback)
        except duplicates.DuplicateError as e:
            print(f"lever-desktop: {e}", file=sys.stderr)
            return EXIT_ERROR
        if not args.yes:
            if not sys.stdin.isatty():
                print(f"lever-desktop: {dup.question()} Re-run with --yes to confirm.", file=sys.stderr)
                return EXIT_ERROR
            if input(f"{dup.question()} [y/N] ").strip().lower() not in ("y", "yes"):
                print("Nothing deleted.")
                return EXIT_ERROR
        async with _lever(store, required=True) as (client, _engine_):
            try:
                await duplicates.remove(store, client, args.id, args.feedback,
                                        actor=args.reviewer or approval.default_reviewer())
            except LeverError as e:
                print(f"lever-desktop: Lever did not delete form {args.feedback}: {e}", file=sys.stderr)
                return EXIT_ERROR
    _emit(args, {"draftId": dup.draft_id, "deletedFeedbackId": dup.feedback_id, "kept": dup.kept_feedback_id},
          f"Deleted duplicate form {dup.feedback_id} for {dup.candidate} from Lever; form {dup.kept_feedback_id} stays.")
    return 0
