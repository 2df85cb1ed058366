"""The command-line frame's last line of defence: an error no command mapped is one redacted sentence."""

from __future__ import annotations

import logging

import pytest

from lever_desktop import cli, log, paths
from lever_desktop.review import commands as review_commands

KEY = "unmapped-secret-MARKER-4411"


@pytest.fixture(autouse=True)
def _remove_log_handlers():
    yield
    log.setup(None, level=logging.WARNING)


@pytest.mark.logs_warnings("the unmapped error is logged with its traceback")
def test_an_unmapped_error_is_one_redacted_line_and_a_logged_traceback(monkeypatch, capsys):
    log.register_secret(KEY)

    async def broken(args):
        raise RuntimeError(f"the drafter sent {KEY} where a list was expected")

    monkeypatch.setattr(review_commands, "_list", broken)
    assert cli.main(["drafts", "list"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("lever-desktop drafts: unexpected error: RuntimeError: the drafter sent [REDACTED]")
    assert "Traceback" not in err and KEY not in err and len(err.splitlines()) == 1
    logged = (paths.log_dir() / "lever-desktop.log").read_text(encoding="utf-8")
    assert "Traceback" in logged and "drafts failed" in logged and KEY not in logged


def test_relay_help_does_not_print_the_database_password_from_the_environment(monkeypatch, capsys):
    from lever_desktop.relay import __main__ as relay_main

    monkeypatch.setenv("LEVER_RELAY_DB", "postgresql://relay:pg-pass-MARKER-9@db.internal/relay")
    with pytest.raises(SystemExit) as done:
        relay_main.main(["--help"])
    out = capsys.readouterr().out
    assert done.value.code == 0 and "--db URL" in out and "sqlite:///lever-relay.sqlite3" in out
    assert "pg-pass-MARKER-9" not in out and "db.internal" not in out
