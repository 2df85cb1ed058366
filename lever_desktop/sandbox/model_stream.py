"""The sandbox model's answers as server-sent events, for clients that ask with ``"stream": true``.

Built from the very answer a non-streaming request gets, so both ways carry the same content:
Anthropic's event sequence (``message_start``, ``content_block_start``/``_delta``/``_stop``,
``message_delta``, ``message_stop``; tool input as ``input_json_delta`` pieces) and OpenAI's
``chat.completion.chunk`` objects ending in ``data: [DONE]``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

_PIECE = 200  # characters of JSON or text per delta: several events, as a real stream has


def _pieces(text: str) -> list[str]:
    return [text[i : i + _PIECE] for i in range(0, len(text), _PIECE)] or [""]


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def anthropic_events(message: dict[str, Any]) -> Iterator[bytes]:
    usage = message["usage"]
    start = dict(
        message,
        content=[],
        stop_reason=None,
        stop_sequence=None,
        usage={"input_tokens": usage["input_tokens"], "output_tokens": 1},
    )
    yield _event("message_start", {"type": "message_start", "message": start})
    for index, block in enumerate(message["content"]):
        if block["type"] == "tool_use":
            opened, delta_type, key, whole = (
                dict(block, input={}),
                "input_json_delta",
                "partial_json",
                json.dumps(block["input"]),
            )
        else:
            opened, delta_type, key, whole = dict(block, text=""), "text_delta", "text", block["text"]
        yield _event("content_block_start", {"type": "content_block_start", "index": index, "content_block": opened})
        for piece in _pieces(whole):
            yield _event(
                "content_block_delta",
                {"type": "content_block_delta", "index": index, "delta": {"type": delta_type, key: piece}},
            )
        yield _event("content_block_stop", {"type": "content_block_stop", "index": index})
    yield _event(
        "message_delta",
        {
            "type": "message_delta",
            "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
            "usage": {"output_tokens": usage["output_tokens"]},
        },
    )
    yield _event("message_stop", {"type": "message_stop"})


def openai_chunks(completion: dict[str, Any], include_usage: bool) -> Iterator[bytes]:
    head = {k: completion[k] for k in ("id", "created", "model", "system_fingerprint")}
    head["object"] = "chat.completion.chunk"

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
        return f"data: {json.dumps(dict(head, choices=[choice]))}\n\n".encode()

    choice = completion["choices"][0]
    message = choice["message"]
    yield chunk({"role": "assistant", "content": "" if message.get("content") is not None else None})
    if message.get("refusal"):
        yield chunk({"refusal": message["refusal"]})
    for call in message.get("tool_calls") or []:
        opened = {
            "index": 0,
            "id": call["id"],
            "type": "function",
            "function": {"name": call["function"]["name"], "arguments": ""},
        }
        yield chunk({"tool_calls": [opened]})
        for piece in _pieces(call["function"]["arguments"]):
            yield chunk({"tool_calls": [{"index": 0, "function": {"arguments": piece}}]})
    yield chunk({}, choice["finish_reason"])
    if include_usage:
        yield f"data: {json.dumps(dict(head, choices=[], usage=completion['usage']))}\n\n".encode()
    yield b"data: [DONE]\n\n"
