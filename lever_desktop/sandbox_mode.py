"""``lever-desktop --sandbox``: the whole product against a simulated Lever, on loopback.

Starts a reference relay and the Lever sandbox (which registers the relay for
every webhook and posts its AI drafts there), then hands the shell an
``Account`` for them. Starting and stopping block for a few seconds: the window
calls them off the GUI thread (no Qt here). Nothing about it touches the real
account: its keys and relay tokens are made up per run and kept in memory
only (never the keychain), its cache is a separate database under the
basedir's data dir (so reviews persist between runs), and the window shows a
"Sandbox — not your Lever account" banner.
"""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

import httpx

from lever_desktop import config, paths
from lever_desktop import log as applog
from lever_desktop.serving import ThreadedServer

_log = logging.getLogger(__name__)

SANDBOX_OPPORTUNITIES = 400
FIRST_RUN_DRAFTS = 6
INTERVIEW_EVERY_S = 90.0  # the sandbox completes an interview (and drafts it) this often
SANDBOX_MODEL_NAME = "sandbox-model"
SANDBOX_MODEL_KEY = "sandbox-model-key"  # not a secret: the sandbox model takes any key


def sandbox_dir() -> Path:
    d = paths.sandbox_dir()
    d.mkdir(parents=True, exist_ok=True)
    return d


class ThreadedRelay:
    """The reference relay (``lever-relay``) served on a background thread."""

    def __init__(self, db_path: Path) -> None:
        self.ingest_token = "ingest-" + secrets.token_urlsafe(24)
        self.reader_token = "reader-" + secrets.token_urlsafe(24)
        self.db_path = db_path
        self.url = ""
        self._server: ThreadedServer | None = None

    def start(self, timeout: float = 15.0) -> None:
        from lever_desktop.relay.server import RelayConfig, create_app

        app = create_app(
            RelayConfig(
                db_url=f"sqlite:///{self.db_path}",
                ingest_tokens=(self.ingest_token,),
                reader_tokens=(self.reader_token,),
            )
        )
        server = ThreadedServer(app, name="lever-relay", title="sandbox relay", on_exit=app.state.signal.close)
        self.url = f"http://127.0.0.1:{server.start(timeout)}"
        self._server = server

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.stop(timeout)
            self._server = None


class SandboxEnvironment:
    """The sandbox, its relay and the settings that point the app at them."""

    def __init__(
        self,
        *,
        opportunities: int | None = None,
        tick: float | None = None,
        first_drafts: int | None = None,
        rate: float = 10.0,
        burst: int = 20,
    ) -> None:
        # Module-level defaults read now (not at import), so tests and benches can shrink them.
        self.opportunities = opportunities or SANDBOX_OPPORTUNITIES
        self.tick = tick if tick is not None else INTERVIEW_EVERY_S
        self.first_drafts = first_drafts if first_drafts is not None else FIRST_RUN_DRAFTS
        self.rate, self.burst = rate, burst
        self.server: Any = None
        self.relay: ThreadedRelay | None = None
        self.settings = config.Settings(sandbox=True)
        self._saved_environment: dict[str, str | None] = {}

    @property
    def database_path(self) -> Path:
        sandbox_dir()
        return paths.sandbox_database_path()

    def start(self) -> config.Account:
        from lever_desktop.sandbox.clock import SandboxClock
        from lever_desktop.sandbox.server import SandboxServer

        here = sandbox_dir()
        # Each run simulates a fresh Lever (new webhook signature tokens): yesterday's relay
        # items would only fail their signature check, so the relay starts empty.
        (here / "relay.sqlite3").unlink(missing_ok=True)
        self.relay = ThreadedRelay(here / "relay.sqlite3")
        self.relay.start()
        tokens_file = here / "webhook-tokens.json"
        self.server = SandboxServer(
            opportunities=self.opportunities,
            seed=1,
            api_key="sandbox-" + secrets.token_hex(8),
            rate=self.rate,
            burst=self.burst,
            relay_url=self.relay.url,
            relay_ingest_token=self.relay.ingest_token,
            webhook_tokens_file=tokens_file,
            clock=SandboxClock(tick_seconds=self.tick),
            model=True,
        )
        self.server.start()
        self._point_drafter_at_the_model()
        for value in (self.server.api_key, self.relay.reader_token, self.relay.ingest_token):
            applog.register_secret(value)
        webhook_tokens = _read_tokens(tokens_file)
        tokens_file.unlink(missing_ok=True)  # in memory from here on: nothing to leak on disk
        for v in webhook_tokens.values():
            applog.register_secret(v)
        self._seed_drafts(here / "drafts-seeded")
        _log.info("sandbox mode: Lever at %s, relay at %s", self.server.base_url, self.relay.url)
        return config.Account(
            api_key=self.server.api_key,
            base_url=self.server.base_url,
            relay_url=self.relay.url,
            relay_token=self.relay.reader_token,
            webhook_tokens=webhook_tokens,
        )

    def drafter_environment(self) -> dict[str, str]:
        """What points the drafter (``drafting/``, configured like the SDKs) at the sandbox model."""
        model = self.server.model
        return {
            "LEVER_DRAFTER_PROVIDER": "anthropic",
            "LEVER_DRAFTER_MODEL": SANDBOX_MODEL_NAME,
            "ANTHROPIC_BASE_URL": model.anthropic_base_url,
            "ANTHROPIC_API_KEY": SANDBOX_MODEL_KEY,
        }

    def _point_drafter_at_the_model(self) -> None:
        """Draft with AI needs no key in the sandbox, and never reaches a real provider: the
        variables the drafter reads (which override settings and keychain) name the sandbox model
        for as long as the sandbox runs, whatever the user's shell exported."""
        for name, value in self.drafter_environment().items():
            self._saved_environment.setdefault(name, os.environ.get(name))
            os.environ[name] = value
        _log.info("sandbox mode: drafting with the sandbox model at %s", self.server.model.anthropic_base_url)

    def _restore_environment(self) -> None:
        for name, value in self._saved_environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_environment.clear()

    def _seed_drafts(self, marker: Path) -> None:
        """A first run opens with a few drafts waiting, as a real morning would."""
        if marker.exists() or not self.first_drafts:
            return
        with httpx.Client(base_url=self.server.admin_url, timeout=10) as admin:
            for _ in range(self.first_drafts):
                admin.post("/interviews/complete", json={}).raise_for_status()
        marker.write_text("1", encoding="utf-8")

    def stop(self) -> None:
        self._restore_environment()
        if self.server is not None:
            self.server.stop()
            self.server = None
        if self.relay is not None:
            self.relay.stop()
            self.relay = None


def _read_tokens(path: Path) -> dict[str, str]:
    import json

    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}
