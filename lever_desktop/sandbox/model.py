"""The sandbox model: a deterministic stand-in for Claude (and any OpenAI-compatible server) on loopback.

    with SandboxModelServer(faults="rate-limit=0.01,count=1") as model:
        client = anthropic.Anthropic(base_url=model.anthropic_base_url, api_key="any")
        client = openai.OpenAI(base_url=model.openai_base_url, api_key="any")

Speaks the Anthropic Messages API (``POST /v1/messages``), Claude on Amazon Bedrock
(``POST /model/{model}/invoke``, any AWS credentials) and OpenAI chat completions
(``POST /v1/chat/completions``) in their documented shapes, answers and errors alike, so the
official SDKs parse everything it says. The answer is one ``record_feedback_draft`` tool call
built from the request's own tool schema and transcript (``model_answer``), as one JSON body or,
with ``"stream": true``, as server-sent events (``model_stream``); faults come from ``model_faults``.
Any non-empty key is accepted unless the server was given one.

Admin (loopback, no auth): ``GET|POST /_model/faults`` (``{"spec": ...}``), ``GET /_model/requests``
(recent request bodies, never headers: those hold keys), ``POST /_model/options``
(``{"paraphrase": true}``). A request's ``x-sandbox-evidence: paraphrase|verbatim`` header
overrides the paraphrase option for that request.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import json
import logging
import threading
import time
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from lever_desktop.sandbox import model_answer, model_stream
from lever_desktop.sandbox.faults import FaultSpecError
from lever_desktop.sandbox.model_faults import (
    ModelFault,
    ModelFaults,
    parse_model_faults,
)
from lever_desktop.serving import ThreadedServer, http_url

_log = logging.getLogger("lever_desktop.sandbox.model")

TOOL_NAME = model_answer.TOOL_NAME
REFUSAL_TEXT = "I can't help with drafting feedback from this conversation."
# The documented error ``type`` per status (Anthropic: docs "Errors"; OpenAI: its nearest equivalent).
_ANTHROPIC_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    402: "billing_error",
    403: "permission_error",
    404: "not_found_error",
    413: "request_too_large",
    429: "rate_limit_error",
    500: "api_error",
    504: "timeout_error",
    529: "overloaded_error",
}
_BEDROCK_TYPES = {
    400: "ValidationException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
}
_OPENAI_TYPES = {
    400: ("invalid_request_error", None),
    401: ("invalid_request_error", "invalid_api_key"),
    403: ("invalid_request_error", "unsupported_country_region_territory"),
    404: ("invalid_request_error", "model_not_found"),
    429: ("requests", "rate_limit_exceeded"),
    500: ("server_error", None),
    503: ("server_error", None),
}


class ModelAPIError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def _request_id(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:24]


def anthropic_error(
    status: int, message: str, headers: dict[str, str] | None = None, request_id: str = "sandbox"
) -> JSONResponse:
    body = {
        "type": "error",
        "error": {"type": _ANTHROPIC_TYPES.get(status, "api_error"), "message": message},
        "request_id": f"req_{request_id}",
    }
    return JSONResponse(body, status_code=status, headers={"request-id": f"req_{request_id}", **(headers or {})})


def bedrock_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    kind = _BEDROCK_TYPES.get(status, "InternalServerException" if status >= 500 else "ValidationException")
    return JSONResponse({"message": message}, status_code=status, headers={"x-amzn-ErrorType": kind, **(headers or {})})


def openai_error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    kind, code = _OPENAI_TYPES.get(status, ("server_error" if status >= 500 else "invalid_request_error", None))
    return JSONResponse(
        {"error": {"message": message, "type": kind, "param": None, "code": code}}, status_code=status, headers=headers
    )


class ModelService:
    """What the routes share: faults, options, the recent requests."""

    def __init__(self, faults: ModelFaults, *, paraphrase: bool, api_key: str | None) -> None:
        self.faults, self.paraphrase, self.api_key = faults, paraphrase, api_key
        self.recent: collections.deque[dict[str, Any]] = collections.deque(maxlen=50)
        self.counts: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()

    def record(self, api: str, body: Any) -> None:
        with self._lock:
            self.counts[api] += 1
            self.recent.append({"api": api, "body": body})

    def requests_json(self) -> dict[str, Any]:
        with self._lock:
            return {"counts": dict(self.counts), "recent": list(self.recent)}

    def check_key(self, key: str | None) -> None:
        if not key:
            raise ModelAPIError(401, "No API key provided (the sandbox model accepts any key).")
        if self.api_key is not None and key != self.api_key:
            raise ModelAPIError(401, "Invalid API key.")


async def _body(request: Request, required: tuple[str, ...] = ("model", "messages")) -> tuple[bytes, dict[str, Any]]:
    raw = await request.body()
    try:
        body = json.loads(raw)
    except ValueError:
        raise ModelAPIError(400, "The request body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise ModelAPIError(400, "The request body must be a JSON object.")
    for name in required:
        if name not in body:
            raise ModelAPIError(400, f"{name}: Field required")
    return raw, body


def _texts(content: Any) -> list[str]:
    """The text of a message's content: a string, or blocks/parts with ``text``."""
    if isinstance(content, str):
        return [content]
    if isinstance(content, list):
        return [str(b.get("text", "")) for b in content if isinstance(b, dict) and b.get("type") == "text"]
    return []


def _prompt(body: dict[str, Any]) -> str:
    parts = _texts(body.get("system"))
    for message in body.get("messages") or []:
        if isinstance(message, dict) and message.get("role") in ("user", "system", "developer"):
            parts += _texts(message.get("content"))
    return "\n".join(parts)


def _tool_schema(tools: Any, api: str) -> dict[str, Any]:
    for tool in tools if isinstance(tools, list) else []:
        if not isinstance(tool, dict):
            continue
        if api == "anthropic" and tool.get("name") == TOOL_NAME:
            return tool.get("input_schema") or {}
        function = tool.get("function") if api == "openai" else None
        if isinstance(function, dict) and function.get("name") == TOOL_NAME:
            return function.get("parameters") or {}
    raise ModelAPIError(
        400, f"tools: the sandbox model answers only through the tool {TOOL_NAME!r}, and the request does not offer it."
    )


def _tool_input(
    service: ModelService, request: Request, body: dict[str, Any], api: str, fault: ModelFault | None
) -> tuple[dict[str, Any] | str, int]:
    """The tool's input (a string when the fault is invalid JSON) and the output token count."""
    header = request.headers.get("x-sandbox-evidence")
    paraphrase = header == "paraphrase" if header in ("paraphrase", "verbatim") else service.paraphrase
    schema = _tool_schema(body.get("tools"), api)
    doc = model_answer.answer(schema, _prompt(body), paraphrase=paraphrase)
    kind = fault.kind if fault else None
    if kind == "wrong-option":
        _near_miss(doc, schema)
    elif kind == "missing-required":
        specs = model_answer.fields_of(schema)
        gone = next((s.id for s in specs if s.required), specs[0].id if specs else None)
        doc["fields"] = [f for f in doc["fields"] if f["id"] != gone]
    text = json.dumps(doc)
    if kind == "invalid-json":
        return text[: max(1, len(text) // 2)], len(text) // 8
    return doc, max(1, len(text) // 4)


def _near_miss(doc: dict[str, Any], schema: dict[str, Any]) -> None:
    """The first option-valued answer, in the wrong case: a near miss intake can offer to fix."""
    options = {s.id for s in model_answer.fields_of(schema) if s.value_schema.get("enum")}
    for f in doc["fields"]:
        if f["id"] in options and isinstance(f["value"], str):
            v = f["value"]
            f["value"] = next(w for w in (v.lower(), v.upper(), v + "?") if w != v)
            return


async def _late(request: Request, seconds: float) -> bool:
    """Wait ``seconds``; False if the client gave up first (or the server is stopping): then
    nobody reads the answer, and a timed-out client must not hold the server's shutdown."""
    gone = asyncio.ensure_future(request.receive())  # the body is read: only a disconnect comes
    try:
        done, _ = await asyncio.wait({gone}, timeout=seconds)
    except asyncio.CancelledError:
        return False
    finally:
        gone.cancel()
    return not done


async def _fault_first(request: Request, fault: ModelFault | None, api: str) -> None:
    """The faults that are not an answer: late, rate limited, overloaded, a bare status."""
    if fault is None:
        return
    if fault.kind == "slow":
        if not await _late(request, float(fault.arg or 0)):
            raise ModelAPIError(499, "The client went away before the (late) answer.")
    elif fault.kind == "rate-limit":
        raise ModelAPIError(
            429,
            "Number of requests has exceeded your rate limit (sandbox model fault).",
            {"retry-after": f"{float(fault.arg or 0):g}"},
        )
    elif fault.kind == "overloaded":
        raise ModelAPIError(
            529 if api == "anthropic" else 503,
            "Overloaded" if api == "anthropic" else "The server is overloaded or not ready yet.",
        )
        # (Bedrock says 503 ServiceUnavailableException where the Anthropic API says 529.)
    elif fault.kind == "status":
        raise ModelAPIError(int(fault.arg or 500), f"Injected fault {int(fault.arg or 500)} (sandbox model).")


async def _claude_message(
    service: ModelService, request: Request, raw: bytes, body: dict[str, Any], api: str, model: str
) -> dict[str, Any]:
    """A Messages API answer, as Anthropic and Bedrock send it (raises ``ModelAPIError``)."""
    if "max_tokens" not in body:
        raise ModelAPIError(400, "max_tokens: Field required")
    service.record(api, body)
    fault = service.faults.take(api)
    await _fault_first(request, fault, api)
    rid = _request_id(raw)
    content: list[dict[str, Any]] = []
    stop, out_tokens = "end_turn", 1
    if fault is not None and fault.kind == "refusal":
        content, stop, out_tokens = [{"type": "text", "text": REFUSAL_TEXT}], "refusal", 12
    elif fault is None or fault.kind != "empty":
        tool_input, out_tokens = _tool_input(service, request, body, "anthropic", fault)
        if isinstance(tool_input, str):  # invalid JSON: what a model sends when it nests a string
            tool_input = {"fields": tool_input}
        content, stop = [{"type": "tool_use", "id": f"toolu_{rid}", "name": TOOL_NAME, "input": tool_input}], "tool_use"
    return {
        "id": f"msg_{rid}",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {"input_tokens": max(1, len(raw) // 4), "output_tokens": out_tokens},
    }


async def anthropic_messages(request: Request) -> Response:
    service: ModelService = request.app.state.model
    raw = b""
    try:
        service.check_key(request.headers.get("x-api-key") or _bearer(request))
        if not request.headers.get("anthropic-version"):
            raise ModelAPIError(400, "anthropic-version: header is required")
        raw, body = await _body(request)
        message = await _claude_message(service, request, raw, body, "anthropic", str(body["model"]))
    except ModelAPIError as e:
        return anthropic_error(e.status, e.message, e.headers, _request_id(raw or b"-"))
    headers = {"request-id": f"req_{_request_id(raw)}"}
    if body.get("stream"):
        return StreamingResponse(
            model_stream.anthropic_events(message), media_type="text/event-stream", headers=headers
        )
    return JSONResponse(message, headers=headers)


async def bedrock_invoke(request: Request) -> Response:
    """Claude on Amazon Bedrock: ``InvokeModel`` with the Messages body (``anthropic_version`` in it,
    the model in the path). The SigV4 signature is not checked: any AWS credentials will do."""
    service: ModelService = request.app.state.model
    try:
        if not request.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 "):
            raise ModelAPIError(403, "Missing Authentication Token")
        raw, body = await _body(request, required=("messages", "anthropic_version"))
        message = await _claude_message(service, request, raw, body, "bedrock", request.path_params["model"])
    except ModelAPIError as e:
        return bedrock_error(e.status, e.message, e.headers)
    return JSONResponse(message, headers={"x-amzn-requestid": _request_id(raw)})


async def openai_chat(request: Request) -> Response:
    service: ModelService = request.app.state.model
    try:
        service.check_key(_bearer(request))
        raw, body = await _body(request)
        service.record("openai", body)
        fault = service.faults.take("openai")
        await _fault_first(request, fault, "openai")
        message: dict[str, Any] = {"role": "assistant", "content": None, "refusal": None}
        finish, out_tokens = "stop", 1
        if fault is not None and fault.kind == "refusal":
            message["refusal"], out_tokens = REFUSAL_TEXT, 12
        elif fault is not None and fault.kind == "empty":
            message["content"] = ""
        else:
            tool_input, out_tokens = _tool_input(service, request, body, "openai", fault)
            arguments = tool_input if isinstance(tool_input, str) else json.dumps(tool_input)
            message["tool_calls"] = [
                {
                    "id": f"call_{_request_id(raw)}",
                    "type": "function",
                    "function": {"name": TOOL_NAME, "arguments": arguments},
                }
            ]
            finish = "tool_calls"
    except ModelAPIError as e:
        return openai_error(e.status, e.message, e.headers)
    prompt_tokens = max(1, len(raw) // 4)
    completion = {
        "id": f"chatcmpl-{_request_id(raw)}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": str(body["model"]),
        "system_fingerprint": None,
        "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": out_tokens,
            "total_tokens": prompt_tokens + out_tokens,
        },
    }
    if body.get("stream"):
        options = body.get("stream_options")
        usage = isinstance(options, dict) and bool(options.get("include_usage"))
        return StreamingResponse(model_stream.openai_chunks(completion, usage), media_type="text/event-stream")
    return JSONResponse(completion)


def _bearer(request: Request) -> str | None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def admin_faults(request: Request) -> Response:
    service: ModelService = request.app.state.model
    if request.method == "POST":
        try:
            service.faults.replace(parse_model_faults(json.loads(await request.body() or b"null")))
        except (ValueError, FaultSpecError) as e:
            return JSONResponse({"message": str(e)}, status_code=400)
    return JSONResponse({"rules": service.faults.to_json()})


async def admin_requests(request: Request) -> Response:
    return JSONResponse(request.app.state.model.requests_json())


async def admin_options(request: Request) -> Response:
    service: ModelService = request.app.state.model
    try:
        options = json.loads(await request.body() or b"{}")
    except ValueError:
        options = None
    if not isinstance(options, dict) or not isinstance(options.get("paraphrase", False), bool):
        return JSONResponse({"message": 'expected {"paraphrase": true|false}'}, status_code=400)
    service.paraphrase = options.get("paraphrase", service.paraphrase)
    return JSONResponse({"paraphrase": service.paraphrase})


def build_model_app(service: ModelService) -> Starlette:
    app = Starlette(
        routes=[
            Route("/v1/messages", anthropic_messages, methods=["POST"]),
            Route("/v1/chat/completions", openai_chat, methods=["POST"]),
            Route("/model/{model}/invoke", bedrock_invoke, methods=["POST"]),
            Route("/_model/faults", admin_faults, methods=["GET", "POST"]),
            Route("/_model/requests", admin_requests, methods=["GET"]),
            Route("/_model/options", admin_options, methods=["POST"]),
        ]
    )
    app.state.model = service
    return app


class SandboxModelServer:
    """The sandbox model served on loopback, in a background thread."""

    def __init__(
        self,
        *,
        faults: str | list[ModelFault] | None = None,
        paraphrase: bool = False,
        api_key: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        rules = parse_model_faults(faults) if isinstance(faults, str) else list(faults or [])
        self.service = ModelService(ModelFaults(rules), paraphrase=paraphrase, api_key=api_key)
        self.host, self._port = host, port
        self._server: ThreadedServer | None = None

    @property
    def faults(self) -> ModelFaults:
        return self.service.faults

    def set_faults(self, spec: str) -> None:
        self.service.faults.replace(parse_model_faults(spec))

    @property
    def port(self) -> int:
        return self._port

    @property
    def root_url(self) -> str:
        return http_url(self.host, self._port)

    @property
    def anthropic_base_url(self) -> str:
        """What ``ANTHROPIC_BASE_URL`` takes: the SDK adds ``/v1/messages``."""
        return self.root_url

    @property
    def bedrock_base_url(self) -> str:
        """``AnthropicBedrock(base_url=...)``: the SDK adds ``/model/{model}/invoke``."""
        return self.root_url

    @property
    def openai_base_url(self) -> str:
        """What ``OPENAI_BASE_URL`` takes: the SDK adds ``/chat/completions``."""
        return self.root_url + "/v1"

    @property
    def admin_url(self) -> str:
        return self.root_url + "/_model"

    def start(self, timeout: float = 15.0) -> SandboxModelServer:
        if self._server is not None and self._server.running:
            return self
        server = ThreadedServer(
            build_model_app(self.service),
            name="sandbox-model",
            title="sandbox model",
            host=self.host,
            port=self._port,
            proxy_headers=False,
        )
        self._port = server.start(timeout)
        self._server = server
        _log.info("sandbox model listening on %s", self.root_url)
        return self

    def stop(self, timeout: float = 15.0) -> None:
        if self._server is not None:
            self._server.stop(timeout)
            self._server = None

    def __enter__(self) -> SandboxModelServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
