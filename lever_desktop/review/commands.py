"""``drafts list|show|import|approve|discard|amend|withdraw|remove-duplicate|retry|cancel`` and ``submit``: the review workflow without the GUI.

Reviewing and approving need only the local store (they work offline);
importing refreshes what the cache lacks when an account is configured;
``submit`` flushes the outbox to Lever. ``--json`` prints one JSON document
on stdout; errors go to stderr with a non-zero exit code. Text from drafts, Lever or the
relay is printed with control characters escaped (``untrusted.echo``); JSON escapes them itself.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import sys
from collections.abc import AsyncIterator
from typing import Any, Literal

from lever_desktop import config
from lever_desktop.lever.errors import LeverError
from lever_desktop.review import (
    amend,
    approval,
    cache_view,
    drafts,
    duplicates,
    editing,
    intake,
    outbox_actions,
    own_feedback,
    queue,
)
from lever_desktop.review.authors import AuthorUnresolved
from lever_desktop.review.document import DraftDocumentError, DraftFileError, load_documents, read_draft_file
from lever_desktop.review.flush_lock import OutboxBusy
from lever_desktop.review.lifecycle import STATUS_WORDS, attention_words
from lever_desktop.review.outbox import SETTLE_WINDOW_MS
from lever_desktop.session import Session, configured_account, opened
from lever_desktop.store import StoreError
from lever_desktop.untrusted import echo, printable

EXIT_ERROR, EXIT_NOT_DONE = 1, 3


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("drafts", help="review AI-drafted feedback: list, show, import, approve, discard")
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
    ap.add_argument(
        "--confirm-service-account",
        action="store_true",
        help="confirm that --as names the configured service account on purpose",
    )
    ap.add_argument(
        "--add-second-form",
        action="store_true",
        help="the author already has a form for this interview in Lever: add this one next to it",
    )
    ap.add_argument("--reviewer", help="who approves (default: your login name)")
    ap.add_argument("--offline", action="store_true", help="check only the cache for the author's own feedback")
    ap.add_argument(
        "--grace",
        type=_grace_seconds,
        default=0.0,
        metavar="SECONDS",
        help="nothing sends it before SECONDS have passed (the window's Undo grace); default 0: at once",
    )
    ap.add_argument("--json", action="store_true")
    ap.set_defaults(func=lambda a: _run(_approve(a)))
    dc = dsub.add_parser("discard", help="discard a draft: it is never sent to Lever")
    dc.add_argument("id")
    dc.add_argument("--reviewer", help="who discards it, for the audit trail (default: your login name)")
    dc.add_argument("--json", action="store_true")
    dc.set_defaults(func=lambda a: _run(_discard(a)))
    am = dsub.add_parser("amend", help="reopen a submitted draft to edit the form in Lever (then approve, submit)")
    am.add_argument("id")
    am.add_argument(
        "--set",
        dest="sets",
        action="append",
        default=[],
        metavar="FIELD=JSON",
        help="set a field's value (JSON, e.g. '\"4 - Strong Hire\"'); repeatable",
    )
    am.add_argument("--cancel", action="store_true", help="give up an amendment not yet approved; nothing is sent")
    am.add_argument("--reviewer", help="who amends (default: your login name)")
    am.add_argument("--json", action="store_true")
    am.set_defaults(func=lambda a: _run(_amend(a)))
    wd = dsub.add_parser("withdraw", help="delete a submitted form from Lever (asks first)")
    wd.add_argument("id")
    wd.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    wd.add_argument("--reviewer", help="who withdraws (default: your login name)")
    wd.add_argument("--json", action="store_true")
    wd.set_defaults(func=lambda a: _run(_withdraw(a)))
    rd = dsub.add_parser("remove-duplicate", help="delete a second form Lever stored from one approval")
    rd.add_argument("id")
    rd.add_argument("--feedback", required=True, metavar="FID", help="the duplicate form's Lever id (drafts show ID)")
    rd.add_argument("--yes", action="store_true", help="delete without asking")
    rd.add_argument("--reviewer", help="who removes it, for the audit trail (default: your login name)")
    rd.add_argument("--json", action="store_true")
    rd.set_defaults(func=lambda a: _run(_remove_duplicate(a)))
    rt = dsub.add_parser("retry", help="make an outbox entry due now (a lost answer: check Lever now)")
    rt.add_argument("id")
    rt.add_argument("--reviewer", help="who asked, for the audit trail (default: your login name)")
    rt.add_argument("--json", action="store_true")
    rt.set_defaults(func=lambda a: _run(_retry(a)))
    cn = dsub.add_parser("cancel", help="take a draft from the outbox back to review; refused while a send may land")
    cn.add_argument("id")
    cn.add_argument("--reviewer", help="who cancels, for the audit trail (default: your login name)")
    cn.add_argument("--json", action="store_true")
    cn.set_defaults(func=lambda a: _run(_cancel(a)))
    sp = sub.add_parser("submit", help="send approved drafts to Lever (flush the outbox)")
    sp.add_argument("ids", nargs="*", metavar="ID")
    sp.add_argument("--dry-run", action="store_true", help="print the exact requests; send nothing")
    sp.add_argument("--json", action="store_true")
    sp.add_argument(
        "--deadline",
        type=float,
        default=SETTLE_WINDOW_MS / 1000 + 60,
        help="give up retrying after this many seconds (default: one settle window and a minute, "
        "so a lost answer is settled within one run)",
    )
    sp.add_argument(
        "--settle-window",
        type=float,
        default=SETTLE_WINDOW_MS / 1000,
        metavar="SECONDS",
        help="after a lost answer, how long Lever may still store the form before it is sent again",
    )
    sp.set_defaults(func=lambda a: _run(_submit(a)))


def _run(coro: Any) -> int:
    try:
        return asyncio.run(coro)
    except (StoreError, config.ConfigError, OutboxBusy, OSError) as e:
        _fail(str(e))
        return EXIT_ERROR


def _fail(message: str) -> None:
    echo(f"lever-desktop: {message}", file=sys.stderr)


def _emit(args: argparse.Namespace, payload: Any, lines: list[str]) -> None:
    """``--json``: one document (json.dumps escapes control characters); else the lines, escaped."""
    if args.json:
        print(json.dumps(payload, indent=2, sort_keys=True))
    else:
        echo(*lines)


@contextlib.asynccontextmanager
async def _session(lever: Literal["never", "optional", "required"] = "never", **options: Any) -> AsyncIterator[Session]:
    """The cache, and Lever when the command needs it: ``optional`` goes on offline without an account."""
    account = None if lever == "never" else configured_account(lever)
    async with opened(account, **options) as session:
        yield session


def _service_account(settings: config.Settings) -> str | None:
    return os.environ.get("LEVER_SERVICE_ACCOUNT") or settings.service_account_email


async def _list(args: argparse.Namespace) -> int:
    async with _session() as session:
        store = session.store
        recs = await store.call(drafts.list_drafts, args.state)
        statuses = {r.draft_id: await store.call(queue.status, r.draft_id) for r in recs}
    rows = [{**r.summary(), "status": statuses[r.draft_id]} for r in recs]
    lines = [
        f"{r['draftId']:<24} {STATUS_WORDS.get(r['status'], r['status']):<34} opp {r['opportunityId']}  "
        f"{r['interviewerEmail']}" + (f"  flags: {', '.join(r['flags'])}" if r["flags"] else "")
        for r in rows
    ]
    _emit(args, {"drafts": rows}, lines or ["No drafts."])
    return 0


async def _show(args: argparse.Namespace) -> int:
    async with _session() as session:
        store = session.store
        rec = await store.call(drafts.get, args.id)
        if rec is None:
            _fail(f"no draft with id {args.id}")
            return EXIT_ERROR
        trail = await store.call(drafts.audit_trail, args.id)
        pending = await store.call(queue.entries, ["approved", "submitting"], [args.id])
        own = await store.call(_own_feedback_of, rec)
        status = await store.call(queue.status, args.id)
        questions = await store.call(_question_labels, rec)
    now = drafts.now_ms()
    doc = {
        **rec.summary(),
        "status": status,
        "flagsDetail": rec.flags,
        "aiValues": rec.ai_values(),
        "values": rec.current_values(),
        "author": rec.author,
        "readBack": rec.readback,
        "audit": trail,
        "outbox": pending[0].request() if pending else None,
        "ownFeedback": [{**f.to_json(), "notice": f.describe(now)} for f in own],
    }
    text = [
        f"Draft {rec.draft_id} — {STATUS_WORDS.get(status or '', rec.state.replace('_', ' '))}"
        + (f" ({attention_words(rec.attention_reason)})" if rec.attention_reason else ""),
        f"Opportunity {rec.opportunity_id}, template {rec.template_id}, interview {rec.interview_id or '-'}",
        f"Interviewer {rec.interviewer_email}",
    ]
    if rec.author:
        text.append(f"Authored as {rec.author['name']} <{rec.author['email']}> (Lever user {rec.author['user_id']})")
    text += [f"  ! {f.describe(now)} (Lever form {f.feedback_id})" for f in own]
    text += [
        f"  Lever also holds form {fid} from this approval: drafts remove-duplicate {rec.draft_id} --feedback {fid}"
        for fid in (rec.readback or {}).get("duplicates") or []
    ]
    text += [f"  ! {f['code']}: {f['message']}" for f in rec.flags]
    text += [f"  {questions.get(k, k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in rec.current_values().items()]
    text += [f"  [{e['event']}] {e['actor']} {e['from'] or ''} -> {e['to'] or ''}" for e in trail]
    _emit(args, doc, text)
    return 0


def _question_labels(conn, rec) -> dict[str, str]:
    """Field id -> its question, from the draft's template (or the cached one): a person reads
    "Seniority: \"Senior\"", not a field UUID. An id the template lacks stays as it is."""
    from lever_desktop.review import cache_view

    template = rec.template if isinstance(rec.template, dict) else None
    if template is None:
        current = cache_view.template(conn, rec.template_id)
        template = current[1] if current else {}
    return {
        str(f["id"]): str(f.get("text") or f["id"])
        for f in template.get("fields") or []
        if isinstance(f, dict) and f.get("id")
    }


async def _import(args: argparse.Namespace) -> int:
    try:
        docs = load_documents(read_draft_file(args.file))
    except (DraftDocumentError, DraftFileError) as e:
        _fail(f"{args.file}: {e}")
        return EXIT_ERROR
    except UnicodeDecodeError:
        _fail(f"{args.file}: not a UTF-8 text file (draft documents are JSON)")
        return EXIT_ERROR
    except OSError as e:
        _fail(f"{args.file}: cannot read it ({e.strerror or type(e).__name__})")
        return EXIT_ERROR
    results = []
    async with _session("never" if args.offline else "optional") as session:
        for doc in docs:
            r = await intake.receive_draft(
                session.store,
                doc,
                source="file",
                engine=session.engine,
                confidence_threshold=session.settings.confidence_threshold,
            )
            results.append(r.to_json())
    lines = []
    for r in results:
        detail = "; ".join(r["problems"]) if r["problems"] else ", ".join(f["code"] for f in r["flags"])
        lines.append(f"{r['draft_id'] or '?'}: {r['status']}" + (f" ({detail})" if detail else ""))
    _emit(args, {"results": results}, lines)
    return EXIT_ERROR if any(r["status"] == "invalid" for r in results) else 0


def _grace_seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not 0 <= seconds <= 3600:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds between 0 and 3600")
    return seconds


async def _approve(args: argparse.Namespace) -> int:
    async with _session("never" if args.offline else "optional") as session:
        if session.engine is not None:
            await _check_lever_for_own_feedback(session, args.id)
        try:
            a = await approval.approve(
                session.store,
                args.id,
                reviewer=args.reviewer,
                chosen_email=args.as_email,
                service_account_email=_service_account(session.settings),
                confirm_service_account=args.confirm_service_account,
                add_second_form=args.add_second_form,
                grace_ms=int(args.grace * 1000),
            )
        except approval.ApprovalError as e:
            hint = {
                "service_account_unconfirmed": " (re-run with --confirm-service-account)",
                "unknown_interviewer": " (--as EMAIL names the author)",
                "interviewer_deactivated": " (--as EMAIL names the author)",
            }.get(e.code, "")
            _fail(f"{e}{hint}")
            return EXIT_ERROR
    if a.method == "PUT":
        text = [
            f"Approved the amendment of draft {a.draft_id}; queued for Lever (submit sends it).",
            f"The form stays authored by {a.author.name}.",
        ]
    else:
        text = [
            f"Approved draft {a.draft_id}; queued for submission.",
            f"The feedback will be authored in Lever as {a.author.describe()}.",
        ]
    text += [f"Warning: {w}" for w in a.warnings]
    _emit(args, a.to_json(), text)
    return 0


async def _as_reviewer(args: argparse.Namespace, fn: Any, refused: type[Exception], *more: Any) -> Any:
    """``fn(conn, id, reviewer, *more)`` in the cache; a refusal is one line on stderr (``None``)."""
    async with _session() as session:
        try:
            return await session.store.call(fn, args.id, args.reviewer or approval.default_reviewer(), *more)
        except refused as e:
            _fail(str(e))
            return None


async def _discard(args: argparse.Namespace) -> int:
    rec = await _as_reviewer(args, editing.discard, editing.DiscardError)
    if rec is None:
        return EXIT_ERROR
    _emit(args, rec.summary(), [f"Discarded draft {rec.draft_id}; it will not be sent to Lever."])
    return 0


async def _retry(args: argparse.Namespace) -> int:
    said = await _as_reviewer(args, outbox_actions.retry_now, outbox_actions.OutboxActionRefused, drafts.now_ms())
    if said is None:
        return EXIT_ERROR
    _emit(
        args,
        {"draftId": args.id, "due": True, "message": said},
        [f"{said} `lever-desktop submit {args.id}` sends it from here; an open window does within a minute."],
    )
    return 0


async def _cancel(args: argparse.Namespace) -> int:
    rec = await _as_reviewer(args, outbox_actions.cancel, outbox_actions.OutboxActionRefused)
    if rec is None:
        return EXIT_ERROR
    _emit(args, rec.summary(), [f"Draft {rec.draft_id} is back in review; nothing was sent."])
    return 0


def _own_feedback_of(conn: Any, rec: drafts.DraftRecord) -> list[own_feedback.OwnForm]:
    """The author's forms in the cache for this draft's interview (the approved author, else the interviewer)."""
    author_id = (rec.author or {}).get("user_id")
    if author_id is None:
        try:
            author_id = cache_view.author(conn, rec).user_id
        except AuthorUnresolved:
            return []
    return own_feedback.for_draft(conn, rec, author_id)


async def _check_lever_for_own_feedback(session: Session, draft_id: str) -> None:
    """Refresh the opportunity's feedback from Lever before approving; offline, the cache decides."""
    assert session.engine is not None
    rec = await session.store.call(drafts.get, draft_id)
    if rec is None or rec.state == "amending":
        return
    try:
        await session.engine.refresh_opportunity(rec.opportunity_id)
    except Exception as e:  # noqa: BLE001 - unreachable: the cache (and the pre-send check) still guard
        print(
            f"lever-desktop: could not check Lever for the author's own feedback ({type(e).__name__}); using the cache",
            file=sys.stderr,
        )


def _field_values(sets: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for item in sets:
        field_id, sep, raw = item.partition("=")
        if not sep or not field_id.strip():
            raise ValueError(f"--set {item!r}: expected FIELD=JSON")
        try:
            values[field_id.strip()] = json.loads(raw)
        except ValueError:
            raise ValueError(f"--set {field_id}: the value is not JSON (quote text: '\"Yes\"')") from None
    return values


async def _amend(args: argparse.Namespace) -> int:
    try:
        values = _field_values(args.sets)
    except ValueError as e:
        print(f"lever-desktop: {e}", file=sys.stderr)
        return EXIT_ERROR
    async with _session() as session:
        store = session.store
        reviewer = args.reviewer or approval.default_reviewer()
        try:
            if args.cancel:
                await amend.cancel(store, args.id, reviewer=reviewer)
            else:
                await amend.reopen(store, args.id, reviewer=reviewer, values=values)
        except amend.ChangeError as e:
            echo(f"lever-desktop: {e}", file=sys.stderr)
            return EXIT_ERROR
        rec = await store.call(drafts.require, args.id)
    if args.cancel:
        _emit(
            args,
            {**rec.summary(), "values": rec.current_values()},
            [f"The amendment of draft {args.id} is cancelled; Lever's form is unchanged."],
        )
        return 0
    _emit(
        args,
        {**rec.summary(), "values": rec.current_values()},
        [
            f"Draft {args.id} is reopened for amendment (Lever form {rec.lever_feedback_id}).",
            f"Edit it in the app or with --set FIELD=JSON, then `drafts approve {args.id}` queues the change "
            "and `submit` sends it.",
        ],
    )
    return 0


def _confirmed(args: argparse.Namespace, question: str, declined: str, declined_to: Any) -> bool:
    """``--yes``, or the person answered yes at a terminal. The question names people and forms as
    Lever spells them: printed escaped. Without a terminal nothing is deleted unasked."""
    if args.yes:
        return True
    if not sys.stdin.isatty():
        echo(f"lever-desktop: {question} Re-run with --yes to confirm.", file=sys.stderr)
        return False
    if input(f"{printable(question)} [y/N] ").strip().lower() not in ("y", "yes"):
        print(declined, file=declined_to)
        return False
    return True


async def _withdraw(args: argparse.Namespace) -> int:
    async with _session("optional") as session:
        store = session.store
        try:
            question = await store.call(amend.withdrawal_question, args.id)
        except amend.ChangeError as e:
            echo(f"lever-desktop: {e}", file=sys.stderr)
            return EXIT_ERROR
        if not _confirmed(args, question, "Nothing was deleted.", sys.stderr):
            return EXIT_ERROR
        await amend.withdraw(store, args.id, reviewer=args.reviewer or approval.default_reviewer())
        report = await session.outbox.drain([args.id], deadline_s=60) if session.outbox else None
        rec = await store.call(drafts.require, args.id)
    gone = rec.state == "withdrawn"
    text = (
        "Deleted from Lever."
        if gone
        else "Queued: the form is deleted from Lever when it is reachable (`submit` retries)."
    )
    _emit(args, {**rec.summary(), "confirmed": question, "report": report.to_json() if report else None}, [text])
    return 0 if gone else EXIT_NOT_DONE


async def _submit(args: argparse.Namespace) -> int:
    async with _session(
        "never" if args.dry_run else "required", settle_window_ms=int(args.settle_window * 1000)
    ) as session:
        store = session.store
        if args.dry_run:
            reqs = [e.request() for e in await store.call(queue.entries, ["approved", "submitting"], args.ids or None)]
            reqs += [c.request() for c in await store.call(amend.changes, args.ids or None)]
            text = "\n\n".join(
                f"{r['method']} {r['path']}" + (f"\n{json.dumps(r['body'], indent=2)}" if r["body"] else "")
                for r in reqs
            )
            _emit(args, {"dryRun": True, "requests": reqs}, (text or "Nothing to submit.").split("\n"))
            return 0
        assert session.outbox is not None
        report = await session.outbox.drain(args.ids or None, deadline_s=args.deadline, resume=True)
    out = report.to_json()
    text = [
        f"submitted {len(report.submitted)}, found already in Lever {len(report.reconciled)}, "
        f"needs attention {len(report.rejected) + len(report.drifted) + len(report.gone) + len(report.own_feedback)}, "
        f"still queued {len(report.retrying)}"
    ]
    if report.amended or report.withdrawn:
        text.append(f"amended {len(report.amended)}, withdrawn from Lever {len(report.withdrawn)}")
    text += [f"{did}: {attention_words('opportunity_gone')}" for did in report.gone]
    text += [
        f"{did}: duplicate in Lever, extra form(s) {', '.join(fids)} (drafts remove-duplicate {did} --feedback ID)"
        for did, fids in report.duplicates.items()
    ]
    if report.paused:
        text.append(f"Outbox paused: {report.paused['message']}")
    for did, diffs in report.readback_differences.items():
        text.append(f"{did}: Lever stored something else for " + ", ".join(d["fieldId"] for d in diffs))
    _emit(args, out, text)
    if report.paused:
        return EXIT_ERROR
    return (
        EXIT_NOT_DONE
        if (report.retrying or report.rejected or report.drifted or report.gone or report.own_feedback)
        else 0
    )


async def _remove_duplicate(args: argparse.Namespace) -> int:
    async with _session("required") as session:
        store = session.store
        try:
            dup = await store.call(duplicates.find, args.id, args.feedback)
        except duplicates.DuplicateError as e:
            echo(f"lever-desktop: {e}", file=sys.stderr)
            return EXIT_ERROR
        if not _confirmed(args, dup.question(), "Nothing deleted.", sys.stdout):
            return EXIT_ERROR
        assert session.client is not None  # a "required" session is connected
        try:
            await duplicates.remove(
                store, session.client, args.id, args.feedback, actor=args.reviewer or approval.default_reviewer()
            )
        except LeverError as e:
            echo(f"lever-desktop: Lever did not delete form {args.feedback}: {e}", file=sys.stderr)
            return EXIT_ERROR
    _emit(
        args,
        {"draftId": dup.draft_id, "deletedFeedbackId": dup.feedback_id, "kept": dup.kept_feedback_id},
        [
            f"Deleted duplicate form {dup.feedback_id} for {dup.candidate} from Lever; form {dup.kept_feedback_id} stays."
        ],
    )
    return 0
