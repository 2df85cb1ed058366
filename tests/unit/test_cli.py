"""The command line frame: --help, --version, --basedir (subcommands are tested by their layers)."""

from __future__ import annotations

import logging
import subprocess
import sys

import pytest

from lever_desktop import __version__, cli, log, paths


@pytest.fixture(autouse=True)
def _remove_log_handlers():
    yield
    log.setup(None, level=logging.WARNING)


def test_help_lists_the_global_options(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for option in ("--basedir", "--sandbox", "--version", "--verbose"):
        assert option in out


def test_version(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--version"])
    assert info.value.code == 0
    assert capsys.readouterr().out.strip() == f"lever-desktop {__version__}"


def test_unknown_option_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--no-such-option"])
    assert info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


@pytest.mark.logs_warnings("it writes a warning to find it in the log")
def test_basedir_moves_every_directory_and_the_log(tmp_path, monkeypatch):
    seen = {}

    def fake_gui(args):
        seen["dirs"] = paths.dirs()
        logging.getLogger("lever_desktop.test").warning("hello from the cli test")
        return 0

    monkeypatch.setattr(cli, "_gui_entry", lambda: fake_gui)
    base = tmp_path / "elsewhere"
    assert cli.main(["--basedir", str(base)]) == 0
    dirs = seen["dirs"]
    assert all(p.is_relative_to(base) for p in (dirs.data, dirs.cache, dirs.config, dirs.log))
    assert "hello from the cli test" in (base / "log" / "lever-desktop.log").read_text(encoding="utf-8")


def test_without_basedir_the_current_one_is_kept(monkeypatch, _isolated_basedir):
    monkeypatch.setattr(cli, "_gui_entry", lambda: lambda args: 0)
    assert cli.main([]) == 0
    assert paths.basedir() == _isolated_basedir.resolve()


def test_python_dash_m_entry_point(tmp_path):
    run = subprocess.run(
        [sys.executable, "-m", "lever_desktop", "--basedir", str(tmp_path), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0 and run.stdout.strip() == f"lever-desktop {__version__}"


def test_sandbox_with_a_headless_command_says_how_instead_of_using_the_real_account(capsys, monkeypatch):
    monkeypatch.setenv("LEVER_API_KEY", "a-real-key-that-must-not-be-used")
    assert cli.main(["--sandbox", "sync"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("lever-desktop sync: --sandbox applies to the app window only")
    assert "lever-sandbox" in err and "LEVER_BASE_URL" in err
