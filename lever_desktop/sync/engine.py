"""The sync engine: keeps the cache close to Lever within the rate limit (asyncio, no Qt).

One pass at a time: a manual "sync now" joins the pass already running. All
database work goes through the store's own thread, one transaction per page,
so the event loop (and the GUI on it) never waits on SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from lever_desktop.lever import errors, paths
from lever_desktop.lever.api import LeverReads
from lever_desktop.store import Store, cache, privacy
from lever_desktop.store.records import TemplateRecord
from lever_desktop.sync import walk
from lever_desktop.sync.clock import Clock, SystemClock, ms
from lever_desktop.sync.events import EventBus, Listener, SyncEvent, SyncReport, SyncState

_log = logging.getLogger(__name__)

OVERLAP_MS = 5 * 60 * 1000  # re-read the last minutes of each window: clock skew, in-flight writes
TEMPLATE_TTL = 3600.0
WEBHOOK_RETENTION_DAYS = 30  # raw deliveries are kept for debugging, then dropped
TEMPLATE_RETENTION_DAYS = 30  # superseded template versions no draft refers to, then dropped


class SyncEngine:
    def __init__(
        self,
        client: LeverReads,
        store: Store,
        *,
        clock: Clock | None = None,
        overlap_ms: int = OVERLAP_MS,
        resources: Sequence[walk.Resource] = walk.RESOURCES,
        retention_days: int = privacy.DEFAULT_RETENTION_DAYS,
        sharing: Callable[[], contextlib.AbstractAsyncContextManager[object]] | None = None,
    ) -> None:
        """``sharing``: entered around each pass, to count this desktop among those walking with the
        key while it walks (``relay/keyshare.py``); it never raises into the pass."""
        self.client = client
        self._sharing = sharing or contextlib.nullcontext
        self.retention_days = retention_days  # submitted drafts keep their text this long (Settings)
        self.store = store
        self.clock: Clock = clock or SystemClock()
        self.overlap_ms = overlap_ms
        self.resources = tuple(resources)
        self.state = SyncState.ONLINE
        self._bus = EventBus()
        self._pass: asyncio.Task[SyncReport] | None = None
        self.last_report: SyncReport | None = None
        # Online/offline follows Lever's last real answer to any request (sync, outbox, account
        # check), not only this engine's passes: lever/reachability.py.
        self.reachability = getattr(client, "reachability", None)
        self._unsubscribe = self.reachability.subscribe(self._lever_answered) if self.reachability else None

    def close(self) -> None:
        """Stop following Lever's answers (the session is closing)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _lever_answered(self, reachable: bool) -> None:
        # During a pass the pass's end decides (it may still fail for another reason).
        if self.state != SyncState.SYNCING:
            self._set_state(SyncState.ONLINE if reachable else SyncState.OFFLINE)

    def now_ms(self) -> int:
        return ms(self.clock.now())

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        return self._bus.subscribe(listener)

    def _set_state(self, state: SyncState) -> None:
        if state != self.state:
            self.state = state
            self._bus.emit(SyncEvent("state", state))

    @property
    def running(self) -> bool:
        return self._pass is not None and not self._pass.done()

    # -- passes ------------------------------------------------------------------------

    async def sync_now(self, full: bool = False) -> SyncReport:
        """Walk every resource (incrementally unless ``full``); joins a pass already running."""
        return await self.run_pass([r.name for r in self.resources], full)

    async def run_pass(self, names: list[str], full: bool = False) -> SyncReport:
        """Walk the named resources; joins a pass already running (whatever it walks)."""
        if not self.running:
            self._pass = asyncio.create_task(self._do_pass(names, full), name="lever-sync-pass")
        # shield: a caller that stops waiting must not cancel the pass others joined.
        return await asyncio.shield(self._pass)  # type: ignore[arg-type]

    def cancel(self) -> bool:
        """Stop the running pass (pages already stored stay; the walk resumes next time)."""
        if self.running:
            self._pass.cancel()  # type: ignore[union-attr]
            return True
        return False

    async def _do_pass(self, names: list[str], full: bool) -> SyncReport:
        report = SyncReport(full=full, resources=names)
        stats = self.client.stats
        requests0, limited0, t0 = stats.requests, stats.rate_limited, time.monotonic()
        self._set_state(SyncState.SYNCING)
        try:
            state = await self.store.call(cache.states)
            async with self._sharing():
                for res in self.resources:
                    if res.name in names:
                        report.counts[res.name] = await self._walk(res, state, full, report)
            if "tombstones" in names:  # the nightly housekeeping rides along
                await self.store.call(cache.purge_webhook_deliveries, self.now_ms(), WEBHOOK_RETENTION_DAYS)
                await self.store.call(cache.purge_template_versions, self.now_ms(), TEMPLATE_RETENTION_DAYS)
                await self.store.call(privacy.maintain, self.now_ms(), self.retention_days)
            # A purge (anonymised candidate, retention) must not leave old pages in the -wal file.
            await self.store.checkpoint()
            await self.store.scrub_backups(self.now_ms(), self.retention_days)
            after = SyncState.ONLINE
        except asyncio.CancelledError:
            report.cancelled = True
            after = self._last_answer()
        except errors.LeverUnavailable as e:
            report.error, after = e, SyncState.OFFLINE
        except Exception as e:  # noqa: BLE001 - reported to listeners and the caller, logged
            report.error, after = e, self._last_answer()  # an outage's 5xx is offline too
            _log.warning("sync failed: %s", e, exc_info=not isinstance(e, errors.LeverError))
        report.requests = stats.requests - requests0
        report.rate_limited = stats.rate_limited - limited0
        report.seconds = time.monotonic() - t0
        self.last_report = report
        self._set_state(after)
        kind = "cancelled" if report.cancelled else "finished" if report.ok else "failed"
        self._bus.emit(SyncEvent(kind, self.state, report=report))
        return report

    async def _walk(self, res: walk.Resource, state: dict[str, Any], full: bool, report: SyncReport) -> int:
        def progress(done: int, total: int | None) -> None:
            self._bus.emit(SyncEvent("progress", self.state, res.name, done, total))

        params = walk.walk_params(res, state, full, self.overlap_ms)
        w = walk.Walk(self, res, params, state, progress)
        key = f"confidentiality:{res.name}"
        try:
            received = await w.run()
            if params.get("confidentiality") == "all" and state.get(key):
                await self.store.call(cache.delete_state, key)  # permission granted since: forget the fallback
            return received
        except errors.LeverAuthError as e:
            if not (e.forbidden and params.get("confidentiality") == "all"):
                raise
            # This key may not read confidential data: fall back to what it may read, and remember
            # (a full pass asks again).
            _log.info("%s: confidential records not permitted for this key; syncing the others", res.name)
            await self.store.call(cache.set_state, key, "non-confidential", self.now_ms())
            state[key] = "non-confidential"
            restarts = w.restarts
            w = walk.Walk(self, res, {k: v for k, v in params.items() if k != "confidentiality"}, state, progress)
            w.restarts += restarts
            return await w.run()
        finally:
            report.restarts += w.restarts

    # -- targeted work (webhooks, a reviewer opening a candidate) -----------------------

    async def refresh_opportunity(self, opportunity_id: str) -> bool:
        """Re-read one opportunity with its panels, interviews and feedback; False if deleted."""
        read = await self._read_opportunity(opportunity_id, full=True)
        if read is None:
            return False
        record, panels, interviews, feedback = read
        await self.store.call(_store_opportunity, opportunity_id, record, panels, interviews, feedback, self.now_ms())
        self._reached_lever()
        return True

    async def refresh_interviews(self, opportunity_id: str) -> bool:
        """Re-read one opportunity's panels and interviews (an interview webhook): two requests
        instead of ``refresh_opportunity``'s four. An opportunity not in the cache yet gets the
        full refresh. False if it was deleted."""
        read = await self._read_opportunity(opportunity_id, full=False)
        if read is None:
            return False
        _, panels, interviews, _ = read
        stored = await self.store.call(
            cache.replace_opportunity_details, opportunity_id, panels, interviews, None, self.now_ms()
        )
        if not stored:
            return await self.refresh_opportunity(opportunity_id)
        self._reached_lever()
        return True

    async def refresh_details(self, opportunity_id: str) -> bool:
        """Re-read a cached opportunity's panels, interviews and feedback, not its record (which the
        opportunities walk keeps current): three requests. False if it was deleted or is not cached."""
        read = await self._read_opportunity(opportunity_id, full=True, record=False)
        if read is None:
            return False
        _, panels, interviews, feedback = read
        stored = await self.store.call(
            cache.replace_opportunity_details, opportunity_id, panels, interviews, feedback, self.now_ms()
        )
        self._reached_lever()
        return stored

    async def refresh_feedback(self, opportunity_id: str) -> bool:
        """Re-read only an opportunity's feedback (Lever sends no webhook for it): one request."""
        try:
            forms = [f async for f in self.client.paginate(paths.feedback(opportunity_id))]
        except errors.LeverUnavailable:
            self._set_state(SyncState.OFFLINE)
            raise
        except errors.LeverNotFound:
            await self.tombstone(opportunity_id)
            return False
        stored = await self.store.call(cache.replace_feedback, opportunity_id, forms)
        self._reached_lever()
        return stored

    async def _read_opportunity(
        self, opportunity_id: str, *, full: bool, record: bool | None = None
    ) -> tuple[Any, list, list, list | None] | None:
        """(record, panels, interviews, feedback) from Lever; record and feedback only when ``full``
        (the record not when ``record`` is False).

        None when the opportunity was deleted (it is tombstoned here); when Lever is unreachable
        the engine goes offline and the error propagates.
        """
        path = paths.opportunity(opportunity_id)  # the id quoted into one segment
        with_record = full if record is None else record
        try:
            record = await self.client.get_one(path, {"expand": ["applications"]}) if with_record else None
            if with_record and record is None:
                await self.tombstone(opportunity_id)
                return None
            panels = [p async for p in self.client.paginate(paths.panels(opportunity_id))]
            interviews = [i async for i in self.client.paginate(paths.interviews(opportunity_id))]
            feedback = [f async for f in self.client.paginate(paths.feedback(opportunity_id))] if full else None
        except errors.LeverUnavailable:
            self._set_state(SyncState.OFFLINE)
            raise
        except errors.LeverNotFound:  # deleted between two of the calls
            await self.tombstone(opportunity_id)
            return None
        return record, panels, interviews, feedback

    def _last_answer(self) -> SyncState:
        reachable = None if self.reachability is None else self.reachability.reachable
        return SyncState.OFFLINE if reachable is False else SyncState.ONLINE

    def _reached_lever(self) -> None:
        if self.state == SyncState.OFFLINE:
            self._set_state(SyncState.ONLINE)

    async def tombstone(self, opportunity_id: str) -> None:
        """Forget a deleted opportunity. Only on Lever's word (its 404, or its deleted list): a
        ``candidateDeleted`` webhook's ids are unsigned, so the relay dispatch re-reads instead."""
        now = self.now_ms()
        await self.store.call(cache.apply_tombstones, [{"id": opportunity_id, "deletedAt": now}], now)

    async def refresh_contact(self, contact_id: str) -> int:
        """Refresh every cached opportunity of a contact (``contactUpdated``); returns how many."""
        ids = await self.store.call(_opportunities_of_contact, contact_id)
        for oid in ids:
            await self.refresh_opportunity(oid)
        return len(ids)

    async def ensure_template(self, template_id: str, *, max_age: float = TEMPLATE_TTL) -> TemplateRecord | None:
        """The current version of a template, re-read from Lever when older than ``max_age`` seconds.

        The hour's TTL suits showing a form; the outbox passes ``max_age=0`` just
        before sending, so an edit made in Lever minutes ago is seen (a changed
        template is stored as a new version). Offline, the cached version is
        returned (the reviewer can still work).
        """
        cached = await self.store.call(cache.current_template, template_id)
        if cached is not None and max_age > 0 and self.now_ms() - cached.fetched_at < max_age * 1000:
            return cached
        try:
            record = await self.client.get_one(paths.feedback_template(template_id))
        except errors.LeverUnavailable:
            self._set_state(SyncState.OFFLINE)
            return cached
        if record is None:
            return cached
        await self.store.call(cache.upsert_templates, [record], self.now_ms())
        return await self.store.call(cache.current_template, template_id)


def _store_opportunity(
    conn: Any,
    opportunity_id: str,
    record: dict[str, Any],
    panels: list[Any],
    interviews: list[Any],
    feedback: list[Any],
    now: int,
) -> None:
    cache.upsert_opportunities(conn, [record], now)  # read through the model: no id, nothing stored
    cache.replace_opportunity_details(conn, opportunity_id, panels, interviews, feedback, now)


def _opportunities_of_contact(conn: Any, contact_id: str) -> list[str]:
    rows = conn.exec_driver_sql("SELECT id FROM opportunities WHERE contact_id = ?", (contact_id,)).fetchall()
    return [r[0] for r in rows]
