"""Feedback due: which interviews still wait for a form, when it is due, and writing one by hand.

The cache is filled through the same functions a sync uses, with records shaped as Lever sends them.
"""

from __future__ import annotations

import dataclasses

import pytest
from helpers.review_seed import NOW, TEMPLATE

from lever_desktop.review import drafts, due, editing, manual
from lever_desktop.review.due import DueFilter
from lever_desktop.store import cache

HOUR = 3_600_000
ANA = {"id": "u-ana", "email": "ana@example.com", "name": "Ana Interviewer"}
CY = {"id": "u-cy", "email": "cy@example.com", "name": "Cy Elsewhere"}


def interview(iid, start, people, *, reminder=None, canceled=None, minutes=60, template="tpl-every", postings=None):
    out = {
        "id": iid,
        "date": start,
        "duration": minutes,
        "subject": f"Interview {iid}",
        "interviewers": people,
        "feedbackTemplate": template,
        "canceledAt": canceled,
    }
    if reminder is not None:
        out["feedbackReminder"] = reminder
    if postings is not None:
        out["postings"] = postings
    return out


def form(fid, iid, user, at=NOW - HOUR):
    return {
        "id": fid,
        "type": "interview",
        "baseTemplateId": "tpl-every",
        "user": user,
        "panel": "pan-9",
        "interview": iid,
        "createdAt": at,
        "completedAt": at,
        "fields": [],
    }


def put(store, oid, interviews, feedback=(), *, archived=False, panel_canceled=None, name="Ada Lovelace"):
    record = {
        "id": oid,
        "name": name,
        "createdAt": NOW - 40 * 24 * HOUR,
        "updatedAt": NOW - HOUR,
        "lastInteractionAt": NOW - HOUR,
        "applications": [{"posting": "post-1"}],
    }
    if archived:
        record["archived"] = {"reason": "r-1", "archivedAt": NOW - HOUR}
    panel = {
        "id": f"pan-{oid}",
        "start": NOW - 10 * 24 * HOUR,
        "canceledAt": panel_canceled,
        "interviews": [{**i, "panel": f"pan-{oid}"} for i in interviews],
    }
    store.call_sync(cache.upsert_postings, [{"id": "post-1", "text": "Backend Engineer", "updatedAt": NOW}], NOW)
    store.call_sync(cache.upsert_opportunities, [record], NOW)
    assert store.call_sync(cache.replace_opportunity_details, oid, [panel], [], list(feedback), NOW)


def rows(store, now=NOW, **where):
    return store.call_sync(lambda c: due.feedback_due(c, now, default_hours=24, where=DueFilter(**where)))


def test_each_interviewer_without_a_form_is_one_row_oldest_first_with_due_and_overdue(store):
    put(
        store,
        "opp-a",
        [
            interview("i-old", NOW - 3 * 24 * HOUR, [ANA, CY]),
            interview("i-new", NOW - 5 * HOUR, [ANA], reminder="frequently"),
            interview("i-soon", NOW - 2 * HOUR, [CY], reminder="daily"),
        ],
    )
    got = rows(store)
    assert [(r.interview_id, r.interviewer_id) for r in got] == [
        ("i-old", "u-ana"),
        ("i-old", "u-cy"),
        ("i-new", "u-ana"),
        ("i-soon", "u-cy"),
    ]
    old, _, new, soon = got
    # No reminder setting: the default hours after the interview's end; "frequently": Lever's 6 h.
    assert old.due_at == NOW - 3 * 24 * HOUR + HOUR + 24 * HOUR and old.overdue and old.marker == "Overdue"
    assert new.due_at == NOW - 5 * HOUR + HOUR + 6 * HOUR and not new.overdue and new.marker == "Due"
    assert soon.due_at == NOW - HOUR + 24 * HOUR and not soon.overdue
    assert due.describe_due(old, NOW) == "Overdue by 1 d" and due.describe_due(new, NOW) == "Due in 2 h"
    assert old.candidate == "Ada Lovelace" and old.posting == "Backend Engineer" and old.template_id == "tpl-every"


def test_a_form_from_that_interviewer_for_that_interview_removes_only_their_row(store):
    put(
        store,
        "opp-a",
        [interview("i-1", NOW - 30 * HOUR, [ANA, CY])],
        feedback=[form("fb-1", "i-1", "u-ana"), form("fb-2", "i-other", "u-cy")],
    )
    assert [r.interviewer_id for r in rows(store)] == ["u-cy"]  # Cy's form is for another interview


def test_cancelled_future_running_archived_and_old_interviews_are_not_due(store):
    put(
        store,
        "opp-a",
        [
            interview("i-cancelled", NOW - 30 * HOUR, [ANA], canceled=NOW - 40 * HOUR),
            interview("i-future", NOW + 2 * HOUR, [ANA]),
            interview("i-running", NOW - 30 * 60_000, [ANA], minutes=60),
            interview("i-ancient", NOW - 60 * 24 * HOUR, [ANA]),
            interview("i-due", NOW - 30 * HOUR, [ANA]),
        ],
    )
    put(store, "opp-b", [interview("i-panel-cancelled", NOW - 30 * HOUR, [ANA])], panel_canceled=NOW - 50 * HOUR)
    put(store, "opp-c", [interview("i-archived", NOW - 30 * HOUR, [ANA])], archived=True)
    assert [r.interview_id for r in rows(store)] == ["i-due"]


def test_filters_interviewer_posting_and_mine(store):
    put(
        store,
        "opp-a",
        [interview("i-1", NOW - 30 * HOUR, [ANA, CY]), interview("i-2", NOW - 20 * HOUR, [CY], postings=["post-2"])],
    )
    assert [r.key for r in rows(store, interviewer_id="u-cy")] == ["i-1/u-cy", "i-2/u-cy"]
    assert [r.key for r in rows(store, posting_id="post-2")] == ["i-2/u-cy"]
    assert [r.key for r in rows(store, posting_id="post-1")] == ["i-1/u-ana", "i-1/u-cy"]
    assert [r.key for r in rows(store, mine_email="ANA@Example.com ")] == ["i-1/u-ana"]
    choices = due.choices(rows(store))
    assert choices["interviewer"] == [("u-ana", "Ana Interviewer"), ("u-cy", "Cy Elsewhere")]
    assert choices["posting"] == [("post-1", "Backend Engineer"), ("post-2", "post-2")]


def test_the_interviews_posting_as_an_id_or_expanded_else_the_candidates(store):
    put(
        store,
        "opp-a",
        [
            interview("i-id", NOW - 30 * HOUR, [ANA], postings=["post-2"]),
            interview("i-obj", NOW - 29 * HOUR, [ANA], postings=[{"id": "post-3", "text": "Ops"}]),
            interview("i-none", NOW - 28 * HOUR, [ANA]),
        ],
    )
    assert [r.posting_id for r in rows(store)] == ["post-2", "post-3", "post-1"]


async def test_write_feedback_creates_one_blank_draft_then_opens_it_again(store):
    put(store, "opp-a", [interview("i-1", NOW - 30 * HOUR, [ANA])])
    row = rows(store)[0]
    draft_id = await manual.write_feedback(store, row)
    assert await manual.write_feedback(store, row) == draft_id  # asked twice: the same draft
    rec = store.call_sync(drafts.get, draft_id)
    assert rec.source == "manual" and rec.state == "received" and rec.interview_id == "i-1"
    assert rec.document["model"] is None and rec.document["fields"] == []
    assert rec.template["id"] == TEMPLATE["id"]
    # Nothing of an AI's to check: only the questions Lever requires an answer to are pointed out.
    required = {f["id"] for f in TEMPLATE["fields"] if f.get("required")}
    assert {(f["code"], f["fieldId"]) for f in rec.flags} == {("invalid_value", fid) for fid in required}
    assert rec.panel_id == "pan-opp-a"  # completed from the cached interview: Lever takes both
    # The row stays, now pointing at the draft in review; a discarded draft frees the slot.
    assert rows(store)[0].draft_id == draft_id
    store.call_sync(editing.discard, draft_id, "reviewer@example.com")
    assert rows(store)[0].draft_id is None
    again = await manual.write_feedback(store, rows(store)[0])
    assert again != draft_id and again.endswith(":1")


def test_a_slot_without_a_form_or_an_email_says_what_to_do():
    row = due.DueRow(
        key="i/u",
        opportunity_id="o",
        candidate=None,
        interview_id="i",
        panel_id=None,
        subject=None,
        interviewer_id="u",
        interviewer="Ana",
        interviewer_email=None,
        date=1,
        ended_at=1,
        due_at=1,
        overdue=True,
        reminder=None,
        template_id="t",
        posting_id=None,
        posting=None,
        draft_id=None,
        draft_state=None,
    )
    for broken, words in (
        (row, "no email for Ana"),
        (dataclasses.replace(row, template_id=None), "names no feedback form"),
    ):
        try:
            manual.blank_document(broken, "d", 1)
        except manual.BlankFormError as e:
            assert words in str(e)
        else:
            raise AssertionError("no error")


@pytest.mark.logs_warnings("an odd value in a hand-edited settings file is logged, then replaced")
def test_the_due_settings_default_and_refuse_odd_values_from_a_hand_edited_file(tmp_path):
    import json

    from lever_desktop import config, paths

    paths.settings_path().parent.mkdir(parents=True, exist_ok=True)
    for saved, want in (
        ({}, (24, 30)),
        ({"feedback_due_hours": 6, "feedback_due_lookback_days": 7}, (6, 7)),
        ({"feedback_due_hours": 0, "feedback_due_lookback_days": "30"}, (24, 30)),
        ({"feedback_due_hours": True, "feedback_due_lookback_days": -1}, (24, 30)),
    ):
        paths.settings_path().write_text(json.dumps(saved), encoding="utf-8")
        s = config.Settings.load()
        assert (s.feedback_due_hours, s.feedback_due_lookback_days) == want


async def test_a_form_sent_from_here_fills_the_slot_while_it_is_amended_or_withdrawn_until_withdrawn(store):
    """Seen in the sandbox: amending a submitted form put its interview back on Feedback due (10 -> 11), as
    if the interviewer owed it, while Lever held the form all along."""
    from lever_desktop.review.lifecycle import DraftState as S

    put(store, "opp-a", [interview("i-1", NOW - 30 * HOUR, [ANA]), interview("i-2", NOW - 29 * HOUR, [ANA])])
    amended, withdrawn = [await manual.write_feedback(store, row) for row in rows(store)]

    def due() -> dict[str, str | None]:
        return {r.interview_id: r.draft_state for r in rows(store)}

    def to(draft_id: str, *states: S) -> None:
        for state in states:
            fid = {"lever_feedback_id": f"fb-{draft_id}"} if state == S.SUBMITTED else {}
            store.call_sync(lambda c, s=state, f=fid: drafts.transition(c, draft_id, s, actor="t", event="t", **f))

    to(amended, S.APPROVED, S.SUBMITTING)
    assert due() == {"i-1": "submitting", "i-2": "received"}  # not known in Lever yet: still due
    to(amended, S.SUBMITTED)
    to(withdrawn, S.APPROVED, S.SUBMITTING, S.SUBMITTED)
    assert due() == {}
    to(amended, S.AMENDING)
    to(withdrawn, S.WITHDRAWING)
    assert due() == {}  # the old code: both due again
    to(amended, S.AMEND_QUEUED, S.NEEDS_ATTENTION)  # Lever refused the amendment: the form it holds stays
    assert due() == {}
    to(withdrawn, S.WITHDRAWN)
    assert due() == {"i-2": None}  # withdrawn from Lever: the slot is open again, for a new draft
