"""The drafter through the real anthropic and openai SDKs against the sandbox model on loopback:
a normal answer becomes a draft in review with verified evidence; every fault gets a clear message,
bounded retries, and nothing half-stored."""

from __future__ import annotations

import pytest

from lever_desktop.drafting.drafter import draft_interview
from lever_desktop.drafting.evidence import normalise
from lever_desktop.drafting.providers import Provider
from lever_desktop.drafting.readers import read_transcript
from lever_desktop.review import drafts


async def draft(session, transcript_file, provider, **options):
    return await draft_interview(
        session,
        opportunity_id="opp-1",
        interview_id="int-1",
        transcript=read_transcript(transcript_file),
        provider=provider,
        **options,
    )


def requests(model) -> list[dict]:
    return [r["body"] for r in model.service.requests_json()["recent"]]


def user_message(body: dict) -> str:
    return body["messages"][-1]["content"]  # Anthropic: the only message; OpenAI: after the system one


def _ids(conn) -> list[str]:
    return [r.draft_id for r in drafts.list_drafts(conn)]


async def test_a_normal_answer_becomes_a_draft_in_review_with_verified_evidence(
    session, transcript_file, provider, sandbox_model
):
    outcome = await draft(session, transcript_file, provider)
    assert outcome.draft_id and outcome.problems == []
    assert (outcome.provider, outcome.model) == (provider.kind, provider.model)
    assert outcome.input_tokens > 0 and outcome.output_tokens > 0
    assert outcome.evidence_kept > 0 and outcome.evidence_dropped == 0
    rec = await session.store.call(drafts.get, outcome.draft_id)
    doc = rec.document
    assert rec.source == "ai" and doc["templateId"] == "tpl-every" and doc["interviewerEmail"] == "ana@example.com"
    assert doc["panelId"] == "pan-1" and doc["model"] == provider.model and doc["provider"] == provider.kind
    assert doc["usage"] == {"inputTokens": outcome.input_tokens, "outputTokens": outcome.output_tokens}
    text = read_transcript(transcript_file)
    for f in doc["fields"]:
        for e in f["evidence"]:  # every quote is in the transcript, at the time of its line
            line = next(li for li in text.lines if normalise(e["quote"]) in normalise(li.text))
            assert e["atMs"] == line.start_ms
    assert not [f for f in rec.flags if f["code"] in ("invalid_value", "evidence_not_found")]
    sent = requests(sandbox_model)
    assert len(sent) == 1 and "<transcript>\n[00:00:04] Ana Interviewer: Thanks" in user_message(sent[0])


async def test_a_paraphrased_quote_is_dropped_and_flagged_in_review(session, transcript_file, provider, sandbox_model):
    sandbox_model.service.paraphrase = True
    outcome = await draft(session, transcript_file, provider)
    assert outcome.draft_id and outcome.evidence_dropped == 1
    rec = await session.store.call(drafts.get, outcome.draft_id)
    flagged = [f for f in rec.flags if f["code"] == "evidence_not_found"]
    assert len(flagged) == 1 and flagged[0]["message"].startswith("Evidence not found in the transcript")
    field = next(f for f in rec.document["fields"] if f["id"] == flagged[0]["fieldId"])
    assert field["evidence"] == [] and field["evidenceNotFound"][0]["quote"].startswith(("They explained", "In their"))
    assert outcome.problems == [flagged[0]["message"]]


@pytest.mark.parametrize("fault", ["invalid-json", "wrong-option", "missing-required", "empty"])
async def test_an_unusable_answer_is_asked_again_once_with_the_problems_named(
    session, transcript_file, provider, sandbox_model, fault
):
    sandbox_model.set_faults(f"{fault},count=1")
    outcome = await draft(session, transcript_file, provider)
    assert outcome.draft_id and outcome.problems == []
    sent = requests(sandbox_model)
    assert len(sent) == 2
    retry_prompt = user_message(sent[1])
    assert "Your previous answer could not be used" in retry_prompt
    expected = {
        "invalid-json": "not valid JSON",
        "wrong-option": "is not one of the options",
        "missing-required": "An answer is required",
        "empty": "empty answer",
    }[fault]
    assert expected in retry_prompt


async def test_a_value_still_wrong_after_the_retry_goes_to_review_flagged_with_its_fix(
    session, transcript_file, provider, sandbox_model
):
    sandbox_model.set_faults("wrong-option")  # every time
    outcome = await draft(session, transcript_file, provider)
    assert outcome.draft_id and len(requests(sandbox_model)) == 2
    rec = await session.store.call(drafts.get, outcome.draft_id)
    wrong = [f for f in rec.flags if f["code"] == "invalid_value"]
    assert len(wrong) == 1 and "is not one of the options" in wrong[0]["message"]
    assert outcome.problems == [wrong[0]["message"]]


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("invalid-json", "not valid JSON"),
        ("empty", "The model sent an empty answer."),
    ],
)
async def test_an_answer_unusable_twice_is_a_clear_error_and_nothing_is_stored(
    session, transcript_file, provider, sandbox_model, fault, message
):
    sandbox_model.set_faults(fault)
    outcome = await draft(session, transcript_file, provider)
    assert outcome.draft_id is None and len(outcome.problems) == 1 and message in outcome.problems[0]
    assert len(requests(sandbox_model)) == 2
    assert await session.store.call(_ids) == []


async def test_a_refusal_is_said_and_not_asked_again(session, transcript_file, provider, sandbox_model):
    sandbox_model.set_faults("refusal")
    outcome = await draft(session, transcript_file, provider)
    assert outcome.draft_id is None
    assert outcome.problems == [
        ("The model declined to draft this feedback: “I can't help with drafting feedback from this conversation.”")
    ]
    assert len(requests(sandbox_model)) == 1 and await session.store.call(_ids) == []


@pytest.mark.parametrize("fault", ["rate-limit=0.01", "overloaded"])
async def test_rate_limits_and_overload_are_retried_by_the_sdk_with_backoff(
    session, transcript_file, provider, sandbox_model, fault
):
    sandbox_model.set_faults(f"{fault},count=2")
    outcome = await draft(session, transcript_file, provider)
    assert outcome.draft_id and len(requests(sandbox_model)) == 3  # two faults, then the answer


@pytest.mark.parametrize(
    ("fault", "message"),
    [
        ("rate-limit=0.01", "is limiting requests (429) (tried 3 times); try again in a minute."),
        ("overloaded", "is overloaded (tried 3 times); try again in a few minutes, or try another provider."),
        ("status=401", "rejected the API key"),
        ("status=404", "does not know the model"),
        ("status=500", "refused the request (HTTP 500)"),
    ],
)
async def test_faults_that_outlast_the_retries_are_one_clear_sentence(
    session, transcript_file, provider, sandbox_model, fault, message
):
    sandbox_model.set_faults(fault)
    outcome = await draft(session, transcript_file, provider)
    assert outcome.draft_id is None and len(outcome.problems) == 1
    assert message in outcome.problems[0] and "test-key" not in outcome.problems[0]
    assert await session.store.call(_ids) == []


async def test_a_model_slower_than_the_timeout_is_given_up_on(session, transcript_file, provider, sandbox_model):
    sandbox_model.set_faults("slow=30")
    quick = Provider(provider.kind, provider.model, provider.base_url, provider.api_key, timeout=0.5, max_retries=1)
    outcome = await draft(session, transcript_file, quick)
    assert outcome.draft_id is None
    assert "did not answer within 0.5 s (tried 2 times)" in outcome.problems[0]
    assert len(requests(sandbox_model)) == 2


async def test_anonymize_sends_no_candidate_name_and_verifies_against_what_was_sent(
    session, transcript_file, provider, sandbox_model
):
    outcome = await draft(session, transcript_file, provider, anonymize=True)
    assert outcome.draft_id and outcome.evidence_dropped == 0
    body = requests(sandbox_model)[0]
    assert "Grace" not in str(body) and "] the candidate: I designed the billing pipeline" in user_message(body)


async def test_claude_on_bedrock_through_its_sdk_signed_with_aws_credentials(
    session, transcript_file, sandbox_model, monkeypatch, tmp_path
):
    for var, value in {
        "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
        "AWS_CONFIG_FILE": str(tmp_path / "none"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "none"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }.items():  # never the instance metadata service
        monkeypatch.setenv(var, value)
    bedrock = Provider(
        "bedrock", "anthropic.claude-test", base_url=sandbox_model.bedrock_base_url, region="eu-west-1", max_retries=0
    )
    outcome = await draft(session, transcript_file, bedrock)
    assert outcome.draft_id and outcome.problems == [] and outcome.provider == "bedrock"
    assert outcome.evidence_kept > 0 and outcome.input_tokens > 0
    sandbox_model.set_faults("rate-limit=0.01")
    outcome = await draft(session, transcript_file, bedrock)
    assert outcome.problems == [
        ("Claude on Amazon Bedrock at 127.0.0.1 is limiting requests (429); try again in a minute.")
    ]
    assert "wJalrXUtnFEMI" not in outcome.problems[0]


async def test_the_configured_provider_uses_the_keychain_key_and_the_environment_overrides_it(
    session, transcript_file, sandbox_model_factory, monkeypatch
):
    from lever_desktop import secrets

    model = sandbox_model_factory(api_key="sk-ant-from-keychain")  # refuses any other key
    secrets.set_secret(secrets.ANTHROPIC_API_KEY, "sk-ant-from-keychain")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", model.anthropic_base_url)
    outcome = await draft(session, transcript_file, None)
    assert outcome.draft_id and (outcome.provider, outcome.model) == ("anthropic", "claude-sonnet-4-5")
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-stale-env-key")
    outcome = await draft(session, transcript_file, None)
    assert outcome.draft_id is None and "rejected the API key" in outcome.problems[0]
    assert "sk-ant" not in outcome.problems[0]
