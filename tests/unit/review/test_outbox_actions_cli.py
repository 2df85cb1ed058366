"""``drafts retry`` and ``drafts cancel`` from the command line, on a real SQLite store: the same
rules as the outbox page's buttons (review/outbox_actions.py), refusals in one line on stderr."""

from __future__ import annotations

import asyncio
import json

from helpers.review_seed import draft_doc

from lever_desktop import cli, paths
from lever_desktop.review import approval, drafts, intake, lists, queue


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--basedir", str(paths.basedir()), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _approved(store, draft_id: str) -> None:
    asyncio.run(intake.receive_draft(store, draft_doc(draft_id), source="file"))
    asyncio.run(approval.approve(store, draft_id, reviewer="ana"))


def _next_attempt(store, draft_id: str) -> int:
    [entry] = store.call_sync(queue.entries, ["approved", "submitting"], [draft_id])
    return entry.next_attempt_at


def test_drafts_retry_makes_a_backed_off_entry_due_now(store, capsys):
    _approved(store, "d-1")
    store.call_sync(queue.postpone, "d-1", 10**13, "LeverUnavailable: connection refused")
    code, out, err = _cli(capsys, "drafts", "retry", "d-1", "--reviewer", "ana", "--json")
    assert (code, err) == (0, "") and json.loads(out)["message"] == "Sending now."
    assert _next_attempt(store, "d-1") < 10**13
    assert store.call_sync(drafts.audit_trail, "d-1")[-1]["event"] == "retry_now"


def test_drafts_cancel_refuses_while_a_send_may_land_then_takes_a_queued_one_back(store, capsys):
    _approved(store, "d-1")
    _approved(store, "d-2")
    # d-1's POST left and its answer was lost: "checking", Lever may still store it.
    assert store.call_sync(queue.claim, "d-1", 1_000, 4_000)
    store.call_sync(queue.postpone, "d-1", 4_000, "AmbiguousWriteError: timed out")
    audit_before = len(store.call_sync(drafts.audit_trail, "d-1"))

    code, out, err = _cli(capsys, "drafts", "cancel", "d-1")
    assert (code, out) == (1, "")
    assert err.startswith("lever-desktop: Draft d-1 cannot be cancelled: a send to Lever may still land")
    assert err.count("\n") == 1
    assert store.call_sync(queue.status, "d-1") == "checking"
    assert len(store.call_sync(drafts.audit_trail, "d-1")) == audit_before

    code, out, err = _cli(capsys, "drafts", "cancel", "d-2", "--reviewer", "ana")
    assert (code, err) == (0, "") and out.strip() == "Draft d-2 is back in review; nothing was sent."
    assert store.call_sync(drafts.get, "d-2").state == "in_review"
    assert [r[0] for r in store.call_sync(lists.outbox_list)] == ["d-1"]


def test_drafts_retry_leaves_an_entry_lever_rate_limited_to_its_wait(store, capsys):
    _approved(store, "d-1")
    due = 10**13
    assert store.call_sync(queue.claim, "d-1", 1_000)
    store.call_sync(queue.release, "d-1", due, "LeverRateLimited: HTTP 429 (retry after 300 s)", "not_sent")
    code, out, err = _cli(capsys, "drafts", "retry", "d-1")
    assert (code, out) == (1, "") and "Lever is rate-limiting this API key" in err
    assert _next_attempt(store, "d-1") == due
