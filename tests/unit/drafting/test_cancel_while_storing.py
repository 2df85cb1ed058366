"""Cancel pressed while a draft is being stored: the window then says nothing was saved, so nothing
may stay in review (the store's thread finishes a write it has begun, whoever cancels)."""

from __future__ import annotations

import asyncio
import threading

from helpers.review_seed import draft_doc
from test_drafter_plan import session_of

from lever_desktop.drafting import drafter
from lever_desktop.review import drafts, intake
from lever_desktop.review.lifecycle import DraftState


async def test_a_draft_stored_for_a_cancelled_caller_is_discarded_not_left_in_review(store, monkeypatch):
    writing, release = threading.Event(), threading.Event()
    insert = intake._insert_once

    def slow_insert(conn, row, detail):  # the real write, held open on the store's thread
        writing.set()
        release.wait(10)
        return insert(conn, row, detail)

    monkeypatch.setattr(intake, "_insert_once", slow_insert)
    storing = asyncio.ensure_future(drafter._store_unless_cancelled(session_of(store), draft_doc("d-cancelled")))
    while not writing.is_set():  # the write has begun on the store's thread
        await asyncio.sleep(0.005)
    storing.cancel()  # the reviewer presses Cancel now
    await asyncio.sleep(0)
    release.set()
    try:
        await storing
        raise AssertionError("the cancelled caller was told the draft was stored")
    except asyncio.CancelledError:
        pass
    rec = await store.call(drafts.get, "d-cancelled")
    assert rec is not None and rec.state == DraftState.DISCARDED  # written, then taken out of review
    assert [e["event"] for e in await store.call(drafts.audit_trail, "d-cancelled")][-1] == "discarded"
