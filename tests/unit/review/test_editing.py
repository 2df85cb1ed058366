"""A draft under review (review/editing.py) against a real SQLite store, and ``drafts discard``
from the CLI: the window and the command line discard one way, with one audit entry."""

from __future__ import annotations

import json

import pytest
from helpers.review_seed import draft_doc

from lever_desktop import cli, paths
from lever_desktop.review import approval, drafts, editing, intake, queue
from lever_desktop.review.lifecycle import DraftState


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--basedir", str(paths.basedir()), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


async def test_the_view_names_the_candidate_and_the_interviewer_as_author(store):
    await intake.receive_draft(store, draft_doc(), source="file")
    view = await store.call(editing.draft_view, "d-1", "bot@example.com")
    assert isinstance(view, editing.DraftView)
    assert (view.candidate, view.record.state, view.status) == ("Grace Candidate", "received", "received")
    assert view.author == "Ana Interviewer — the interviewer" and view.author_id == "u-ana"
    assert view.service_author == "Feedback Bot <bot@example.com>"
    assert view.template is not None and view.template["id"] == "tpl-every" and not view.template_drifted
    assert view.withdraw_question is None and view.own_feedback == []
    assert await store.call(editing.draft_view, "nope", None) is None


async def test_an_unknown_interviewer_is_a_problem_to_show_not_an_error(store):
    await intake.receive_draft(store, draft_doc(interviewerEmail="nobody@example.com"), source="file")
    view = await store.call(editing.draft_view, "d-1", None)
    assert view.author is None and view.author_id is None and "nobody@example.com" in view.author_problem


async def test_saving_edits_opens_the_draft_and_keeps_them(store):
    await intake.receive_draft(store, draft_doc(), source="file")
    await store.call(editing.save_values, "d-1", {"f-overall": "2 - No Hire"}, "ana")
    rec = await store.call(drafts.get, "d-1")
    assert rec.state == DraftState.IN_REVIEW and rec.current_values() == {"f-overall": "2 - No Hire"}
    outcome = await store.call(editing.draft_outcome, "d-1")
    assert (outcome.record.state, outcome.status) == ("in_review", "in_review")


def test_drafts_discard_from_the_cli_records_who_and_is_final(store, capsys, tmp_path):
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps([draft_doc("d-1"), draft_doc("d-2")]), encoding="utf-8")
    assert _cli(capsys, "drafts", "import", "--offline", str(path))[0] == 0

    code, out, err = _cli(capsys, "drafts", "discard", "d-1", "--reviewer", "ana", "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["state"] == "discarded"
    last = store.call_sync(drafts.audit_trail, "d-1")[-1]
    assert (last["event"], last["actor"], last["from"], last["to"]) == ("discarded", "ana", "received", "discarded")
    code, out, _ = _cli(capsys, "drafts", "list", "--state", "discarded", "--json")
    assert [d["draftId"] for d in json.loads(out)["drafts"]] == ["d-1"]

    code, out, _ = _cli(capsys, "drafts", "discard", "d-2")
    assert code == 0 and out.strip() == "Discarded draft d-2; it will not be sent to Lever."

    # Twice, or an id nobody knows: one line on stderr, exit 1, nothing written.
    code, out, err = _cli(capsys, "drafts", "discard", "d-1")
    assert (code, out) == (1, "") and err == "lever-desktop: Draft d-1 is already discarded.\n"
    assert len(store.call_sync(drafts.audit_trail, "d-1")) == 2
    code, _, err = _cli(capsys, "drafts", "discard", "d-none")
    assert code == 1 and err == "lever-desktop: No draft with id d-none.\n"


async def test_a_draft_in_flight_cannot_be_discarded(store):
    await intake.receive_draft(store, draft_doc(), source="file")
    await approval.approve(store, "d-1", reviewer="ana")
    assert await store.call(queue.claim, "d-1", drafts.now_ms())  # the POST may be on its way
    with pytest.raises(editing.DiscardError, match="^Draft d-1 is submitting; it cannot become discarded"):
        await store.call(editing.discard, "d-1", "ana")
    assert (await store.call(drafts.get, "d-1")).state == DraftState.SUBMITTING


async def test_relink_reassesses_a_stored_draft_against_the_cache_and_stores_its_flags(store):
    await intake.receive_draft(store, draft_doc(), source="file")
    received = await store.call(drafts.get, "d-1")
    stale = [{"code": "stale", "message": "a flag from before the last sync"}]
    await store.call(lambda conn: drafts.update_fields(conn, "d-1", flags_json=drafts.dumps(stale)))
    flags = await intake.relink(store, "d-1")
    relinked = await store.call(drafts.get, "d-1")
    assert relinked.flags == flags == received.flags and relinked.panel_id == received.panel_id
