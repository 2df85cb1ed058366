"""Command line: the GUI by default, headless subcommands for scripts and CI.

Each subcommand lives with its layer (``lever_desktop/<layer>/commands.py``)
and registers itself through ``register(subparsers)``; a subcommand appears
here only once its layer exists.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from lever_desktop import __version__, log, paths
from lever_desktop.untrusted import echo

# Modules with ``register(subparsers)``; each sets ``func(args) -> int`` on its parser.
COMMAND_MODULES: list[str] = [
    "lever_desktop.review.commands",
    "lever_desktop.drafting.commands",  # adds `drafts create` to review's `drafts`
    "lever_desktop.sync.commands",
    "lever_desktop.relay.commands",
    "lever_desktop.webhooks.commands",
    "lever_desktop.store.commands",
    "lever_desktop.ui.commands",
]


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The command line; ``commands=False``: the app window's options only, without importing the commands'
    modules (httpx, SQLAlchemy, pydantic: over half a second before the window could paint)."""
    parser = argparse.ArgumentParser(
        prog="lever-desktop",
        description="Review AI-drafted interview feedback and submit it to Lever as the interviewer.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--basedir", metavar="DIR", help="keep all data, cache, config and logs under DIR")
    parser.add_argument("--sandbox", action="store_true", help="run against the embedded Lever simulator")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    if not commands:
        return parser
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


OPTIONS_WITH_A_VALUE = ("--basedir",)


def names_a_command(argv: Sequence[str]) -> bool:
    """Does ``argv`` name a command (or ask for help, which lists them)? If not, it opens the window."""
    values_next = False
    for arg in argv:
        if values_next:
            values_next = False
        elif arg in ("-h", "--help") or not arg.startswith("-"):
            return True
        elif arg in OPTIONS_WITH_A_VALUE:
            values_next = True
    return False


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(commands=names_a_command(argv))
    args = parser.parse_args(argv)
    if args.basedir:  # else keep what is set (platform defaults in a fresh process; the tests' basedir)
        paths.set_basedir(args.basedir)
    func = getattr(args, "func", None)
    try:
        log.setup(
            paths.log_dir(),
            level=logging.DEBUG if args.verbose else logging.INFO,
            console=args.verbose,
            rotate=func is not None,  # the window turns it rotating once it has started (log's docstring)
        )
    except OSError as e:  # e.g. --basedir names a file, or a folder we may not write to
        print(
            f"lever-desktop: cannot keep files in {e.filename or paths.dirs().log}: {e.strerror or e}", file=sys.stderr
        )
        return 2
    if func is None:
        gui = _gui_entry()
        if gui is None:
            parser.print_help()
            return 0
        return gui(args)
    if args.sandbox and args.command != "self-test":
        # The embedded sandbox lives as long as the GUI; a headless command would sync or submit
        # to a simulator that vanishes when it returns. Say how to do what was meant instead.
        print(
            f"lever-desktop {args.command}: --sandbox applies to the app window only. To run "
            f"'{args.command}' against a simulated Lever, start 'lever-sandbox' in another terminal "
            "and set LEVER_BASE_URL to the API address it prints and LEVER_API_KEY=sandbox-key.",
            file=sys.stderr,
        )
        return 2
    try:
        return int(func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except Exception as e:
        if _is_store_error(e):  # its message is the one line (damaged cache: which backup to restore)
            logging.getLogger("lever_desktop.cli").error("%s: %s", args.command, e, exc_info=e)
            print(f"lever-desktop {args.command}: {e}", file=sys.stderr)
            return 1
        # nobody mapped it to a message: one redacted line here, the traceback in the log
        logging.getLogger("lever_desktop.cli").exception("%s failed", args.command)
        detail = log.redact(str(e)).rstrip(". ") or "no detail"
        echo(
            f"lever-desktop {args.command}: unexpected error: {type(e).__name__}: {detail}. "
            f"The log in {paths.log_dir()} has the details.",
            file=sys.stderr,
        )
        return 1


def _is_store_error(e: BaseException) -> bool:
    # By name: importing the store here would load SQLAlchemy for every command and the GUI.
    return any(cls.__name__ == "StoreError" for cls in type(e).__mro__)


def _gui_entry():
    """The GUI's entry point, once the ui layer provides one."""
    try:
        from lever_desktop.ui import pyside_setup

        pyside_setup.skip_feature_scan()  # before the window's modules import (its docstring)
        mod = importlib.import_module("lever_desktop.ui.app")
    except ModuleNotFoundError as e:
        if e.name and e.name.startswith("lever_desktop.ui"):
            return None
        raise
    return getattr(mod, "run", None)


if __name__ == "__main__":
    sys.exit(main())
