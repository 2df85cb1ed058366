"""The outbox worker: every approved draft becomes exactly one feedback form in Lever.

For each due entry:
1. re-read the template from Lever (``engine.ensure_template(max_age=0)``:
   not the hour's TTL, an edit made minutes ago must be seen); on drift the
   draft goes back to the reviewer instead of being sent;
   then read the opportunity's feedback: a form by the same author for the same
   interview that was not there at approval stops the send (needs attention,
   ``review/own_feedback.py``), and this entry's own form, found there, is recorded
   instead of sent again;
2. commit ``submitting`` *before* the POST leaves;
3. POST ``/opportunities/:id/feedback?perform_as=``;
4. on success record ``submitted`` with Lever's id, then read the opportunity's
   feedback back: record any difference from what was approved, and any second
   form from the same approval ("duplicate in Lever", removable on request).

When the outcome is unknown (AmbiguousWriteError: timeout, reset, 5xx after
the request left; or a crash, found as a row still ``submitting`` at the next
start) the draft is *checking*: the worker re-reads the opportunity's feedback
``settle_ms`` after the send, then at doubling intervals (3 s, 6 s, 12 s, ...),
looking for the form (``reconcile``: template, author, panel/interview, values,
times inside a window). Found -> submitted. It sends again only once a read
*after the settle window* still finds nothing.

The settle window (``SETTLE_WINDOW_MS``, 10 minutes) has to outlast any request
Lever can still be processing. Our client gives up after 30 s; Lever answers
through load balancers whose idle timeout is about a minute (AWS's default is
60 s), after which nothing answers the client, but a request already handed to
an application server is still processed to the end, and during an incident
(exactly when answers get lost) requests queue before they are processed.
Ten minutes is several times the sum of those limits; the price is that a lost
answer keeps a draft "checking" for up to ten minutes before a re-send, which
is better than a second form in the candidate's profile. A first request that
lands later still is caught: a draft sent more than once gets one more read a
settle window after it was submitted, and any read that finds two forms from
one approval marks it "duplicate in Lever".

Lever's 400 -> needs attention (with Lever's message and the local
validation); 404 (the opportunity was deleted or merged) -> needs attention,
final; 401/403 -> the outbox pauses until resumed; 429/5xx/network -> back
off. A file lock keeps two processes (GUI and ``submit``) from flushing the
same outbox at once. After the new forms, each flush sends the queued
amendments (PUT) and withdrawals (DELETE) of submitted forms (``review/amend.py``).

``run()`` is the outbox's own loop (the window keeps it alive): it flushes when
woken (``wake()``: something was approved, Lever is back), when the earliest
entry is due, and at least every ``IDLE_RECHECK_S``; each flush is told to the
listeners of ``subscribe()`` as an ``OutboxEvent``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from lever_desktop.lever import errors as le
from lever_desktop.lever import models, paths
from lever_desktop.lever.api import LeverAPI
from lever_desktop.lever.models import Feedback
from lever_desktop.observers import Listeners
from lever_desktop.review import amend, cache_view, own_feedback, queue, reconcile
from lever_desktop.review.drafts import dumps, now_ms
from lever_desktop.review.flush_lock import FlushLock
from lever_desktop.review.lifecycle import ATTENTION_WORDS, AttentionReason, DraftState
from lever_desktop.review.refresher import CacheRefresher
from lever_desktop.review.validation import check_values, hold_if_unsendable
from lever_desktop.store import Store

_log = logging.getLogger(__name__)
LIVE = (DraftState.APPROVED, DraftState.SUBMITTING)
# The first read after a lost answer (then doubling): most requests Lever still holds land by then.
SETTLE_MS = 3_000
# No re-send before this long after the lost attempt left (why ten minutes: module docstring).
SETTLE_WINDOW_MS = 10 * 60_000
# run() looks again this often with nothing due: new forms, amendments and withdrawals written
# by another process (``submit``, ``drafts amend``) are picked up without a wake-up.
IDLE_RECHECK_S = 60.0


@dataclass
class FlushReport:
    submitted: list[str] = field(default_factory=list)
    reconciled: list[str] = field(default_factory=list)  # found already stored after an ambiguous failure
    rejected: list[str] = field(default_factory=list)  # Lever's 400 -> needs attention
    drifted: list[str] = field(default_factory=list)  # template changed -> back to review
    # The author's own form appeared in Lever since approval -> needs attention (review/own_feedback.py).
    own_feedback: list[str] = field(default_factory=list)
    # Changes to submitted forms (review/amend.py): PUT answered, DELETE answered (or already gone).
    amended: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    gone: list[str] = field(default_factory=list)  # 404: the candidate no longer exists -> needs attention
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # draft -> extra forms found in Lever
    paused: dict[str, Any] | None = None
    readback_differences: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class OutboxEvent:
    """One flush of ``run()``: its report, or the error that stopped it (the loop goes on)."""

    report: FlushReport | None = None
    error: BaseException | None = None


class OutboxPaused(Exception):
    """Lever refused the key (401) or the permission (403); nothing is sent until resumed."""


class Outbox:
    def __init__(
        self,
        store: Store,
        client: LeverAPI,
        engine: CacheRefresher | None = None,
        *,
        clock: Callable[[], int] = now_ms,
        backoff_base_ms: int = 1_000,
        backoff_cap_ms: int = 300_000,
        rng: Callable[[], float] = random.random,
        lock_timeout: float = 30.0,
        settle_ms: int = SETTLE_MS,
        settle_window_ms: int = SETTLE_WINDOW_MS,
    ) -> None:
        self.store, self.client, self.engine = store, client, engine
        self.settle_ms, self.settle_window_ms = max(1, settle_ms), settle_window_ms
        self.clock, self.rng = clock, rng
        self.backoff_base_ms, self.backoff_cap_ms = backoff_base_ms, backoff_cap_ms
        self._lock = asyncio.Lock()
        self._file_lock = FlushLock(store.path.with_name(store.path.name + ".outbox.lock"), lock_timeout)
        self._events: Listeners[OutboxEvent] = Listeners()
        self._woken = asyncio.Event()
        self._send_now = False
        self._failed_looks: dict[str | None, int] = {}  # draft id -> failed looks in a row (this run)
        self.waiting = False  # run() is parked until a wake-up or the next due entry

    # -- the loop -------------------------------------------------------------------------------
    def subscribe(self, listener: Callable[[OutboxEvent], None]) -> Callable[[], None]:
        """``listener(event)`` after each flush of ``run()``; returns the function that unsubscribes."""
        return self._events.subscribe(listener)

    def wake(self, *, now: bool = False) -> None:
        """Something was approved (or Lever is back): flush soon; ``now`` also ignores the back-off."""
        self._send_now = self._send_now or now
        self._woken.set()

    async def run(self, *, idle_recheck_s: float = IDLE_RECHECK_S) -> None:
        """Flush forever: when woken, when the earliest entry is due, at least every ``idle_recheck_s``."""
        while True:
            send_now, self._send_now = self._send_now, False
            try:
                event = OutboxEvent(report=await self.flush(ignore_schedule=send_now))
            except Exception as e:  # noqa: BLE001 - the loop must survive; listeners tell the person
                _log.warning("outbox flush failed: %s", e, exc_info=True)
                event = OutboxEvent(error=e)
            self._events.emit(event)
            # Re-read after each flush: settle-window reads and back-offs set the next due time.
            await self._wait(self._seconds_until(await self.next_due(), idle_recheck_s, floor=0.2))

    # -- public ---------------------------------------------------------------------------------
    async def pending(self, draft_ids: Iterable[str] | None = None) -> list[queue.Entry]:
        return await self.store.call(queue.entries, LIVE, _ids(draft_ids))

    async def requests(self, draft_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
        """What a flush would send, without sending (``submit --dry-run``)."""
        return [e.request() for e in await self.pending(draft_ids)]

    async def pause_state(self) -> dict[str, Any] | None:
        return await self.store.call(queue.get_pause)

    async def resume(self) -> None:
        await self.store.call(queue.set_pause, None)

    async def flush(
        self, draft_ids: Iterable[str] | None = None, *, resume: bool = False, ignore_schedule: bool = False
    ) -> FlushReport:
        """One pass: reconcile in-flight entries, then send every due one."""
        ids = _ids(draft_ids)
        report = FlushReport()
        async with self._lock, self._file_lock:
            if resume:
                await self.resume()
            report.paused = await self.pause_state()
            if report.paused:
                return report
            now = self.clock()
            for entry in await self.store.call(queue.entries, [DraftState.SUBMITTING], ids, now):
                await self._reconcile(entry, report, cause="left in flight")
                if report.paused:
                    return report
            for entry in await self.store.call(queue.rechecks_due, now, ids):
                await self._recheck(entry, report)
            due = None if ignore_schedule else self.clock()
            # The Undo grace holds even when the schedule is ignored ("Lever is back", a new approval).
            for entry in await self.store.call(queue.entries, [DraftState.APPROVED], ids, due, self.clock()):
                await self._send(entry, report)
                if report.paused:
                    break
            if not report.paused:
                await amend.send_changes(self, ids, None if ignore_schedule else self.clock(), report)
        for draft_id in [*report.submitted, *report.reconciled, *report.amended, *report.withdrawn]:
            self._failed_looks.pop(draft_id, None)  # it got through: a later failure starts short again
        return report

    async def drain(
        self, draft_ids: Iterable[str] | None = None, *, deadline_s: float = 600.0, resume: bool = False
    ) -> FlushReport:
        """Flush until nothing live is left (or paused / past the deadline): the ``submit`` command."""
        ids = _ids(draft_ids)
        total = FlushReport()
        loop = asyncio.get_running_loop()
        end = loop.time() + deadline_s
        while True:
            r = await self.flush(ids, resume=resume)
            resume = False
            _merge(total, r)
            nxt = await self.next_due(ids)
            if r.paused or nxt is None or loop.time() >= end:
                total.retrying = [e.draft_id for e in await self.pending(ids)]
                total.retrying += [c.draft_id for c in await self.store.call(amend.changes, ids)]
                return total
            # Wait until the earliest entry is due (backoff chosen above), not a fixed nap.
            await self._wait(self._seconds_until(nxt, max(0.0, end - loop.time())))

    async def next_due(self, draft_ids: Iterable[str] | None = None) -> int | None:
        """When the earliest live entry (a new form, or a change to a submitted one) is due."""
        due = [await self.store.call(queue.next_due, draft_ids), await self.store.call(amend.next_due, draft_ids)]
        return min((d for d in due if d is not None), default=None)

    def _seconds_until(self, due: int | None, cap: float, *, floor: float = 0.0) -> float:
        """Seconds until ``due`` (the outbox clock's ms), within [floor, cap]; ``cap`` when nothing is due."""
        return cap if due is None else min(cap, max(floor, (due - self.clock()) / 1000))

    async def _wait(self, seconds: float) -> None:
        """Sleep ``seconds``, cut short by ``wake()``; a wake-up that came during the flush counts too."""
        self.waiting = True
        try:
            # asyncio.timeout, not wait_for: on Python 3.11 wait_for swallows a cancel that lands
            # just as the event is set (gh-86296), and quitting then hung until the next recheck.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self._woken.wait()
        finally:
            self.waiting = False
            self._woken.clear()

    # -- steps ----------------------------------------------------------------------------------
    async def _send(self, entry: queue.Entry, report: FlushReport) -> None:
        if await self.store.call(hold_if_unsendable, entry.draft_id, entry.body):  # -> needs attention
            report.rejected.append(entry.draft_id)
            return
        if not await self._template_unchanged(entry, report):
            return
        if not await self._own_feedback_clear(entry, report):
            return
        sent_at = self.clock()
        if not await self.store.call(queue.claim, entry.draft_id, sent_at, sent_at + self.settle_ms):
            return
        entry.attempts += 1
        try:
            answer = await self.client.post(entry.path, json=entry.body, params={"perform_as": entry.perform_as})
        except le.LeverValidationError as e:
            await self._rejected(entry, e, report)
        except le.LeverNotFound as e:
            await self._gone(entry, e, report)
        except le.LeverAuthError as e:
            # Refused at the door: certainly not stored.
            await self.store.call(queue.release, entry.draft_id, 0, _describe(e), "auth_refused")
            await self._pause(e, report)
        except (le.LeverRateLimited, le.LeverUnavailable) as e:
            # 429, or the connection failed before the request left: certainly not stored.
            retry_after = getattr(e, "retry_after", None)
            await self.store.call(
                queue.release, entry.draft_id, self._backoff(entry, retry_after), _describe(e), "not_sent"
            )
            report.retrying.append(entry.draft_id)
        except (le.LeverError, OSError) as e:
            # AmbiguousWriteError (timeout, reset, 5xx after sending) or anything unexpected:
            # Lever may have stored it, or may still store it. Stay "submitting" (checking):
            # reads across the settle window come before any re-send.
            await self.store.call(queue.postpone, entry.draft_id, self._next_read(sent_at), _describe(e))
            report.retrying.append(entry.draft_id)
        else:
            form = models.answered_form(answer)
            if form is None:
                # Stored (2xx), but the answer names no form: stay "checking", and the reads that
                # follow find the form by its completedAt like after a lost answer (never a re-send).
                _log.warning("draft %s: Lever stored the form but its answer named no form id", entry.draft_id)
                await self.store.call(
                    queue.postpone,
                    entry.draft_id,
                    self._next_read(sent_at),
                    "Lever's answer named no form; reading it back",
                )
                report.retrying.append(entry.draft_id)
            else:
                await self._submitted(entry, form, report, reconciled=False)

    async def _reconcile(self, entry: queue.Entry, report: FlushReport, *, cause: str) -> None:
        sent_at = entry.sent_at or 0
        try:
            forms = await self._forms(entry)
            claimed = await self.store.call(own_feedback.not_ours, entry.draft_id, entry.opportunity_id)
        except le.LeverNotFound as e:
            await self._gone(entry, e, report)
            return
        except le.LeverAuthError as e:
            await self._pause(e, report)
            return
        except (le.LeverError, OSError) as e:
            # Still unsure: stay "submitting" so a later read comes before any re-send.
            await self.store.call(
                queue.postpone,
                entry.draft_id,
                max(self._next_read(sent_at), self._backoff(entry)),
                f"{cause}; then {_describe(e)}",
            )
            report.retrying.append(entry.draft_id)
            return
        now = self.clock()
        found = reconcile.find_all(
            forms, entry.body, entry.perform_as, claimed, reconcile.Window.around(entry.approved_at, now)
        )
        if found:
            await self._submitted(entry, found[0], report, reconciled=True, forms=forms)
        elif now < sent_at + self.settle_window_ms:
            # Not there yet, and the request may still be in Lever's hands: read again later.
            await self.store.call(
                queue.postpone, entry.draft_id, self._next_read(sent_at), f"{cause}; not stored yet, checking again"
            )
            report.retrying.append(entry.draft_id)
        else:
            await self.store.call(
                queue.release, entry.draft_id, self._backoff(entry), f"{cause}; not stored", "not_stored"
            )
            report.retrying.append(entry.draft_id)

    async def _submitted(
        self,
        entry: queue.Entry,
        form: Feedback,
        report: FlushReport,
        *,
        reconciled: bool,
        forms: list[Feedback] | None = None,
    ) -> None:
        fid = form.id
        await self.store.call(
            queue.record_submitted,
            entry.draft_id,
            fid,
            {"leverFeedbackId": fid, "reconciled": reconciled, "attempts": entry.attempts},
        )
        (report.reconciled if reconciled else report.submitted).append(entry.draft_id)
        if forms is None:
            forms, err = await self._read_forms(entry)
        else:
            err = None
        diffs = None
        if forms is not None:
            stored = next((f for f in forms if f.id == fid), None)
            if stored is None and not reconciled:  # not listed (yet): read the one form
                stored, err = await self._read_one(entry, fid)
            diffs = reconcile.differences(stored or form, entry.body)
            await self._note_duplicates(entry, forms, report)
        await self.store.call(queue.record_readback, entry.draft_id, diffs, err)
        if diffs:
            report.readback_differences[entry.draft_id] = diffs
        if entry.attempts > 1:
            # Sent more than once: a first request landing later than the settle window is caught then.
            await self.store.call(queue.set_recheck, entry.draft_id, self.clock() + self.settle_window_ms)

    async def _recheck(self, entry: queue.Entry, report: FlushReport) -> None:
        try:
            forms = await self._forms(entry)
        except le.LeverNotFound:
            forms = []  # the candidate is gone, and with it any second form
        except (le.LeverError, OSError) as e:
            _log.info("duplicate check for %s failed (%s); trying again later", entry.draft_id, e)
            await self.store.call(queue.set_recheck, entry.draft_id, self._backoff(entry))
            return
        await self._note_duplicates(entry, forms, report)
        await self.store.call(queue.set_recheck, entry.draft_id, None)

    async def _note_duplicates(self, entry: queue.Entry, forms: list[Feedback], report: FlushReport) -> None:
        """Forms from this approval beyond the one recorded (the recorded one is among ``claimed``)."""
        claimed = await self.store.call(own_feedback.not_ours, entry.draft_id, entry.opportunity_id)
        extra = [
            f.id
            for f in reconcile.find_all(
                forms, entry.body, entry.perform_as, claimed, reconcile.Window.around(entry.approved_at, self.clock())
            )
        ]
        if extra:
            _log.warning(
                "draft %s: Lever holds %d more form(s) from one approval: %s", entry.draft_id, len(extra), extra
            )
            await self.store.call(queue.record_duplicates, entry.draft_id, extra)
            report.duplicates[entry.draft_id] = extra

    async def _forms(self, entry: queue.Entry) -> list[Feedback]:
        """The opportunity's forms as Lever holds them now, read through the model."""
        return models.parse_forms([f async for f in self.client.paginate(entry.path)])

    async def _read_forms(self, entry: queue.Entry) -> tuple[list[Feedback] | None, str | None]:
        try:
            return await self._forms(entry), None
        except (le.LeverError, OSError) as e:  # submitted either way; the check can be repeated later
            return None, _describe(e)

    async def _read_one(self, entry: queue.Entry, feedback_id: str) -> tuple[Feedback | None, str | None]:
        try:
            answer = await self.client.get_one(paths.feedback_form(entry.opportunity_id, feedback_id))
        except (le.LeverError, OSError) as e:
            return None, _describe(e)
        form = models.answered_form(answer)
        if form is None:
            return None, f"form {feedback_id} not found when read back"
        return form, None

    async def _template_unchanged(self, entry: queue.Entry, report: FlushReport) -> bool:
        if self.engine is not None:
            try:
                await self.engine.ensure_template(entry.template_id, max_age=0)
            except le.LeverAuthError as e:
                await self._pause(e, report)
                return False
            except (le.LeverError, OSError) as e:
                _log.info("template check for %s failed (%s); sending against the cached version", entry.draft_id, e)
        current = await self.store.call(cache_view.template, entry.template_id)
        if current is None or entry.template_version is None or current[0] == entry.template_version:
            return True
        # The draft is re-linked to the new version: the reviewer re-checks it against that one.
        await self.store.call(
            queue.needs_attention,
            entry.draft_id,
            AttentionReason.TEMPLATE_CHANGED,
            {
                "message": "The feedback template changed in Lever since approval; review again.",
                "approvedVersion": entry.template_version,
                "currentVersion": current[0],
            },
            {"template_version": current[0], "template_json": dumps(current[1])},
        )
        report.drifted.append(entry.draft_id)
        return False

    async def _rejected(self, entry: queue.Entry, e: le.LeverError, report: FlushReport) -> None:
        tpl = await self.store.call(cache_view.template, entry.template_id)
        values = {str(f["id"]): f.get("value") for f in entry.body.get("fieldValues", [])}
        local = check_values(tpl[1], values).errors if tpl else []
        await self.store.call(
            queue.needs_attention,
            entry.draft_id,
            AttentionReason.REJECTED_BY_LEVER,
            {
                "message": f"Lever rejected the form: {e.message}",
                "lever": {"status": e.status, "code": e.code, "message": e.message},
                "localValidation": local or "no problem found locally",
            },
        )
        report.rejected.append(entry.draft_id)

    async def _gone(self, entry: queue.Entry, e: le.LeverError, report: FlushReport) -> None:
        """404 is final: the opportunity was deleted or merged after approval; retrying cannot help."""
        await self.store.call(
            queue.needs_attention,
            entry.draft_id,
            AttentionReason.OPPORTUNITY_GONE,
            {
                "message": f"{ATTENTION_WORDS[AttentionReason.OPPORTUNITY_GONE]} (deleted or merged since approval).",
                "lever": {"status": e.status, "code": e.code, "message": e.message},
            },
        )
        report.gone.append(entry.draft_id)

    async def _pause(self, e: le.LeverError, report: FlushReport) -> None:
        if getattr(e, "forbidden", False):
            msg = (
                "Lever refused permission to write feedback (403). Ask an admin for feedback:write access, then resume."
            )
        else:
            msg = "Lever rejected the API key (401). Open Settings and reconnect, then resume."
        report.paused = {"status": e.status, "message": msg, "at": self.clock()}
        await self.store.call(queue.set_pause, report.paused)

    async def _own_feedback_clear(self, entry: queue.Entry, report: FlushReport) -> bool:
        """Read Lever just before the POST: never add a form next to the author's own one unless
        the reviewer chose to, knowing it was there (review/own_feedback.py)."""
        try:
            forms = await self._forms(entry)
        except le.LeverNotFound as e:  # the candidate is gone: final, not a retry
            await self._gone(entry, e, report)
            return False
        except le.LeverAuthError as e:
            await self._pause(e, report)
            return False
        except (le.LeverError, OSError) as e:
            # The error first: the outbox page and the offline banner read what kind of failure it was.
            await self.store.call(
                queue.postpone,
                entry.draft_id,
                self._backoff(entry),
                f"{_describe(e)} (checking Lever for the author's own feedback)",
            )
            report.retrying.append(entry.draft_id)
            return False
        found = await self.store.call(
            own_feedback.before_send,
            entry.draft_id,
            entry.opportunity_id,
            forms,
            entry.body,
            entry.perform_as,
            reconcile.Window.around(entry.approved_at, self.clock()),
        )
        if found.ours is not None:  # an earlier attempt did land: record it, never send a duplicate
            if not await self.store.call(queue.claim, entry.draft_id, self.clock()):
                # Not claimable any more (the candidate was anonymised meanwhile: claim moved the draft
                # to needs attention). Recording it as submitted raised TransitionError and ended the
                # flush for every entry behind it.
                return False
            await self._submitted(entry, found.ours, report, reconciled=True)
            return False
        if found.new_forms:
            now = self.clock()
            await self.store.call(
                queue.needs_attention,
                entry.draft_id,
                AttentionReason.OWN_FEEDBACK_EXISTS,
                {
                    "message": f"{found.new_forms[-1].describe(now)}, after this draft was approved; not sent.",
                    "ownFeedback": [f.to_json() for f in found.new_forms],
                },
            )
            report.own_feedback.append(entry.draft_id)
            return False
        return True

    def _next_read(self, sent_at: int) -> int:
        """The next reconciliation read: settle_ms, 2x, 4x ... after the send; the last at the window's end."""
        now, end, step = self.clock(), sent_at + self.settle_window_ms, self.settle_ms
        while sent_at + step <= now and sent_at + step < end:
            step *= 2
        return min(sent_at + step, end)

    def _backoff(self, entry: queue.Entry, retry_after_s: float | None = None) -> int:
        """When to look at ``entry`` again after a failed look. Counts the failed looks too, not just
        the sends: offline, the check before a send fails first, and the send attempts never grow."""
        key = getattr(entry, "draft_id", None)
        looks = self._failed_looks[key] = self._failed_looks.get(key, 0) + 1
        step = min(self.backoff_cap_ms, self.backoff_base_ms * 2 ** min(30, max(0, entry.attempts, looks) - 1))
        wait = step * (0.5 + self.rng() / 2)
        if retry_after_s is not None:
            wait = max(wait, retry_after_s * 1000)
        return self.clock() + int(wait)


def _ids(draft_ids: Iterable[str] | None) -> list[str] | None:
    return None if draft_ids is None else list(draft_ids) or None


def _describe(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"


def _merge(total: FlushReport, r: FlushReport) -> None:
    for name in ("submitted", "reconciled", "rejected", "drifted", "gone", "own_feedback", "amended", "withdrawn"):
        getattr(total, name).extend(getattr(r, name))
    total.readback_differences.update(r.readback_differences)
    total.duplicates.update(r.duplicates)
    total.paused = r.paused
