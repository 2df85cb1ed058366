"""A log on a full disk costs one stderr line, not a "--- Logging error ---" traceback per record;
quiet until a write succeeds again, one line again if it fails after that."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from lever_desktop import log

FULL = "/dev/full"  # every write to it fails with ENOSPC, like a full disk
pytestmark = pytest.mark.skipif(not os.path.exists(FULL), reason="needs /dev/full (Linux)")


@pytest.fixture
def full_log(tmp_path):
    """The app's log file is on a full device (a symlink to /dev/full)."""
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    (log_dir / "lever-desktop.log").symlink_to(FULL)
    mode = os.stat(FULL).st_mode
    log.setup(log_dir)
    yield next(h for h in logging.getLogger().handlers if isinstance(h, log.PrivateRotatingFileHandler))
    log.setup(None, level=logging.WARNING)
    assert os.stat(FULL).st_mode == mode  # the device was never made private to us


def _fill(n: int = 20) -> None:
    for i in range(n):  # past the file buffer, so every record reaches the device
        logging.getLogger("lever_desktop.test").warning("sync page %d %s", i, "x" * 9000)


@pytest.mark.logs_warnings("it logs warnings onto a full disk")
def test_a_full_disk_is_one_line_once(full_log, capsys):
    _fill()
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"lever-desktop: cannot write the log {full_log.baseFilename} "
        "(No space left on device); logging pauses until it can write again."
    ]
    _fill()
    assert capsys.readouterr().err == ""


@pytest.mark.logs_warnings("it logs warnings onto a full disk")
def test_it_speaks_again_only_after_writing_worked_in_between(full_log, capsys, tmp_path):
    _fill()
    capsys.readouterr()
    with open(tmp_path / "freed.log", "a", encoding="utf-8") as freed:  # space was freed
        full_device = full_log.setStream(freed)
        _fill(2)
        full_log.setStream(full_device)  # and filled up again
    _fill()
    assert len(capsys.readouterr().err.splitlines()) == 1
    assert "sync page 1" in (tmp_path / "freed.log").read_text(encoding="utf-8")


@pytest.mark.logs_warnings("it logs warnings onto a full disk")
def test_a_full_disk_is_one_line_once_also_when_the_windows_log_turns_rotating(tmp_path, capsys):
    """The window's plain log handler said the disk is full; the rotating one that follows it once the
    window has started does not say it again (it did: two lines for one full disk)."""
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    (log_dir / "lever-desktop.log").symlink_to(FULL)
    log.setup(log_dir, rotate=False)
    try:
        _fill()
        log.rotate_from_now()
        _fill()
        assert len(capsys.readouterr().err.splitlines()) == 1
    finally:
        log.setup(None, level=logging.WARNING)


def test_the_cli_on_a_full_disk_prints_one_line_and_still_works(tmp_path):
    basedir = tmp_path / "app"
    (basedir / "log").mkdir(parents=True)
    (basedir / "log" / "lever-desktop.log").symlink_to(FULL)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
    run = subprocess.run(
        [sys.executable, "-m", "lever_desktop", "--basedir", str(basedir), "-v", "drafts", "list"],
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run
    assert "Logging error" not in run.stderr and "Traceback" not in run.stderr
    assert run.stderr.count("cannot write the log") == 1
