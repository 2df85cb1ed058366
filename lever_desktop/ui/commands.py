"""``lever-desktop self-test``: is this installation healthy? (the installers' smoke test)

Qt is imported only inside the handler, so other commands never load it.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "self-test",
        help="offscreen smoke test: database, every form field type, a sandbox sync; exit 0 = healthy",
        description="Runs offscreen in a temporary basedir: opens the database, renders a feedback form "
        "with every field type, and syncs a few records from the embedded sandbox. Prints one line; "
        "exit code 0 means healthy.",
    )
    p.set_defaults(func=_self_test)


def _self_test(args: argparse.Namespace) -> int:
    from lever_desktop.ui.self_test import run

    return run()
