"""What the drafter decides before anything is sent: the template, the author, the context — and
that a missing opportunity, interview or template stops it with one sentence, sending nothing."""

from __future__ import annotations

import json

import pytest
from helpers.review_seed import TEMPLATE, put_template

from lever_desktop import config
from lever_desktop.drafting.drafter import (
    DraftingError,
    draft_interview,
    preview_request,
)
from lever_desktop.drafting.providers import Provider
from lever_desktop.drafting.transcript import Line, Transcript
from lever_desktop.session import Session
from lever_desktop.store import schema

TRANSCRIPT = Transcript((Line(0, "Ana", "Hello Grace."), Line(4000, "Grace", "Hi Ana.")))
PHONE = {
    "id": "tpl-phone",
    "text": "Phone screen",
    "fields": [{"id": "p-overall", "type": "score-system", "text": "Overall", "required": True}],
}
SCORECARD = {
    "id": "tpl-card",
    "text": "Scorecard",
    "fields": [{"id": "c-notes", "type": "textarea", "text": "Notes", "required": True}],
}
# Nothing listens here: a test that reached the provider would fail with "Cannot reach".
NOWHERE = Provider("anthropic", "claude-test", base_url="http://127.0.0.1:9", api_key="k", max_retries=0, timeout=1)


def session_of(store, reviewer="someone@example.com") -> Session:
    return Session(settings=config.Settings(), store=store, reviewer=reviewer)


async def sent(store, reviewer="someone@example.com", **options) -> dict:
    options.setdefault("interview_id", "int-1")
    text = await preview_request(
        session_of(store, reviewer), opportunity_id="opp-1", transcript=TRANSCRIPT, provider=NOWHERE, **options
    )
    return json.loads(text)


def asked(request: dict) -> list[str]:
    return [
        e["properties"]["id"]["const"]
        for e in request["tools"][0]["input_schema"]["properties"]["fields"]["items"]["anyOf"]
    ]


def templates(conn, interview: str | None = None, interviewer: str | None = None) -> None:
    if not conn.execute(
        schema.feedback_templates.select().where(schema.feedback_templates.c.template_id == "tpl-phone")
    ).first():
        put_template(conn, PHONE, "p1")
        put_template(conn, SCORECARD, "c1")
    conn.execute(schema.interviews.update().values(feedback_template_id=interview))
    conn.execute(schema.interview_interviewers.update().values(feedback_template_id=interviewer))


async def test_the_only_template_is_the_default(store):
    assert asked(await sent(store)) == [f["id"] for f in TEMPLATE["fields"]]


async def test_the_interviewers_template_wins_over_the_interviews(store):
    store.call_sync(templates, "tpl-phone", "tpl-card")
    assert asked(await sent(store)) == ["c-notes"]
    store.call_sync(templates, "tpl-phone", None)
    assert asked(await sent(store)) == ["p-overall"]
    assert asked(await sent(store, template_id="tpl-every")) == [f["id"] for f in TEMPLATE["fields"]]  # asked for


async def test_several_templates_and_none_named_asks_to_choose(store):
    store.call_sync(templates)
    with pytest.raises(DraftingError, match="Choose a feedback template"):
        await sent(store)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"interview_id": "int-404"}, "Interview int-404 is not one of opportunity opp-1's interviews in the cache."),
        ({"template_id": "tpl-404"}, "Feedback template tpl-404 is not in the cache; sync, or check the id."),
    ],
)
async def test_what_the_cache_lacks_stops_before_anything_is_sent(store, options, message):
    with pytest.raises(DraftingError) as e:
        await sent(store, **options)
    assert str(e.value) == message
    with pytest.raises(DraftingError):  # the real thing stops there too: the provider is never asked
        await draft_interview(
            session_of(store),
            opportunity_id="opp-1",
            transcript=TRANSCRIPT,
            provider=NOWHERE,
            **{"interview_id": "int-1", **options},
        )


async def test_an_unknown_opportunity(store):
    with pytest.raises(DraftingError, match="Opportunity opp-404 is not in the cache"):
        await preview_request(session_of(store), opportunity_id="opp-404", transcript=TRANSCRIPT, provider=NOWHERE)


async def test_the_context_names_the_interviewer_and_candidate(store):
    user = (await sent(store))["messages"][0]["content"]
    assert "Candidate: Grace Candidate" in user and "Interviewer: Ana Interviewer" in user
    assert "<transcript>\n[00:00:00] Ana: Hello Grace.\n[00:00:04] Grace: Hi Ana.\n</transcript>" in user


def second_interviewer(conn) -> None:
    conn.execute(
        schema.interview_interviewers.insert().values(
            interview_id="int-1", user_id="u-cy", email="cy@example.com", name="Cy Elsewhere"
        )
    )


async def test_the_author_is_the_configured_user_when_on_the_interview_else_the_first(store):
    store.call_sync(second_interviewer)
    assert "Interviewer: Cy Elsewhere" in (await sent(store, reviewer="CY@example.com"))["messages"][0]["content"]
    assert "Interviewer: Ana Interviewer" in (await sent(store))["messages"][0]["content"]


def test_an_answer_is_tidied_to_one_entry_per_question_and_float_confidence():
    from lever_desktop.drafting.drafter import _problems, _tidy
    from lever_desktop.drafting.providers import Answer

    answers = [
        {"id": "f-text", "value": "first", "confidence": 1},
        {"id": "f-text", "value": "second"},
        "not an answer",
        {"value": "no id"},
        {"id": "f-overall", "value": "3 - Hire", "confidence": 0.5},
    ]
    assert _tidy(answers, TEMPLATE) == [
        {"id": "f-text", "value": "first", "confidence": 1.0},
        {"id": "f-overall", "value": "3 - Hire", "confidence": 0.5},
    ]
    assert "f-text is answered 2 times; answer each question once" in _problems(TEMPLATE, Answer(fields=answers))
