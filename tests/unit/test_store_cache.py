"""Cache repositories: what sync writes is what the UI reads, and time never runs backwards."""

from __future__ import annotations

import pytest

from lever_desktop.store import Store, cache
from lever_desktop.store.candidates import CandidateFilter, candidate_ids


@pytest.fixture
def store():
    s = Store.open()
    yield s
    s.close()


def opp(oid: str, updated: int | None, **extra):
    return {
        "id": oid,
        "name": extra.pop("name", f"Candidate {oid}"),
        "emails": [f"{oid}@Example.com"],
        "phones": [{"type": "mobile", "value": "+1"}],
        "stage": {"id": "lead-new", "text": "New lead"},
        "owner": "u1",
        "contact": "c-" + oid,
        "tags": ["python"],
        "sources": ["LinkedIn"],
        "applications": [{"id": "a-" + oid, "posting": "p1"}],
        "archived": None,
        "createdAt": 1,
        "updatedAt": updated,
        **extra,
    }


def test_an_older_record_never_overwrites_a_newer_one(store):
    assert store.call_sync(cache.upsert_opportunities, [opp("o1", 200, name="New name")], 1) == 1
    assert store.call_sync(cache.upsert_opportunities, [opp("o1", 100, name="Stale name")], 2) == 0
    assert store.call_sync(cache.get_opportunity, "o1").summary.name == "New name"
    assert store.call_sync(cache.upsert_opportunities, [opp("o1", 300, name="Newest")], 3) == 1
    assert store.call_sync(cache.get_opportunity, "o1").summary.name == "Newest"


def test_within_one_page_the_newest_duplicate_wins(store):
    store.call_sync(cache.upsert_opportunities, [opp("o1", 300, name="B"), opp("o1", 100, name="A")], 1)
    assert store.call_sync(cache.get_opportunity, "o1").summary.name == "B"


def test_unexpanded_applications_keep_the_known_postings(store):
    store.call_sync(cache.upsert_opportunities, [opp("o1", 1)], 1)
    store.call_sync(cache.upsert_opportunities, [opp("o1", 2, applications=["a-o1"])], 2)
    assert store.call_sync(cache.get_opportunity, "o1").summary.posting_ids == ("p1",)
    store.call_sync(cache.upsert_opportunities, [opp("o1", 3, applications=[{"posting": {"id": "p2"}}])], 3)
    assert store.call_sync(cache.get_opportunity, "o1").summary.posting_ids == ("p2",)


def test_list_filters_and_counts(store):
    store.call_sync(cache.upsert_stages, [{"id": "lead-new", "text": "New lead"}, {"id": "s2", "text": "Onsite"}], 1)
    records = [opp(f"o{i}", 1000 + i) for i in range(30)]
    records[3] = opp("o3", 1003, name="Zoë Ångström", stage="s2", owner={"id": "u2"})
    records[4] = opp("o4", 1004, archived={"reason": "r1", "archivedAt": 5})
    records[5] = opp("o5", 1005, applications=[{"posting": "p9"}])
    store.call_sync(cache.upsert_opportunities, records, 1)

    def ids(**f) -> list[str]:
        return store.call_sync(candidate_ids, CandidateFilter(**f))

    active = ids()
    assert len(active) == 29 and active[0] == "o29"  # newest first
    assert store.call_sync(cache.get_opportunity, "o29").summary.stage_text == "New lead"
    assert ids(archived="archived") == ["o4"]
    assert len(ids(archived="any")) == 30
    assert ids(stage_id="s2") == ["o3"]
    assert ids(owner_id="u2") == ["o3"]
    assert ids(posting_id="p9") == ["o5"]
    assert ids(text="ångström") == ["o3"]
    assert ids(text="O12@EXAMPLE") == ["o12"]
    assert ids(text="100%_") == []  # LIKE's wildcards are only characters here


def test_details_hold_interviews_interviewers_and_live_feedback(store):
    store.call_sync(cache.upsert_opportunities, [opp("o1", 1)], 1)
    panel = {
        "id": "pa1",
        "start": 10,
        "interviews": [
            {
                "id": "i1",
                "subject": "Onsite",
                "feedbackTemplate": "t1",
                "interviewers": [{"id": "u1", "email": "Ada@Example.com", "name": "Ada"}],
            }
        ],
    }
    interviews = [
        {
            "id": "i1",
            "panel": "pa1",
            "date": 50,
            "duration": 60,
            "interviewers": [{"id": "u1", "email": "Ada@Example.com"}],
        }
    ]
    feedback = [
        {"id": "f1", "baseTemplateId": "t1", "user": {"id": "u1"}, "interview": "i1", "completedAt": 9},
        {"id": "f2", "deletedAt": 5},
    ]
    assert store.call_sync(cache.replace_opportunity_details, "o1", [panel], interviews, feedback, 7)
    detail = store.call_sync(cache.get_opportunity, "o1")
    assert detail.details_synced_at == 7 and [p["id"] for p in detail.panels] == ["pa1"]
    (i1,) = detail.interviews
    assert (i1.panel_id, i1.date, i1.subject, i1.feedback_template_id) == ("pa1", 50, "Onsite", "t1")
    assert [(p.user_id, p.email) for p in i1.interviewers] == [("u1", "Ada@Example.com")]
    assert [(f.id, f.user_id) for f in detail.feedback] == [("f1", "u1")]
    assert not store.call_sync(cache.replace_opportunity_details, "nope", [], [], [], 7)


def test_tombstones_delete_with_children_and_block_resurrection(store):
    store.call_sync(cache.upsert_opportunities, [opp("o1", 1), opp("o2", 1)], 1)
    store.call_sync(cache.replace_opportunity_details, "o1", [{"id": "pa1"}], [], [{"id": "f1"}], 2)
    assert store.call_sync(cache.apply_tombstones, [{"id": "o1", "deletedAt": 9, "deletedBy": "u1"}], 3) == 1
    assert store.call_sync(cache.get_opportunity, "o1") is None
    assert store.call_sync(lambda c: c.exec_driver_sql("select count(*) from feedback").scalar()) == 0
    assert store.call_sync(cache.upsert_opportunities, [opp("o1", 99)], 4) == 0  # a late page
    assert store.call_sync(cache.count_opportunities) == 1


def test_templates_are_kept_by_version(store):
    v1 = {"id": "t1", "text": "Onsite", "updatedAt": 1, "fields": [{"id": "f", "type": "text", "text": "Notes"}]}
    v2 = {**v1, "updatedAt": 2, "fields": [{"id": "f", "type": "textarea", "text": "Notes"}]}
    nofb = {"id": "t0", "text": "No Feedback", "fields": []}
    assert store.call_sync(cache.upsert_templates, [v1, nofb], 10) == 2
    first = store.call_sync(cache.current_template, "t1")
    assert store.call_sync(cache.upsert_templates, [v1], 20) == 0  # same definition, same version
    assert store.call_sync(cache.current_template, "t1").fetched_at == 20
    assert store.call_sync(cache.upsert_templates, [v2], 30) == 1
    now = store.call_sync(cache.current_template, "t1")
    assert now.version != first.version and now.fields[0]["type"] == "textarea"
    old = store.call_sync(cache.template_version, "t1", first.version)
    assert old.fields[0]["type"] == "text" and not old.current
    assert [t.template_id for t in store.call_sync(cache.list_templates)] == ["t1"]
    assert store.call_sync(cache.current_template, "t0").is_no_feedback


def test_superseded_template_versions_no_draft_needs_are_purged_after_30_days(store):
    day = 86_400_000
    now = 100 * day

    def versions(template_id: str, old_at: int) -> tuple[str, str]:
        """Two versions of ``template_id``: the first confirmed at ``old_at``, then superseded."""
        v1 = {"id": template_id, "text": "Onsite", "fields": [{"id": "f", "type": "text", "text": "Notes"}]}
        v2 = {**v1, "fields": [{"id": "f", "type": "textarea", "text": "Notes"}]}
        store.call_sync(cache.upsert_templates, [v1], old_at)
        first = store.call_sync(cache.current_template, template_id).version
        store.call_sync(cache.upsert_templates, [v2], old_at + 1)
        return first, store.call_sync(cache.current_template, template_id).version

    stale, current = versions("t-stale", now - 40 * day)
    kept_by_draft, _ = versions("t-draft", now - 40 * day)
    recent, _ = versions("t-recent", now - 20 * day)
    store.call_sync(
        lambda c: c.exec_driver_sql(
            "INSERT INTO drafts (draft_id, state, source, opportunity_id, template_id, template_version,"
            " interviewer_email, document, received_at, updated_at)"
            " VALUES ('d1', 'in_review', 'file', 'o1', 't-draft', ?, 'x@example.com', '{}', 1, 1)",
            (kept_by_draft,),
        )
    )

    assert store.call_sync(cache.purge_template_versions, now, 30) == 1
    assert store.call_sync(cache.template_version, "t-stale", stale) is None
    assert store.call_sync(cache.template_version, "t-stale", current).current  # current: always kept, however old
    assert store.call_sync(cache.template_version, "t-draft", kept_by_draft) is not None  # a draft reads it
    assert store.call_sync(cache.template_version, "t-recent", recent) is not None  # superseded 20 days ago


def test_users_by_email_ignore_case_and_prefer_active(store):
    store.call_sync(
        cache.upsert_users,
        [
            {"id": "u0", "email": "ada@example.com", "deactivatedAt": 5},
            {"id": "u1", "email": "Ada@Example.com", "name": "Ada"},
        ],
        1,
    )
    assert [u.id for u in store.call_sync(cache.users_by_email, "ADA@example.COM ")] == ["u1", "u0"]
    assert store.call_sync(cache.get_user, "u0").active is False


def test_webhook_deliveries_deduplicate_and_expire(store):
    day = 86_400_000
    assert store.call_sync(lambda c: cache.record_webhook_delivery(c, "tok", "{}", "accepted", 0, event="x"))
    assert not store.call_sync(lambda c: cache.record_webhook_delivery(c, "tok", "{}", "accepted", 1))
    store.call_sync(
        lambda c: cache.record_webhook_delivery(c, "t2", "{}", "rejected", 20 * day, reason="bad signature")
    )
    assert store.call_sync(cache.purge_webhook_deliveries, 31 * day) == 1
    assert store.call_sync(cache.purge_webhook_deliveries, 31 * day) == 0


def test_sync_state_round_trips_json(store):
    store.call_sync(cache.set_state, "watermark:opportunities", {"at": 5}, 1)
    store.call_sync(cache.set_state, "watermark:opportunities", {"at": 6}, 2)
    assert store.call_sync(cache.get_state, "watermark:opportunities") == {"at": 6}
    assert store.call_sync(cache.states, "watermark:") == {"watermark:opportunities": {"at": 6}}
    assert store.call_sync(cache.get_state, "missing", 0) == 0


def test_a_record_without_updated_at_never_replaces_a_dated_one(store):
    store.call_sync(cache.upsert_opportunities, [opp("o1", 50, name="Dated")], 1)
    assert store.call_sync(cache.upsert_opportunities, [opp("o1", None, name="Undated")], 2) == 0
    assert store.call_sync(cache.get_opportunity, "o1").summary.name == "Dated"


def test_postings_never_go_back_in_time(store):
    store.call_sync(cache.upsert_postings, [{"id": "p1", "text": "New title", "updatedAt": 9}], 1)
    store.call_sync(cache.upsert_postings, [{"id": "p1", "text": "Old title", "updatedAt": 3}], 2)
    assert [p.text for p in store.call_sync(cache.list_postings)] == ["New title"]
