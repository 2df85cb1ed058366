"""Property: whatever Lever answers, every outbox entry ends, and never as two forms.

Over any finite sequence of answers (2xx, 400, 401, 403, 404, 409, 429, 5xx, timeout, reset,
unreachable, a late store) applied to the outbox's requests in order, one approved draft reaches
submitted, needs attention or paused within a bounded number of flushes, and Lever never holds
two forms from it, not even after every late store has landed.

``FakeLever`` is an in-process stand-in for Lever, used by THIS test only: the property needs
hundreds of examples, each with up to a dozen flushes across a ten-minute settle window, which the
sandbox over loopback (and real time) could not run in seconds. It keeps the same contract as the
real client: the same exceptions for the same answers, forms read back as Lever lists them. Time
is the outbox's injected clock, advanced to the next due attempt, so nothing sleeps. Everything
else (the store, the outbox, reconciliation) is the real code on a real SQLite file.
"""

from __future__ import annotations

import asyncio
import itertools
import tempfile
from pathlib import Path
from typing import Any

import pytest
from helpers.review_seed import NOW, draft_doc, seed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lever_desktop.lever import errors as le
from lever_desktop.review import approval, drafts, intake, queue
from lever_desktop.review.outbox import SETTLE_MS, SETTLE_WINDOW_MS, Outbox
from lever_desktop.store import Store

ANSWERS = ["2xx", "400", "401", "403", "404", "409", "429", "5xx", "timeout", "reset", "unreachable", "late"]
_ids = itertools.count(1)


class FakeLever:
    """Answers each request with the next scripted answer (then 2xx); stores forms, some late."""

    def __init__(self, answers: list[tuple[str, int]], clock: list[int]) -> None:
        self.answers, self.clock = list(answers), clock
        self.forms: list[dict[str, Any]] = []
        self.landing: list[tuple[int, dict[str, Any]]] = []  # (when, form): stored after the answer
        self.posts = 0

    def _next(self) -> tuple[str, int]:
        return self.answers.pop(0) if self.answers else ("2xx", 0)

    def land(self, until: int) -> None:
        self.forms += [f for at, f in self.landing if at <= until]
        self.landing = [(at, f) for at, f in self.landing if at > until]

    def _form(self, body: dict[str, Any], perform_as: str) -> dict[str, Any]:
        return {
            "id": f"fb-{next(_ids)}",
            "baseTemplateId": body["baseTemplateId"],
            "user": {"id": perform_as},
            "panel": body.get("panel"),
            "interview": body.get("interview"),
            "completedAt": body["completedAt"],
            "createdAt": self.clock[0],
            "deletedAt": None,
            "fields": body["fieldValues"],
        }

    @staticmethod
    def _refused(answer: str, where: dict[str, str]) -> le.LeverError | None:
        return {
            "400": le.LeverValidationError("Unable to create feedback", status=400, **where),
            "401": le.LeverAuthError("Invalid API key", status=401, **where),
            "403": le.LeverAuthError("Forbidden", status=403, **where),
            "404": le.LeverNotFound("Opportunity not found", status=404, **where),
            "409": le.LeverError("Conflict", status=409, **where),
            "429": le.LeverRateLimited("Too many requests", status=429, **where),
            "unreachable": le.LeverUnavailable("Lever could not be reached (ConnectError)", **where),
        }.get(answer)

    async def post(self, path: str, json: Any = None, params: Any = None) -> Any:
        self.land(self.clock[0])
        self.posts += 1
        answer, delay = self._next()
        where = {"method": "POST", "path": path}
        if (refused := self._refused(answer, where)) is not None:
            raise refused
        form = self._form(json, params["perform_as"])
        if answer == "2xx":
            self.forms.append(form)
            return form
        if answer == "timeout":  # stored; the answer never arrived
            self.forms.append(form)
        elif answer == "late":  # still being processed when the client gave up; stored later
            self.landing.append((self.clock[0] + delay, form))
        raise le.AmbiguousWriteError(f"{answer}: the write may or may not have been applied", status=503, **where)

    async def paginate(self, path: str, params: Any = None):
        self.land(self.clock[0])
        answer, _ = self._next()
        where = {"method": "GET", "path": path}
        if (refused := self._refused(answer, where)) is not None:
            raise refused
        if answer in ("5xx", "timeout", "reset"):
            raise le.LeverServerError(f"GET failed: {answer}", status=503, **where)
        for form in list(self.forms):
            yield form

    async def get_one(self, path: str, params: Any = None) -> Any:
        fid = path.rsplit("/", 1)[-1]
        return next((f for f in self.forms if f["id"] == fid), None)


@pytest.fixture
def store():
    """The real store, on a memory-backed file system where there is one: hundreds of examples of
    a dozen commits each would otherwise wait on fsync (durability is the kill -9 tests' subject)."""
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as base:
        s = Store.open(Path(base) / "lever.sqlite3")
        s.call_sync(seed)
        yield s
        s.close()


answer = st.tuples(st.sampled_from(ANSWERS), st.integers(0, SETTLE_WINDOW_MS - 1))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=st.lists(answer, max_size=8))
def test_every_entry_ends_and_is_never_stored_twice(store, answers):
    asyncio.run(_one_draft(store, answers))


async def _one_draft(store, answers: list[tuple[str, int]]) -> None:
    draft_id = f"d-prop-{next(_ids)}"
    clock = [NOW + next(_ids) * 10 * SETTLE_WINDOW_MS]  # each example in its own stretch of time
    await intake.receive_draft(store, draft_doc(draft_id), source="test")
    # Examples share one store but not one Lever: the forms earlier examples submitted count as the
    # author's own for this interview here, and are not in this example's (fresh) Lever.
    await approval.approve(store, draft_id, reviewer="rita", now=clock[0], add_second_form=True)
    lever = FakeLever(answers, clock)
    box = Outbox(
        store, lever, clock=lambda: clock[0], settle_ms=SETTLE_MS, settle_window_ms=SETTLE_WINDOW_MS, rng=lambda: 0.5
    )
    # Each answer costs at most one request, and a lost answer at most one settle window of reads.
    reads_per_window = (SETTLE_WINDOW_MS // SETTLE_MS).bit_length() + 1
    bound = (len(answers) + 1) * (reads_per_window + 2)
    for _ in range(bound):
        report = await box.flush([draft_id])
        state = (await store.call(drafts.get, draft_id)).state
        if report.paused or state in ("submitted", "needs_attention"):
            break
        clock[0] = max(clock[0], await store.call(queue.next_due, [draft_id]))
    else:
        raise AssertionError(f"still {state} after {bound} flushes; answers {answers}")
    await box.resume()

    lever.land(clock[0] + 2 * SETTLE_WINDOW_MS)  # whatever was still in Lever's hands has landed
    assert len(lever.forms) <= 1, f"{len(lever.forms)} forms from one approval; answers {answers}"
    rec = await store.call(drafts.get, draft_id)
    if rec.state == "submitted":
        assert [f["id"] for f in lever.forms] == [rec.lever_feedback_id]
    assert lever.posts <= len(answers) + 1
