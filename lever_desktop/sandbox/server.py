"""``SandboxServer``: the Lever simulator on loopback, in a background thread.

    with SandboxServer(opportunities=50) as lever:
        client = LeverClient(lever.api_key, base_url=lever.base_url)

``stop()`` then ``start()`` reuses the same port and keeps all state, so a client
sees "Lever went offline, then came back".
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from lever_desktop.lever.urls import RELAY_WEBHOOK_PATH
from lever_desktop.sandbox.activity import Activity
from lever_desktop.sandbox.app import Services, build_app
from lever_desktop.sandbox.clock import Background, SandboxClock
from lever_desktop.sandbox.faults import FaultRule, Faults, parse_spec
from lever_desktop.sandbox.model import SandboxModelServer
from lever_desktop.sandbox.ratelimit import RateLimiter
from lever_desktop.sandbox.state import SandboxState
from lever_desktop.sandbox.webhooks import DEFAULT_RETRY_GAPS, EVENTS, Dispatcher, create_webhook
from lever_desktop.serving import ThreadedServer, http_url

_log = logging.getLogger("lever_desktop.sandbox")


class SandboxServer:
    def __init__(
        self,
        opportunities: int = 50,
        seed: int = 1,
        api_key: str = "sandbox-key",
        rate: float = 10.0,
        burst: int = 20,
        relay_url: str | None = None,
        relay_ingest_token: str | None = None,
        webhook_tokens_file: str | os.PathLike[str] | None = None,
        faults: str | list[FaultRule] | None = None,
        clock: SandboxClock | float | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        retry_after: bool = False,
        webhook_retry_gaps: Sequence[float] = DEFAULT_RETRY_GAPS,
        model: bool = False,
        model_port: int = 0,
        model_faults: str | None = None,
    ) -> None:
        self.host, self._port = host, port
        # The sandbox model (``model.py``) for "Draft with AI": its own port, since the Anthropic
        # SDK wants ``/v1/messages`` at its base URL and ``/v1`` here is Lever's, behind Lever's auth.
        # It paraphrases one quote a draft, so the demo shows evidence being rejected.
        self.model = (
            SandboxModelServer(faults=model_faults, paraphrase=True, host=host, port=model_port) if model else None
        )
        self.api_key = api_key
        self.state = SandboxState(opportunities=opportunities, seed=seed)
        self.limiter = RateLimiter(rate, burst, retry_after=retry_after)
        rules = parse_spec(faults) if isinstance(faults, str) else list(faults or [])
        self.faults = Faults(rules, seed=seed)
        self.relay_url = relay_url.rstrip("/") if relay_url else None
        self.activity = Activity(self.state, self.relay_url, relay_ingest_token)
        self.background = Background(
            self.activity, Dispatcher(self.state, webhook_retry_gaps), SandboxClock.coerce(clock)
        )
        self.webhook_tokens_file = Path(webhook_tokens_file) if webhook_tokens_file else None
        self._server: ThreadedServer | None = None
        self._relay_registered = False

    def __repr__(self) -> str:  # never the API key
        return f"SandboxServer({self.host}:{self._port}, opportunities={self.state.opps.count})"

    # -- addresses ---------------------------------------------------------------
    @property
    def port(self) -> int:
        return self._port

    @property
    def root_url(self) -> str:
        return http_url(self.host, self._port)

    @property
    def base_url(self) -> str:
        return self.root_url + "/v1"

    @property
    def admin_url(self) -> str:
        return self.root_url + "/_sandbox"

    @property
    def running(self) -> bool:
        return self._server is not None and self._server.running

    # -- life cycle ------------------------------------------------------------------
    def start(self, timeout: float = 15.0) -> SandboxServer:
        if self.running:
            return self
        self._register_relay()
        services = Services(
            self.state,
            self.api_key,
            self.limiter,
            self.faults,
            self.activity,
            self.background,
            self.relay_url,
            lambda: self.root_url,
        )
        server = ThreadedServer(
            build_app(services),
            name="lever-sandbox",
            title="Lever sandbox",
            host=self.host,
            port=self._port,
            proxy_headers=False,
        )
        self._port = server.start(timeout)
        self._server = server
        _log.info("Lever sandbox listening on %s", self.base_url)
        if self.model is not None:
            try:
                self.model.start(timeout)
            except RuntimeError:
                self.stop()
                raise
        return self

    def stop(self, timeout: float = 15.0) -> None:
        if self.model is not None:
            self.model.stop(timeout)
        if self._server is not None:
            self._server.stop(timeout)
            self._server = None

    def __enter__(self) -> SandboxServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- relay -----------------------------------------------------------------------
    def _register_relay(self) -> None:
        """Register the relay for every event once, and hand the tokens to the app."""
        if not self.relay_url or self._relay_registered:
            return
        tokens = {
            event: create_webhook(self.state, self.relay_url + RELAY_WEBHOOK_PATH, event)["configuration"][
                "signatureToken"
            ]
            for event in EVENTS
        }
        self._relay_registered = True
        if self.webhook_tokens_file is not None:
            write_private_json(self.webhook_tokens_file, tokens)


def write_private_json(path: Path, obj: Any) -> None:
    """Write ``obj`` readable by the user only (it holds webhook signature tokens)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(obj, f)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
