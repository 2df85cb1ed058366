"""A model server that says whatever the test scripts, on loopback: for answers the sandbox model
would never give (a lying or broken server). ``ScriptedModel.answer`` is the tool input it sends
through the Anthropic Messages API (``/v1/messages``) and OpenAI chat completions
(``/v1/chat/completions``); ``usage`` and ``model`` are sent as they are, checked or not."""

from __future__ import annotations

import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from lever_desktop.drafting.providers import Provider
from lever_desktop.serving import ThreadedServer


class ScriptedModel:
    def __init__(self) -> None:
        self.answer: Any = {"fields": []}
        self.usage: dict[str, Any] = {"input_tokens": 10, "output_tokens": 5}
        self.model: Any = "scripted-model"
        self.error: tuple[int, str] | None = None  # (status, message): an error in the API's shape instead
        self.requests: list[dict[str, Any]] = []
        app = Starlette(
            routes=[
                Route("/v1/messages", self._anthropic, methods=["POST"]),
                Route("/v1/chat/completions", self._openai, methods=["POST"]),
            ]
        )
        self._server = ThreadedServer(app, name="scripted-model", title="scripted model")

    def start(self) -> ScriptedModel:
        self._server.start()
        return self

    def stop(self) -> None:
        self._server.stop()

    def provider(self, api: str) -> Provider:
        root = f"http://127.0.0.1:{self._server.port}"
        return Provider(
            api,
            "scripted",
            base_url=root if api == "anthropic" else root + "/v1",  # type: ignore[arg-type]
            api_key="test-key",
            max_retries=0,
            timeout=30.0,
        )

    async def _anthropic(self, request: Request) -> JSONResponse:
        self.requests.append(await request.json())
        if self.error:
            return JSONResponse(
                {"type": "error", "error": {"type": "invalid_request_error", "message": self.error[1]}},
                status_code=self.error[0],
            )
        return JSONResponse(
            {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "model": self.model,
                "content": [{"type": "tool_use", "id": "tu_1", "name": "record_feedback_draft", "input": self.answer}],
                "stop_reason": "tool_use",
                "usage": self.usage,
            }
        )

    async def _openai(self, request: Request) -> JSONResponse:
        self.requests.append(await request.json())
        if self.error:
            return JSONResponse(
                {"error": {"message": self.error[1], "type": "invalid_request_error"}}, status_code=self.error[0]
            )
        call = {
            "id": "call_1",
            "type": "function",
            "function": {"name": "record_feedback_draft", "arguments": json.dumps(self.answer)},
        }
        return JSONResponse(
            {
                "id": "c1",
                "object": "chat.completion",
                "created": 1,
                "model": self.model,
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "tool_calls",
                        "message": {"role": "assistant", "content": None, "tool_calls": [call]},
                    }
                ],
                "usage": {
                    "prompt_tokens": self.usage.get("input_tokens"),
                    "completion_tokens": self.usage.get("output_tokens"),
                },
            }
        )
