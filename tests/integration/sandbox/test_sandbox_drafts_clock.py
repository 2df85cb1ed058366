"""AI drafts of completed interviews, the clock, and template drift."""

from __future__ import annotations

import pytest
from helpers.waiting import wait_until
from sandbox_http import client

from lever_desktop.sandbox.validation import check_value, is_required

DRAFT_KEYS = {
    "schema",
    "draftId",
    "opportunityId",
    "templateId",
    "panelId",
    "interviewId",
    "interviewerEmail",
    "createdAt",
    "model",
    "fields",
}


def complete(c, sandbox, **body):
    r = c.post(sandbox.admin_url + "/interviews/complete", json=body)
    assert r.status_code == 200, r.text
    return r.json()


def problems(c, record):
    """(field id, why) for every draft value the current template would refuse, plus missing required ones."""
    draft = record["draft"]
    template = c.get(f"/feedback_templates/{draft['templateId']}").json()["data"]
    by_id = {f["id"]: f for f in template["fields"]}
    out = [
        (v["id"], check_value(by_id[v["id"]], v["value"]))
        for v in draft["fields"]
        if check_value(by_id[v["id"]], v["value"])
    ]
    given = {v["id"] for v in draft["fields"]}
    out += [
        (f["id"], "missing")
        for f in template["fields"]
        if is_required(f)
        and f["id"] not in given
        and f["type"] in ("text", "textarea", "score", "scorecard", "score-system", "dropdown", "yes-no")
    ]
    return out


def test_a_clean_draft_is_valid_and_complete(sandbox):
    with client(sandbox) as c:
        record = complete(c, sandbox, flaw=None)
        draft = record["draft"]
        assert set(draft) == DRAFT_KEYS and draft["schema"] == "lever-desktop/draft@1"
        assert record["flaws"] == [] and problems(c, record) == []
        for f in draft["fields"]:
            assert 0 <= f["confidence"] <= 1 and f["rationale"]
            assert f["evidence"] and all(
                isinstance(e["quote"], str) and isinstance(e["atMs"], int) for e in f["evidence"]
            )
        ivs = c.get(f"/opportunities/{draft['opportunityId']}/interviews").json()["data"]
        iv = next(i for i in ivs if i["id"] == draft["interviewId"])
        assert draft["interviewerEmail"] in {p["email"] for p in iv["interviewers"]}
        assert draft["panelId"] == iv["panel"] and draft["templateId"] == iv["feedbackTemplate"]
        assert c.get(sandbox.admin_url + "/drafts").json() == [record]


@pytest.mark.parametrize("flaw", ["option-case", "score-out-of-range", "missing-required"])
def test_deliberate_flaws_are_caught_by_validation(sandbox, flaw):
    with client(sandbox) as c:
        record = complete(c, sandbox, flaw=flaw)
        assert [f["kind"] for f in record["flaws"]] == [flaw]
        assert record["flaws"][0]["field"] in {p[0] for p in problems(c, record)}


def test_drafts_are_deterministic_from_the_seed(sandbox_factory):
    def drafts_of(server):
        with client(server) as c:
            out = [complete(c, server) for _ in range(8)]
        for r in out:
            r["draft"].pop("createdAt")
            for f in r["draft"]["fields"]:
                if isinstance(f["value"], int) and f["value"] > 10**11:  # dates are relative to now
                    f["value"] = "date"
        return out

    a, b = drafts_of(sandbox_factory(seed=9)), drafts_of(sandbox_factory(seed=9))
    assert a == b
    assert any(r["flaws"] for r in a) and any(not r["flaws"] for r in a)


def test_completing_moves_the_interview_into_the_past(sandbox):
    with client(sandbox) as c:
        upcoming = c.get(sandbox.admin_url + "/interviews/upcoming").json()
        first = upcoming[0] if upcoming else None
        record = complete(c, sandbox)
        if first:
            assert record["draft"]["interviewId"] == first["interviewId"]
        after = c.get(sandbox.admin_url + "/interviews/upcoming").json()
        assert record["draft"]["interviewId"] not in {u["interviewId"] for u in after}


def test_scheduling_creates_an_interview(sandbox):
    with client(sandbox) as c:
        r = c.post(sandbox.admin_url + "/interviews/schedule", json={}).json()
        ids = {i["id"] for i in c.get(f"/opportunities/{r['opportunityId']}/interviews").json()["data"]}
        assert {iv["id"] for iv in r["panel"]["interviews"]} <= ids


def test_the_clock_completes_interviews_by_itself(sandbox_factory):
    s = sandbox_factory(clock=0.05)
    with client(s) as c:
        drafts = wait_until(
            lambda: len(c.get(s.admin_url + "/drafts").json()) >= 3 and c.get(s.admin_url + "/drafts").json()
        )
        assert len({d["draft"]["interviewId"] for d in drafts}) == len(drafts)


@pytest.mark.logs_warnings("the sandbox logs the form it rejects")
def test_template_drift_makes_a_new_version(sandbox):
    with client(sandbox) as c:
        ex = c.get(sandbox.admin_url + "/examples").json()
        tid = ex["everyFieldTypeTemplateId"]
        before = c.get(f"/feedback_templates/{tid}").json()["data"]
        after = c.post(sandbox.admin_url + "/templates/drift", json={"templateId": tid}).json()
        assert after["updatedAt"] > before["updatedAt"]
        assert c.get(f"/feedback_templates/{tid}").json()["data"] == after
        old_ids = {f["id"] for f in before["fields"]}
        new_ids = {f["id"] for f in after["fields"]}
        assert old_ids != new_ids
        removed = old_ids - new_ids
        old_text = [o["text"] for f in before["fields"] for o in f.get("options") or []]
        new_text = [o["text"] for f in after["fields"] for o in f.get("options") or []]
        assert old_text != new_text
        # A value for a field the current version no longer has is refused.
        iv = ex["everyFieldTypeInterview"]
        fid = next(iter(removed))
        r = c.post(
            f"/opportunities/{iv['opportunityId']}/feedback",
            params={"perform_as": iv["interviewerId"]},
            json={"baseTemplateId": tid, "fieldValues": [{"id": fid, "value": "x"}]},
        )
        assert r.status_code == 400
        assert (
            c.post(sandbox.admin_url + "/templates/drift", json={"templateId": ex["noFeedbackTemplateId"]}).status_code
            == 404
        )
