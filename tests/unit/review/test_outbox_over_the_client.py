"""The outbox over the real client (respx stands in for Lever and records each raw path).

Ids from a draft or from Lever's answers never change the path a request goes to (issue #17.8):
a draft names its opportunity (a compromised pipeline can forge it), and the form id comes
from Lever's answer; both go into the outbox's requests. Over the real client (respx stands
in for Lever), an id like ``../users`` or
``a/b?c`` stays one quoted segment: the POST, the reads around it and the DELETE of a
withdrawal all reach the opportunity's feedback, nothing else.

Lever's answers are read through the typed ``Feedback``: a 2xx answer that names no form is
found by the reads that follow, never recorded under a made-up id nor sent again.
"""

from __future__ import annotations

import json

import httpx
import pytest
from helpers.review_seed import NOW, draft_doc

from lever_desktop.lever.client import LeverClient
from lever_desktop.review import amend, approval, drafts, intake, queue
from lever_desktop.review.outbox import Outbox

BASE = "https://api.lever.co/v1"
OPP, FORM = "../users", "a/b?c"
FEEDBACK = b"/v1/opportunities/..%2Fusers/feedback"
ONE_FORM = FEEDBACK + b"/a%2Fb%3Fc"


@pytest.fixture
async def client():
    c = LeverClient("lk_test_9f8e7d6c5b4a39281706", base_url=BASE)
    yield c
    await c.aclose()


class RecordingLever:
    """Answers the outbox as Lever would for one opportunity, and records each raw path."""

    def __init__(self, feedback: bytes = FEEDBACK, *, answer_names_form: bool = True) -> None:
        self.feedback, self.one_form = feedback, feedback + b"/a%2Fb%3Fc"
        self.requests: list[tuple[str, bytes]] = []
        self.form: dict | None = None
        self.answer_names_form = answer_names_form

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.raw_path.split(b"?")[0]
        self.requests.append((request.method, path))
        if request.method == "POST" and path == self.feedback:
            sent = json.loads(request.content)
            self.form = {
                "id": FORM,
                "baseTemplateId": sent["baseTemplateId"],
                "user": "u-ana",
                "panel": sent.get("panel"),
                "interview": sent.get("interview"),
                "completedAt": sent["completedAt"],
                "createdAt": NOW,
                "fields": sent["fieldValues"],
            }
            return httpx.Response(201, json={"data": self.form if self.answer_names_form else {}})
        if request.method == "GET" and path == self.feedback:
            listed = [self.form] if self.form and not self.answer_names_form else []  # else: not listed yet
            return httpx.Response(200, json={"data": listed, "hasNext": False})
        if request.method == "GET" and path == self.one_form and self.form:
            return httpx.Response(200, json={"data": self.form})
        if request.method == "DELETE" and path == self.one_form:
            return httpx.Response(204)
        return httpx.Response(404, json={"code": "ResourceNotFound", "message": "Not found"})


async def test_a_forged_opportunity_id_and_an_odd_form_id_stay_one_segment(store, client, respx_mock):
    lever = RecordingLever()
    respx_mock.route().mock(side_effect=lever)
    doc = draft_doc("d-forged", opportunityId=OPP, panelId=None, interviewId=None)
    await intake.receive_draft(store, doc, source="test")  # an unknown opportunity is a flag, not a refusal
    await approval.approve(store, "d-forged", reviewer="rita", now=NOW)
    box = Outbox(store, client, clock=lambda: NOW + 1_000)

    report = await box.flush()
    assert report.submitted == ["d-forged"]
    rec = await store.call(drafts.get, "d-forged")
    assert (rec.state, rec.lever_feedback_id) == ("submitted", FORM)
    assert rec.readback["differences"] == []  # read back at the form's own quoted path, and it matched

    await amend.withdraw(store, "d-forged", reviewer="rita")
    assert (await box.flush()).withdrawn == ["d-forged"]

    assert lever.requests == [
        ("GET", FEEDBACK),  # the author's own forms, just before sending
        ("POST", FEEDBACK),
        ("GET", FEEDBACK),  # read back: not listed yet ...
        ("GET", ONE_FORM),  # ... so the one form is read by its id
        ("DELETE", ONE_FORM),
    ]


@pytest.mark.logs_warnings("an answer naming no form is logged")
async def test_a_stored_form_whose_answer_names_no_form_is_read_back_not_sent_again(store, client, respx_mock):
    lever = RecordingLever(b"/v1/opportunities/opp-1/feedback", answer_names_form=False)
    respx_mock.route().mock(side_effect=lever)
    await intake.receive_draft(store, draft_doc("d-quiet"), source="test")
    await approval.approve(store, "d-quiet", reviewer="rita", now=NOW)
    now = [NOW + 1_000]
    box = Outbox(store, client, clock=lambda: now[0])

    first = await box.flush()
    assert (first.submitted, first.retrying) == ([], ["d-quiet"])
    assert await store.call(queue.status, "d-quiet") == "checking"  # never recorded under a made-up id

    now[0] = await store.call(queue.next_due, ["d-quiet"])
    second = await box.flush()
    assert second.reconciled == ["d-quiet"]
    rec = await store.call(drafts.get, "d-quiet")
    assert (rec.state, rec.lever_feedback_id, rec.readback["differences"]) == ("submitted", FORM, [])
    assert [m for m, _ in lever.requests].count("POST") == 1
