"""``lever-sandbox``: the Lever simulator as a command.

lever-sandbox --opportunities 5000
curl -u sandbox-key: http://127.0.0.1:8765/v1/opportunities?limit=2
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence

from lever_desktop import paths
from lever_desktop.sandbox.clock import SandboxClock
from lever_desktop.sandbox.faults import FaultSpecError
from lever_desktop.sandbox.server import SandboxServer

API_KEY_ENV = "LEVER_SANDBOX_API_KEY"
RELAY_TOKEN_ENV = "LEVER_RELAY_INGEST_TOKEN"  # the same variable lever-relay reads
DEFAULT_API_KEY = "sandbox-key"


def default_webhook_tokens_file():
    """Where ``lever-desktop --sandbox`` looks for the relay's webhook signature tokens."""
    return paths.data_dir() / "sandbox-webhook-tokens.json"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lever-sandbox", description="A faithful Lever API v1 simulator on loopback.")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765, help="0 picks a free port (default 8765)")
    p.add_argument("--opportunities", type=int, default=500, metavar="N")
    p.add_argument("--seed", type=int, default=1)
    # Secrets also from the environment: other users can read a process's command line.
    p.add_argument(
        "--api-key",
        default=os.environ.get(API_KEY_ENV) or DEFAULT_API_KEY,
        help=f"the key clients send as the Basic-auth user name (or {API_KEY_ENV}; default {DEFAULT_API_KEY!r})",
    )
    p.add_argument("--rate", type=float, default=10.0, help="token bucket refill, requests/s (Lever: 10)")
    p.add_argument("--burst", type=int, default=20, help="token bucket size (Lever: 20)")
    p.add_argument("--retry-after", action="store_true", help="send Retry-After on 429 (Lever does not document one)")
    p.add_argument("--relay", metavar="URL", help="register this relay for every webhook and post drafts to it")
    p.add_argument(
        "--relay-token",
        metavar="TOKEN",
        default=os.environ.get(RELAY_TOKEN_ENV) or None,
        help=f"the relay's ingest token for POST /drafts (or {RELAY_TOKEN_ENV})",
    )
    p.add_argument(
        "--webhook-tokens-file",
        metavar="PATH",
        help="where to write {event: signatureToken} (0600); default: the app's data dir",
    )
    p.add_argument("--faults", metavar="SPEC", help="fault rules, e.g. 'status=503,rate=0.1;latency=0.5,path=/users'")
    p.add_argument(
        "--tick",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="the clock: complete/schedule an interview every SECONDS (0 = never)",
    )
    # Off by default: a template edited every few minutes would invalidate the drafts someone is
    # importing and approving by hand (the README's sample flow); tests drift through the admin API.
    p.add_argument(
        "--drift-every",
        type=int,
        default=0,
        metavar="TICKS",
        help="the clock also changes a feedback template every TICKS ticks (default 0 = never; "
        "POST /_sandbox/templates/drift changes one on demand)",
    )
    p.add_argument(
        "--model-port",
        type=int,
        metavar="PORT",
        help="the sandbox model (Anthropic Messages and OpenAI chat completions) listens here "
        "(default: the next port, 8766; a free one with --port 0)",
    )
    p.add_argument("--no-model", action="store_true", help="do not serve the sandbox model")
    p.add_argument(
        "--model-faults",
        metavar="SPEC",
        help="the model's faults, e.g. 'rate-limit=1,count=2;invalid-json,count=1' "
        "(see lever_desktop/sandbox/model_faults.py)",
    )
    p.add_argument("--basedir", metavar="DIR", help="the app's basedir (for the default tokens file)")
    p.add_argument("-v", "--verbose", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
    )
    paths.set_basedir(args.basedir)
    tokens_file = args.webhook_tokens_file or (default_webhook_tokens_file() if args.relay else None)
    started = time.perf_counter()
    try:
        server = SandboxServer(
            opportunities=args.opportunities,
            seed=args.seed,
            api_key=args.api_key,
            rate=args.rate,
            burst=args.burst,
            relay_url=args.relay,
            relay_ingest_token=args.relay_token,
            webhook_tokens_file=tokens_file,
            faults=args.faults,
            clock=SandboxClock(tick_seconds=args.tick or None, drift_every=max(0, args.drift_every)),
            host=args.host,
            port=args.port,
            retry_after=args.retry_after,
            model=not args.no_model,
            model_port=args.model_port if args.model_port is not None else args.port and args.port + 1,
            model_faults=args.model_faults,
        )
        server.start()
    except FaultSpecError as e:
        print(f"lever-sandbox: --faults/--model-faults: {e}", file=sys.stderr)
        return 2
    except (RuntimeError, OSError) as e:
        print(f"lever-sandbox: {e}", file=sys.stderr)
        return 1
    print(
        f"Lever sandbox ready in {time.perf_counter() - started:.2f}s with {args.opportunities} opportunities\n"
        f"  API:   {server.base_url}  (Basic auth: user {_shown_key(args.api_key)}, empty password)\n"
        f"  admin: {server.admin_url}/  (loopback only)",
        flush=True,
    )
    if server.model is not None:
        print(
            f"  model: ANTHROPIC_BASE_URL={server.model.anthropic_base_url} "
            f"OPENAI_BASE_URL={server.model.openai_base_url}  (any API key)",
            flush=True,
        )
    if tokens_file and args.relay:
        print(f"  webhook signature tokens: {tokens_file}", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    server.stop()
    return 0


def _shown_key(key: str) -> str:
    """The well-known default is printed; a chosen key is not (logs and terminals are shared too)."""
    return repr(key) if key == DEFAULT_API_KEY else f"the key in {API_KEY_ENV} or --api-key"


if __name__ == "__main__":
    sys.exit(main())
