"""Pytest fixtures for the sandbox model (imported by tests/conftest.py), and a request to send it.

``sandbox_model``: a fresh ``SandboxModelServer`` per test on loopback; point the SDKs at
``sandbox_model.anthropic_base_url`` / ``sandbox_model.openai_base_url`` with any key, set faults
with ``sandbox_model.set_faults("rate-limit=0.01,count=2")``. ``sandbox_model_factory(**options)``
takes ``SandboxModelServer``'s keywords (``faults``, ``paraphrase``, ``api_key``).

``TOOL_SCHEMA`` and ``PROMPT`` are a small request in the prompt contract (the transcript between
``<transcript>`` lines, one tool ``record_feedback_draft``), for tests that need one without a
drafter: per-field variants in ``items.anyOf`` as the drafter builds them.
"""

from __future__ import annotations

import pytest

from lever_desktop.sandbox.model import SandboxModelServer

TRANSCRIPT_LINES = [
    ("00:00:04", "Grace Hopper", "Thanks for making the time, Alan. Could you walk me through a system you designed?"),
    (
        "00:00:19",
        "Alan Turing",
        (
            "Sure. I designed the billing pipeline at my last company, and I added property "
            "based testing, which caught a lot of rounding bugs before release."
        ),
    ),
    ("00:02:41", "Grace Hopper", "How did you handle the outage last spring?"),
    (
        "00:02:50",
        "Alan Turing",
        (
            "I struggled at first, honestly. Then I found the race condition by reading the "
            "logs carefully and wrote a regression test for it."
        ),
    ),
    ("00:05:12", "Grace Hopper", "Why this role, and why now?"),
    (
        "00:05:20",
        "Alan Turing",
        (
            "I want to work on platform problems with a strong team, and I would be glad to "
            "move to an on-site interview soon."
        ),
    ),
]
TRANSCRIPT = "\n".join(f"[{t}] {who}: {text}" for t, who, text in TRANSCRIPT_LINES)
PROMPT = (
    "Draft interview feedback for the form below from this transcript.\n<transcript>\n"
    f"{TRANSCRIPT}\n</transcript>\nAnswer with the tool record_feedback_draft."
)

OPTIONS = ["Move to on-site", "Second phone screen", "Reject"]
STRENGTHS = ["Testing", "Debugging", "System design", "Pairing"]


def _variant(field_id: str, title: str, value: dict, required: bool = True) -> dict:
    return {
        "type": "object",
        "title": title,
        "additionalProperties": False,
        "required": ["id", "value", "confidence", "evidence", "rationale"],
        "properties": {
            "id": {"const": field_id},
            "value": value if required else {"anyOf": [value, {"type": "null"}]},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
            "evidence": {
                "type": "array",
                "items": {"type": "object", "required": ["quote"], "properties": {"quote": {"type": "string"}}},
            },
            "rationale": {"type": "string"},
        },
    }


TOOL_SCHEMA = {
    "type": "object",
    "required": ["fields"],
    "properties": {
        "fields": {
            "type": "array",
            "items": {
                "anyOf": [
                    _variant("summary", "Summary of the conversation", {"type": "string"}),
                    _variant("next-step", "Recommended next step", {"type": "string", "enum": OPTIONS}),
                    _variant("problem-solving", "Problem solving", {"type": "integer", "minimum": 1, "maximum": 4}),
                    _variant(
                        "strengths",
                        "Strengths observed",
                        {"type": "array", "items": {"type": "string", "enum": STRENGTHS}, "uniqueItems": True},
                        required=False,
                    ),
                    _variant("work-with", "Would you like to work with this person?", {"type": "boolean"}),
                ]
            },
        }
    },
}
REQUIRED_IDS = {"summary", "next-step", "problem-solving", "work-with"}
ANTHROPIC_TOOLS = [{"name": "record_feedback_draft", "description": "Record the draft.", "input_schema": TOOL_SCHEMA}]
OPENAI_TOOLS = [{"type": "function", "function": {"name": "record_feedback_draft", "parameters": TOOL_SCHEMA}}]


@pytest.fixture
def sandbox_model_factory():
    started: list[SandboxModelServer] = []

    def make(**options) -> SandboxModelServer:
        server = SandboxModelServer(**options)
        started.append(server)
        return server.start()

    yield make
    for server in started:
        server.stop()


@pytest.fixture
def sandbox_model(sandbox_model_factory) -> SandboxModelServer:
    return sandbox_model_factory()
