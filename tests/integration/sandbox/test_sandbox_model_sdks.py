"""The sandbox model speaks both APIs well enough for the official SDKs: every answer parses into
the SDK's own types, every fault surfaces as the SDK's documented exception or shape.

Real ``anthropic`` and ``openai`` clients over loopback; no drafter involved (it has its own tests).
"""

from __future__ import annotations

import json

import anthropic
import httpx
import openai
import pytest
from helpers.model_fixtures import (
    ANTHROPIC_TOOLS,
    OPENAI_TOOLS,
    OPTIONS,
    PROMPT,
    REQUIRED_IDS,
    STRENGTHS,
    TRANSCRIPT_LINES,
)

from lever_desktop.sandbox.model_answer import normalised

SAID = [text for _, _, text in TRANSCRIPT_LINES]


_clients: list = []


@pytest.fixture(autouse=True)
def _close_clients():
    """Every SDK client a test makes is closed after it (its pooled sockets are not left to the GC)."""
    yield
    while _clients:
        _clients.pop().close()


def claude(model, **options) -> anthropic.Anthropic:
    _clients.append(
        anthropic.Anthropic(
            base_url=model.anthropic_base_url,
            api_key=options.pop("api_key", "any-key"),
            max_retries=options.pop("max_retries", 0),
            **options,
        )
    )
    return _clients[-1]


def gpt(model, **options) -> openai.OpenAI:
    _clients.append(
        openai.OpenAI(
            base_url=model.openai_base_url,
            api_key=options.pop("api_key", "any-key"),
            max_retries=options.pop("max_retries", 0),
            **options,
        )
    )
    return _clients[-1]


def ask_claude(client: anthropic.Anthropic, **extra):
    return client.messages.create(
        model="claude-sandbox",
        max_tokens=4096,
        tools=ANTHROPIC_TOOLS,
        tool_choice={"type": "tool", "name": "record_feedback_draft"},
        messages=[{"role": "user", "content": PROMPT}],
        **extra,
    )


def ask_gpt(client: openai.OpenAI, **extra):
    return client.chat.completions.create(
        model="gpt-sandbox",
        tools=OPENAI_TOOLS,
        tool_choice={"type": "function", "function": {"name": "record_feedback_draft"}},
        messages=[{"role": "user", "content": PROMPT}],
        **extra,
    )


def claude_input(message) -> dict:
    assert message.stop_reason == "tool_use"
    (block,) = [b for b in message.content if b.type == "tool_use"]
    assert block.name == "record_feedback_draft"
    return block.input


def gpt_arguments(completion) -> str:
    choice = completion.choices[0]
    assert choice.finish_reason == "tool_calls"
    (call,) = choice.message.tool_calls
    assert call.type == "function" and call.function.name == "record_feedback_draft"
    return call.function.arguments


def assert_valid_answer(doc: dict) -> None:
    fields = {f["id"]: f for f in doc["fields"]}
    assert set(fields) == REQUIRED_IDS | {"strengths"}
    assert fields["next-step"]["value"] in OPTIONS
    assert fields["problem-solving"]["value"] in range(1, 5)
    assert set(fields["strengths"]["value"]) <= set(STRENGTHS) and fields["strengths"]["value"]
    assert isinstance(fields["work-with"]["value"], bool)
    assert any(fields["summary"]["value"] in said for said in SAID)
    for f in fields.values():
        assert 0.6 <= f["confidence"] <= 0.95 and f["rationale"]
        assert f["evidence"] and all(any(e["quote"] in said for said in SAID) for e in f["evidence"]), (
            f"{f['id']}: every quote is copied verbatim from what someone said"
        )


def test_claude_answers_through_the_tool_from_the_transcript(sandbox_model):
    client = claude(sandbox_model)
    message = ask_claude(client)
    assert message.type == "message" and message.role == "assistant" and message.model == "claude-sandbox"
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0
    assert_valid_answer(claude_input(message))
    assert claude_input(ask_claude(client)) == claude_input(message), "the same request, the same answer"


def test_openai_answers_the_same_through_a_function_call(sandbox_model):
    completion = ask_gpt(gpt(sandbox_model))
    assert completion.object == "chat.completion" and completion.model == "gpt-sandbox"
    assert completion.usage.prompt_tokens > 0 and completion.usage.completion_tokens > 0
    doc = json.loads(gpt_arguments(completion))
    assert_valid_answer(doc)
    assert doc == claude_input(ask_claude(claude(sandbox_model)))


def test_the_demo_paraphrases_one_fields_evidence(sandbox_model_factory):
    whole = normalised(" ".join(SAID))
    model = sandbox_model_factory(paraphrase=True)
    doc = claude_input(ask_claude(claude(model)))
    missing = [f["id"] for f in doc["fields"] for e in f["evidence"] if normalised(e["quote"]) not in whole]
    assert missing == ["summary"], "exactly one field's evidence is not in the transcript"
    # A request can choose either way, whatever the server's default.
    verbatim = claude_input(ask_claude(claude(model), extra_headers={"x-sandbox-evidence": "verbatim"}))
    assert_valid_answer(verbatim)
    plain = sandbox_model_factory()
    asked = json.loads(gpt_arguments(ask_gpt(gpt(plain), extra_headers={"x-sandbox-evidence": "paraphrase"})))
    assert asked == doc


@pytest.mark.parametrize("api", ["anthropic", "openai"])
def test_rate_limited_twice_then_answers_within_the_sdks_retries(sandbox_model, api):
    sandbox_model.set_faults("rate-limit=0.01,count=2")
    if api == "anthropic":
        assert_valid_answer(claude_input(ask_claude(claude(sandbox_model, max_retries=2))))
    else:
        assert_valid_answer(json.loads(gpt_arguments(ask_gpt(gpt(sandbox_model, max_retries=2)))))
    assert sandbox_model.service.requests_json()["counts"] == {api: 3}


def test_rate_limit_is_the_documented_429(sandbox_model):
    sandbox_model.set_faults("rate-limit=7")
    with pytest.raises(anthropic.RateLimitError) as claude_error:
        ask_claude(claude(sandbox_model))
    assert claude_error.value.body["type"] == "error"
    assert claude_error.value.body["error"]["type"] == "rate_limit_error"
    assert claude_error.value.response.headers["retry-after"] == "7"
    assert claude_error.value.request_id.startswith("req_")
    with pytest.raises(openai.RateLimitError) as gpt_error:
        ask_gpt(gpt(sandbox_model))
    assert gpt_error.value.code == "rate_limit_exceeded" and gpt_error.value.type == "requests"


def test_overloaded_is_529_for_claude_and_503_for_openai(sandbox_model):
    sandbox_model.set_faults("overloaded")
    with pytest.raises(anthropic.OverloadedError) as claude_error:
        ask_claude(claude(sandbox_model))
    assert claude_error.value.status_code == 529 and claude_error.value.body["error"]["type"] == "overloaded_error"
    with pytest.raises(openai.InternalServerError) as gpt_error:
        ask_gpt(gpt(sandbox_model))
    assert gpt_error.value.status_code == 503 and gpt_error.value.type == "server_error"


def test_a_late_answer_times_the_client_out_once_then_it_answers(sandbox_model):
    sandbox_model.set_faults("slow=30,count=1,api=anthropic;slow=30,count=1,api=openai")
    with pytest.raises(anthropic.APITimeoutError):
        ask_claude(claude(sandbox_model, timeout=0.3))
    assert_valid_answer(claude_input(ask_claude(claude(sandbox_model, timeout=5))))
    with pytest.raises(openai.APITimeoutError):
        ask_gpt(gpt(sandbox_model, timeout=0.3))
    assert_valid_answer(json.loads(gpt_arguments(ask_gpt(gpt(sandbox_model, timeout=5)))))


def test_a_refusal_has_no_tool_call(sandbox_model):
    sandbox_model.set_faults("refusal")
    message = ask_claude(claude(sandbox_model))
    assert message.stop_reason == "refusal" and [b.type for b in message.content] == ["text"]
    choice = ask_gpt(gpt(sandbox_model)).choices[0]
    assert choice.message.refusal and not choice.message.tool_calls and choice.message.content is None


def test_an_empty_answer_has_no_tool_call_and_no_text(sandbox_model):
    sandbox_model.set_faults("empty")
    message = ask_claude(claude(sandbox_model))
    assert message.stop_reason == "end_turn" and message.content == []
    choice = ask_gpt(gpt(sandbox_model)).choices[0]
    assert choice.finish_reason == "stop" and not choice.message.tool_calls and not choice.message.content


def test_invalid_json_in_the_tool_input(sandbox_model):
    sandbox_model.set_faults("invalid-json")
    fields = claude_input(ask_claude(claude(sandbox_model)))["fields"]
    assert isinstance(fields, str)
    with pytest.raises(ValueError):
        json.loads(fields)
    with pytest.raises(ValueError):
        json.loads(gpt_arguments(ask_gpt(gpt(sandbox_model))))


def test_a_wrong_option_text_is_a_near_miss(sandbox_model):
    sandbox_model.set_faults("wrong-option,count=1")
    wrong = {f["id"]: f["value"] for f in claude_input(ask_claude(claude(sandbox_model)))["fields"]}
    assert wrong["next-step"] not in OPTIONS
    assert wrong["next-step"].lower() in {o.lower() for o in OPTIONS}
    right = {f["id"]: f["value"] for f in claude_input(ask_claude(claude(sandbox_model)))["fields"]}
    assert right["next-step"] in OPTIONS and right["next-step"].lower() == wrong["next-step"].lower()


def test_a_required_field_left_out(sandbox_model):
    sandbox_model.set_faults("missing-required")
    ids = {f["id"] for f in json.loads(gpt_arguments(ask_gpt(gpt(sandbox_model))))["fields"]}
    assert len(REQUIRED_IDS - ids) == 1 and "strengths" in ids


def test_keys_and_bad_requests_get_the_documented_errors(sandbox_model_factory):
    model = sandbox_model_factory(api_key="the-right-key")
    with pytest.raises(anthropic.AuthenticationError) as claude_error:
        ask_claude(claude(model, api_key="a-wrong-key"))
    assert claude_error.value.body["error"]["type"] == "authentication_error"
    with pytest.raises(openai.AuthenticationError) as gpt_error:
        ask_gpt(gpt(model, api_key="a-wrong-key"))
    assert gpt_error.value.code == "invalid_api_key"
    right = claude(model, api_key="the-right-key")
    with pytest.raises(anthropic.BadRequestError, match="record_feedback_draft"):
        right.messages.create(model="claude-sandbox", max_tokens=10, messages=[{"role": "user", "content": PROMPT}])
    model.set_faults("status=400,count=1")
    with pytest.raises(anthropic.BadRequestError) as claude_error:
        ask_claude(right)
    assert claude_error.value.body["error"]["type"] == "invalid_request_error"
    assert_valid_answer(claude_input(ask_claude(right)))


def test_faults_and_recent_requests_over_the_admin_api(sandbox_model):
    with httpx.Client(base_url=sandbox_model.admin_url, timeout=5) as admin:
        assert admin.post("/faults", json={"spec": "flood=3"}).status_code == 400
        rules = admin.post("/faults", json={"spec": "overloaded,count=1"}).json()["rules"]
        assert rules == [{"kind": "overloaded", "arg": None, "count": 1, "api": None, "fired": 0}]
        with pytest.raises(anthropic.OverloadedError):
            ask_claude(claude(sandbox_model))
        assert admin.get("/faults").json()["rules"][0]["fired"] == 1
        assert_valid_answer(claude_input(ask_claude(claude(sandbox_model))))
        seen = admin.get("/requests").json()
        assert seen["counts"] == {"anthropic": 2}
        assert seen["recent"][-1]["body"]["tools"] == json.loads(json.dumps(ANTHROPIC_TOOLS))
        assert "any-key" not in json.dumps(seen), "headers (keys) are never recorded"
        assert admin.post("/options", json={"paraphrase": True}).json() == {"paraphrase": True}


def bedrock(model, **options) -> anthropic.AnthropicBedrock:
    _clients.append(
        anthropic.AnthropicBedrock(
            base_url=model.bedrock_base_url,
            aws_access_key="AKIASANDBOX",
            aws_secret_key="sandbox-secret",
            aws_region="eu-central-1",
            max_retries=options.pop("max_retries", 0),
            **options,
        )
    )
    return _clients[-1]


def test_claude_on_bedrock_answers_and_fails_the_bedrock_way(sandbox_model):
    model_id = "anthropic.claude-sandbox-v1:0"
    message = bedrock(sandbox_model).messages.create(
        model=model_id, max_tokens=4096, tools=ANTHROPIC_TOOLS, messages=[{"role": "user", "content": PROMPT}]
    )
    assert message.model == model_id
    assert_valid_answer(claude_input(message))
    seen = sandbox_model.service.requests_json()["recent"][-1]
    assert seen["api"] == "bedrock" and seen["body"]["anthropic_version"] and "model" not in seen["body"]
    sandbox_model.set_faults("rate-limit=0.01,count=1,api=bedrock;overloaded,count=1,api=bedrock")
    client = bedrock(sandbox_model)

    def ask():
        return client.messages.create(
            model=model_id, max_tokens=100, tools=ANTHROPIC_TOOLS, messages=[{"role": "user", "content": PROMPT}]
        )

    with pytest.raises(anthropic.RateLimitError) as throttled:
        ask()
    assert throttled.value.response.headers["x-amzn-ErrorType"] == "ThrottlingException"
    with pytest.raises(anthropic.InternalServerError) as unavailable:
        ask()
    assert unavailable.value.status_code == 503
    assert ask().stop_reason == "tool_use"


def test_streamed_answers_carry_the_same_content(sandbox_model):
    # Streams hold their connection until read to the end: the clients are closed here, not by the GC.
    with claude(sandbox_model) as client, gpt(sandbox_model) as openai_client:
        with client.messages.stream(
            model="claude-sandbox",
            max_tokens=4096,
            tools=ANTHROPIC_TOOLS,
            messages=[{"role": "user", "content": PROMPT}],
        ) as stream:
            pieces = [e for e in stream if e.type == "input_json"]
            streamed = stream.get_final_message()
        assert len(pieces) > 1, "the tool input arrives in several deltas"
        assert claude_input(streamed) == claude_input(ask_claude(client))
        assert streamed.usage.output_tokens > 1
        with openai_client.chat.completions.create(
            model="gpt-sandbox",
            tools=OPENAI_TOOLS,
            messages=[{"role": "user", "content": PROMPT}],
            stream=True,
            stream_options={"include_usage": True},
        ) as chunked:
            chunks = list(chunked)
        arguments = "".join(
            c.choices[0].delta.tool_calls[0].function.arguments or ""
            for c in chunks
            if c.choices and c.choices[0].delta.tool_calls
        )
        assert json.loads(arguments) == claude_input(streamed)
        assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "tool_calls"
        assert chunks[-1].usage.completion_tokens > 0
        sandbox_model.set_faults("refusal,count=1")
        with client.messages.stream(
            model="claude-sandbox",
            max_tokens=4096,
            tools=ANTHROPIC_TOOLS,
            messages=[{"role": "user", "content": PROMPT}],
        ) as stream:
            refused = stream.get_final_message()
        assert refused.stop_reason == "refusal" and refused.content[0].text
