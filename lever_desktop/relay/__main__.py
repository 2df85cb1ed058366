"""``lever-relay``: run the reference relay server.

Tokens come from ``--ingest-token``/``--reader-token`` or, better (command lines are visible to
other users of the machine), from ``LEVER_RELAY_INGEST_TOKEN``/``LEVER_RELAY_READER_TOKEN``.
Several tokens may be given comma-separated (e.g. one reader token per desktop).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
from collections.abc import Sequence

import uvicorn

from lever_desktop import log as applog
from lever_desktop.relay import limits
from lever_desktop.relay.server import MAX_BODY, RelayConfig, create_app
from lever_desktop.relay.storage import redacted_url
from lever_desktop.serving import KEEP_ALIVE_S, Server

DEFAULT_DB = "sqlite:///lever-relay.sqlite3"


def _tokens(raw: str | None) -> tuple[str, ...]:
    return tuple(t.strip() for t in (raw or "").split(",") if t.strip())


def build_parser() -> argparse.ArgumentParser:
    env = os.environ
    p = argparse.ArgumentParser(
        prog="lever-relay", description="Relay Lever webhooks and AI drafts to Lever Desktop clients (protocol v1)."
    )
    p.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; put a TLS-terminating reverse proxy in front)",
    )
    p.add_argument(
        "--port", type=int, default=8790, help="port (0 = any free port; the chosen one is printed on stdout)"
    )
    # The help names the default, never the value from the environment: a PostgreSQL URL
    # carries a password, and `lever-relay --help` must not print it.
    p.add_argument(
        "--db",
        default=env.get("LEVER_RELAY_DB", DEFAULT_DB),
        metavar="URL",
        help=f"SQLAlchemy URL: sqlite:///path (default {DEFAULT_DB}) or "
        "postgresql://user:pass@host/db (env LEVER_RELAY_DB)",
    )
    p.add_argument(
        "--ingest-token",
        default=env.get("LEVER_RELAY_INGEST_TOKEN"),
        help="token(s) the drafting pipeline presents (env LEVER_RELAY_INGEST_TOKEN)",
    )
    p.add_argument(
        "--reader-token",
        default=env.get("LEVER_RELAY_READER_TOKEN"),
        help="token(s) the desktops present (env LEVER_RELAY_READER_TOKEN)",
    )
    p.add_argument("--retention-days", type=float, default=30.0, help="keep items this long (default 30)")
    p.add_argument(
        "--poll-interval",
        type=float,
        default=0.25,
        help="seconds between looks for other relay processes' inserts while readers wait",
    )
    p.add_argument("--max-body", type=int, default=MAX_BODY, help="largest accepted body in bytes")
    p.add_argument(
        "--max-connections",
        type=int,
        default=limits.DEFAULT_MAX_CONNECTIONS,
        help="open connections at most (default %(default)s, lowered to fit the open-file limit); "
        "past it the longest-idle connection is dropped",
    )
    p.add_argument(
        "--header-timeout",
        type=float,
        default=10.0,
        help="seconds a client has to send a request's head (default %(default)s)",
    )
    p.add_argument(
        "--body-timeout",
        type=float,
        default=10.0,
        help="seconds a client has to send a request's body (default %(default)s)",
    )
    p.add_argument("--no-access-log", action="store_true", help="do not log every request")
    p.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    ingest, reader = _tokens(args.ingest_token), _tokens(args.reader_token)
    for t in ingest + reader:
        applog.register_secret(t)
    applog.setup(None, level=getattr(logging, args.log_level.upper()), console=True)
    limits.rate_limit_logs()
    missing = [n for n, v in (("--ingest-token", ingest), ("--reader-token", reader)) if not v]
    if missing:
        print(
            f"lever-relay: {' and '.join(missing)} required (or LEVER_RELAY_INGEST_TOKEN / "
            "LEVER_RELAY_READER_TOKEN in the environment)",
            file=sys.stderr,
        )
        return 2
    config = RelayConfig(
        db_url=args.db,
        ingest_tokens=ingest,
        reader_tokens=reader,
        retention_days=args.retention_days,
        poll_interval=args.poll_interval,
        max_body=args.max_body,
        body_timeout=args.body_timeout,
    )
    app = create_app(config)
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and without it
    # every response (headers and body are separate writes) stalls 40 ms on delayed ACKs.
    sock = socket.socket(
        socket.AF_INET6 if ":" in args.host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP
    )
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as e:
        print(f"lever-relay: cannot listen on {args.host}:{args.port} ({e.strerror})", file=sys.stderr)
        return 1
    # Listen before announcing the port: early clients wait in the backlog instead of being refused.
    sock.listen(limits.ACCEPT_BURST)
    host, port = sock.getsockname()[:2]
    cap = limits.connection_cap(args.max_connections)
    protocol = type(
        "RelayH11Protocol",
        (limits.GuardedH11Protocol,),
        {"header_timeout": args.header_timeout, "max_connections": cap},
    )
    server = Server(
        uvicorn.Config(
            app,
            log_config=None,
            access_log=not args.no_access_log,
            timeout_graceful_shutdown=5,
            proxy_headers=True,
            http=protocol,
            # The cap above sheds idle connections; this one bounds requests
            # in progress (503 past it).
            limit_concurrency=cap + 1,
            timeout_keep_alive=KEEP_ALIVE_S,  # idle connections past the cap are shed first (limits.py)
            backlog=limits.ACCEPT_BURST,
            h11_max_incomplete_event_size=limits.MAX_HEADER_BYTES,
        ),
        on_exit=app.state.signal.close,
    )  # release long-polling readers at once
    print(
        f"lever-relay listening on http://{host}:{port} (database {redacted_url(config.db_url)}, "
        f"at most {cap} connections)",
        flush=True,
    )
    try:
        asyncio.run(server.serve(sockets=[sock]))
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
