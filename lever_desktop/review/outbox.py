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
4. on success record ``submitted`` with Lever's id, then read the form back
   and record any difference from what was approved.
When the outcome is unknown (AmbiguousWriteError: timeout, reset, 5xx after
the request left; or a crash, found as a row still ``submitting`` at the next
start) the worker reads the opportunity's feedback and matches template,
author, panel/interview and ``completedAt`` before ever sending again.
Lever's 400 -> needs attention (with Lever's message and the local
validation); 401/403 -> the outbox pauses until resumed; 429/5xx/network ->
back off. A file lock keeps two processes (GUI and ``submit``) from flushing
the same outbox at once. After the new forms, each flush sends the queued
amendments (PUT) and withdrawals (DELETE) of submitted forms (``review/amend.py``).
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterable

from lever_desktop.lever import errors as le
from lever_desktop.review import amend, cache_view, own_feedback, queue, reconcile
from lever_desktop.review.drafts import dumps, now_ms
from lever_desktop.review.flush_lock import FlushLock
from lever_desktop.review.lifecycle import AttentionReason, DraftState
from lever_desktop.review.validation import check_values, hold_if_unsendable

_log = logging.getLogger(__name__)
LIVE = (DraftState.APPROVED, DraftState.SUBMITTING)
# An unfinished attempt is reconciled no sooner than this after it was sent: a request
# whose answer was lost may still be in Lever's hands, and must not be missed by the read.
SETTLE_MS = 3_000


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
    paused: dict[str, Any] | None = None
    readback_differences: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class OutboxPaused(Exception):
    """Lever refused the key (401) or the permission (403); nothing is sent until resumed."""


class Outbox:
    def __init__(self, store: Any, client: Any, engine: Any = None, *, clock: Callable[[], int] = now_ms,
                 backoff_base_ms: int = 1_000, backoff_cap_ms: int = 300_000,
                 rng: Callable[[], float] = random.random, lock_timeout: float = 30.0,
                 settle_ms: int = SETTLE_MS) -> None:
        self.store, self.client, self.engine = store, client, engine
        self.settle_ms = settle_ms
        self.clock, self.rng = clock, rng
        self.backoff_base_ms, self.backoff_cap_ms = backoff_base_ms, backoff_cap_ms
        self._lock = asyncio.Lock()
        self._file_lock = FlushLock(store.path.with_name(store.path.name + ".outbox.lock"), lock_timeout)

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

    async def flush(self, draft_ids: Iterable[str] | None = None, *, resume: bool = False,
                    ignore_schedule: bool = False) -> FlushReport:
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
            due = None if ignore_schedule else self.clock()
            for entry in await self.store.call(queue.entries, [DraftState.APPROVED], ids, due):
                await self._send(entry, report)
                if report.paused:
                    break
            if not report.paused:
                await amend.send_changes(self, ids, None if ignore_schedule else self.clock(), report)
        return report

    async def drain(self, draft_ids: Iterable[str] | None = None, *, deadline_s: float = 600.0,
                    resume: bool = False) -> FlushReport:
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
            await asyncio.sleep(min(max(0, nxt - self.clock()) / 1000, max(0.0, end - loop.time())))

    async def next_due(self, draft_ids: Iterable[str] | None = None) -> int | None:
        """When the earliest live entry (a new form, or a change to a submitted one) is due."""
        due = [await self.store.call(queue.next_due, draft_ids), await self.store.call(amend.next_due, draft_ids)]
        return min((d for d in due if d is not None), default=None)

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
        except le.LeverAuthError as e:
            # Refused at the door: certainly not stored.
            await self.store.call(queue.release, entry.draft_id, 0, _describe(e), "auth_refused")
            await self._pause(e, report)
        except (le.LeverRateLimited, le.LeverUnavailable) as e:
            # 429, or the connection failed before the request left: certainly not stored.
            retry_after = getattr(e, "retry_after", None)
            await self.store.call(queue.release, entry.draft_id, self._backoff(entry, retry_after),
                                  _describe(e), "not_sent")
            report.retrying.append(entry.draft_id)
        except (le.LeverError, OSError) as e:
            # AmbiguousWriteError (timeout, reset, 5xx after sending) or anything unexpected:
            # Lever may have stored it. Stay "submitting"; look (once it settled) before sending again.
            settled = max(self._backoff(entry), sent_at + self.settle_ms)
            await self.store.call(queue.postpone, entry.draft_id, settled, _describe(e))
            report.retrying.append(entry.draft_id)
        else:
            await self._submitted(entry, answer if isinstance(answer, dict) else {}, report, reconciled=False)

    async def _reconcile(self, entry: queue.Entry, report: FlushReport, *, cause: str) -> None:
        try:
            forms = [f async for f in self.client.paginate(f"{entry.path}")]
            claimed = await self.store.call(queue.claimed_feedback_ids, entry.opportunity_id)
        except le.LeverAuthError as e:
            await self._pause(e, report)
            return
        except (le.LeverError, OSError) as e:
            # Still unsure: stay "submitting" so the next pass reads again before any re-send.
            await self.store.call(queue.postpone, entry.draft_id, self._backoff(entry), f"{cause}; then {_describe(e)}")
            report.retrying.append(entry.draft_id)
            return
        match = reconcile.find_match(forms, entry.body, entry.perform_as, claimed)
        if match is not None:
            await self._submitted(entry, match, report, reconciled=True)
        else:
            await self.store.call(queue.release, entry.draft_id, self._backoff(entry), f"{cause}; not stored",
                                  "not_stored")
            report.retrying.append(entry.draft_id)

    async def _submitted(self, entry: queue.Entry, form: dict[str, Any], report: FlushReport, *,
                         reconciled: bool) -> None:
        fid = str(form.get("id"))
        await self.store.call(queue.record_submitted, entry.draft_id, fid,
                              {"leverFeedbackId": fid, "reconciled": reconciled, "attempts": entry.attempts})
        (report.reconciled if reconciled else report.submitted).append(entry.draft_id)
        if reconciled and form.get("fields") is not None:
            diffs, err = reconcile.differences(form, entry.body), None
        else:
            diffs, err = await self._read_back(entry, fid)
        await self.store.call(queue.record_readback, entry.draft_id, diffs, err)
        if diffs:
            report.readback_differences[entry.draft_id] = diffs

    async def _read_back(self, entry: queue.Entry, feedback_id: str) -> tuple[list[dict[str, Any]] | None, str | None]:
        try:
            form = await self.client.get_one(f"{entry.path}/{feedback_id}")
        except (le.LeverError, OSError) as e:  # submitted either way; the check can be repeated later
            return None, _describe(e)
        if not isinstance(form, dict):
            return None, f"form {feedback_id} not found when read back"
        return reconcile.differences(form, entry.body), None

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
        await self.store.call(queue.needs_attention, entry.draft_id, AttentionReason.TEMPLATE_CHANGED,
                              {"message": "The feedback template changed in Lever since approval; review again.",
                               "approvedVersion": entry.template_version, "currentVersion": current[0]},
                              {"template_version": current[0], "template_json": dumps(current[1])})
        report.drifted.append(entry.draft_id)
        return False

    async def _rejected(self, entry: queue.Entry, e: le.LeverError, report: FlushReport) -> None:
        tpl = await self.store.call(cache_view.template, entry.template_id)
        values = {str(f["id"]): f.get("value") for f in entry.body.get("fieldValues", [])}
        local = check_values(tpl[1], values).errors if tpl else []
        await self.store.call(queue.needs_attention, entry.draft_id, AttentionReason.REJECTED_BY_LEVER, {
            "message": f"Lever rejected the form: {e.message}",
            "lever": {"status": e.status, "code": e.code, "message": e.message},
            "localValidation": local or "no problem found locally",
        })
        report.rejected.append(entry.draft_id)

    async def _pause(self, e: le.LeverError, report: FlushReport) -> None:
        if getattr(e, "forbidden", False):
            msg = "Lever refused permission to write feedback (403). Ask an admin for feedback:write access, then resume."
        else:
            msg = "Lever rejected the API key (401). Open Settings and reconnect, then resume."
        report.paused = {"status": e.status, "message": msg, "at": self.clock()}
        await self.store.call(queue.set_pause, report.paused)

    async def _own_feedback_clear(self, entry: queue.Entry, report: FlushReport) -> bool:
        """Read Lever just before the POST: never add a form next to the author's own one unless
        the reviewer chose to, knowing it was there (review/own_feedback.py)."""
        try:
            forms = [f async for f in self.client.paginate(entry.path)]
        except le.LeverAuthError as e:
            await self._pause(e, report)
            return False
        except (le.LeverError, OSError) as e:
            # The error first: the outbox page and the offline banner read what kind of failure it was.
            await self.store.call(queue.postpone, entry.draft_id, self._backoff(entry),
                                  f"{_describe(e)} (checking Lever for the author's own feedback)")
            report.retrying.append(entry.draft_id)
            return False
        found = await self.store.call(own_feedback.before_send, entry.draft_id, entry.opportunity_id, forms,
                                      entry.body, entry.perform_as)
        if found.ours is not None:  # an earlier attempt did land: record it, never send a duplicate
            await self.store.call(queue.claim, entry.draft_id, self.clock())
            await self._submitted(entry, found.ours, report, reconciled=True)
            return False
        if found.new_forms:
            now = self.clock()
            await self.store.call(queue.needs_attention, entry.draft_id, AttentionReason.OWN_FEEDBACK_EXISTS, {
                "message": f"{found.new_forms[-1].describe(now)}, after this draft was approved; not sent.",
                "ownFeedback": [f.to_json() for f in found.new_forms]})
            report.own_feedback.append(entry.draft_id)
            return False
        return True

    def _backoff(self, entry: queue.Entry, retry_after_s: float | None = None) -> int:
        step = min(self.backoff_cap_ms, self.backoff_base_ms * 2 ** max(0, entry.attempts - 1))
        wait = step * (0.5 + self.rng() / 2)
        if retry_after_s is not None:
            wait = max(wait, retry_after_s * 1000)
        return self.clock() + int(wait)


def _ids(draft_ids: Iterable[str] | None) -> list[str] | None:
    return None if draft_ids is None else list(draft_ids) or None


def _describe(e: BaseException) -> str:
    return f"{type(e).__name__}: {e}"


def _merge(total: FlushReport, r: FlushReport) -> None:
    for name in ("submitted", "reconciled", "rejected", "drifted", "own_feedback", "amended", "withdrawn"):
        getattr(total, name).extend(getattr(r, name))
    total.readback_differences.update(r.readback_differences)
    total.paused = r.paused
