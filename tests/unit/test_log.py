"""Secrets never reach the log file: not in messages, arguments, exceptions or tracebacks."""

from __future__ import annotations

import base64
import logging
import subprocess
import sys
import threading

import pytest

from lever_desktop import log

KEY = "lk_secret_5f4e3d2c1b0a99887766"


@pytest.fixture
def log_file(tmp_path):
    path = log.setup(tmp_path / "log")
    yield path
    log.setup(None, level=logging.WARNING)


def read(path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path.read_text(encoding="utf-8")


@pytest.mark.logs_warnings("it logs warnings to read them back redacted")
def test_a_registered_key_never_reaches_the_log_file(log_file):
    log.register_secret(KEY)
    logger = logging.getLogger("lever_desktop.test")
    logger.info("connecting with %s", KEY)
    logger.warning(f"inline {KEY}")
    try:
        try:
            raise ValueError(f"Lever said the key {KEY} is wrong")
        except ValueError as inner:
            raise RuntimeError("sync failed") from inner
    except RuntimeError:
        logger.exception("while syncing %s", {"api_key": KEY})
    logger.error("stack", stack_info=True, extra={"note": KEY})
    text = read(log_file)
    assert KEY not in text
    assert "connecting with [REDACTED]" in text and "Lever said the key [REDACTED] is wrong" in text
    assert "Traceback" in text and "sync failed" in text  # the detail stays, only the secret goes


@pytest.mark.logs_warnings("it logs warnings to read them back redacted")
def test_authorization_headers_and_credentials_are_redacted_even_unregistered(log_file):
    basic = base64.b64encode(b"unregistered-key-123:").decode()
    logger = logging.getLogger("lever_desktop.test")
    logger.warning("request headers Authorization: Basic %s", basic)
    logger.warning("headers %s", {"Authorization": f"Basic {basic}"})
    logger.warning("relay said Bearer abcdefghijklmnop123")
    logger.warning("config token=0123456789abcdef signatureToken: 73311ged32110cc4")
    text = read(log_file)
    for secret in (basic, "abcdefghijklmnop123", "0123456789abcdef", "73311ged32110cc4"):
        assert secret not in text
    assert text.count(log.REDACTED) >= 4


@pytest.mark.logs_warnings("it logs warnings to read them back redacted")
def test_a_broken_format_string_still_logs_redacted(log_file):
    log.register_secret(KEY)
    logging.getLogger("lever_desktop.test").warning("odd %s %s", KEY)
    text = read(log_file)
    assert "odd" in text and KEY not in text


def test_log_file_is_user_only(log_file):
    import os
    import stat

    if os.name == "posix":
        assert stat.S_IMODE(log_file.stat().st_mode) == 0o600


def test_short_or_empty_values_are_not_registered():
    log.register_secret("")
    log.register_secret(None)
    log.register_secret("ab")
    assert log.redact("ab cd") == "ab cd"


@pytest.mark.logs_warnings("it logs warnings to read them back redacted")
def test_a_value_cannot_forge_a_line_write_a_terminal_escape_or_fail_the_write(log_file, capfd):
    """An event name from a relay item anyone may post went into the log as typed: a newline forged a
    record, ESC sequences reached a console handler, and a lone surrogate made the file handler print
    Python's "--- Logging error ---" traceback and drop the record."""
    logger = logging.getLogger("lever_desktop.test")
    logger.warning(
        "relay item %d rejected: %s (event %s)",
        7,
        "bad-signature",
        "x\x1b]0;pwned\x07\n2026-01-01 00:00:00,000 ERROR   lever_desktop: forged",
    )
    logger.warning("event %s", "half a pair \ud800 here")
    try:
        raise ValueError("Lever said\nforged too")
    except ValueError:
        logger.exception("while reading")

    text = read(log_file)
    assert "--- Logging error ---" not in capfd.readouterr().err
    assert "\x1b" not in text and "\x07" not in text and "x\\x1b]0;pwned\\x07" in text
    assert "event half a pair \\ud800 here" in text
    starts = [line for line in text.splitlines() if not line.startswith(" ")]
    assert [s.split(": ", 1)[1] for s in starts if ": " in s][:3] == [
        "relay item 7 rejected: bad-signature (event x\\x1b]0;pwned\\x07",
        "event half a pair \\ud800 here",
        "while reading",
    ]
    assert all(line.startswith("20") or line.startswith("Traceback") for line in starts)


@pytest.mark.logs_warnings("it logs warnings to read them back")
def test_the_windows_plain_log_file_becomes_the_rotating_one_with_nothing_lost_or_unredacted(tmp_path):
    """The window logs to a plain file handler until it has painted (logging.handlers is imported after),
    then to the rotating one on the same file: every record is in the file, once, redacted."""
    path = log.setup(tmp_path / "log", rotate=False)
    try:
        log.register_secret(KEY)
        logger = logging.getLogger("lever_desktop.test")
        logger.warning("before the paint %s", KEY)
        [plain] = [h for h in logging.getLogger().handlers if isinstance(h, log.PrivateFileHandler)]
        assert not isinstance(plain, log.PrivateRotatingFileHandler)
        log.rotate_from_now()
        ours = (log.PrivateFileHandler, log.PrivateRotatingFileHandler)
        handlers = [h for h in logging.getLogger().handlers if isinstance(h, ours)]
        assert [type(h) for h in handlers] == [log.PrivateRotatingFileHandler]
        assert plain.stream is None  # closed: its file is the rotating handler's now
        logger.warning("after the paint %s", KEY)
        text = read(path)
        assert text.count("before the paint [REDACTED]") == 1 and text.count("after the paint [REDACTED]") == 1
        assert KEY not in text
        log.rotate_from_now()  # nothing plain is left: nothing changes
        assert [h for h in logging.getLogger().handlers if isinstance(h, ours)] == handlers
    finally:
        log.setup(None, level=logging.WARNING)


def test_the_log_module_imports_logging_handlers_only_when_a_rotating_file_is_made():
    code = (
        "import sys, tempfile, pathlib\n"
        "from lever_desktop import log\n"
        "d = pathlib.Path(tempfile.mkdtemp())\n"
        "log.setup(d, rotate=False)\n"
        "print('logging.handlers' in sys.modules)\n"
        "log.rotate_from_now()\n"
        "print('logging.handlers' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.logs_warnings("it logs a warning from another thread while the file handler changes")
def test_a_record_logged_by_another_thread_while_the_log_turns_rotating_is_written_once_everywhere(tmp_path, capsys):
    """A store or reader thread logging while the window turns its log rotating: the record is in the
    file once and on ``--verbose``'s stderr once (the plain handler was added then removed under the
    thread going through the handlers: the record went to both file handlers and skipped stderr)."""
    path = log.setup(tmp_path / "log", console=True, rotate=False)
    inside, go = threading.Event(), threading.Event()

    def held_on_the_plain_handler(record: logging.LogRecord) -> bool:
        if record.threadName == "store":  # the other thread, held between its file handler and stderr
            inside.set()
            assert go.wait(5)
        return True

    [plain] = [h for h in logging.getLogger().handlers if type(h) is log.PrivateFileHandler]
    plain.addFilter(held_on_the_plain_handler)
    try:
        store = threading.Thread(
            target=logging.getLogger("lever_desktop.store").warning, args=("written meanwhile",), name="store"
        )
        store.start()
        assert inside.wait(5)
        log.rotate_from_now()
        go.set()
        store.join(5)
        assert read(path).count("written meanwhile") == 1
        assert capsys.readouterr().err.count("written meanwhile") == 1
    finally:
        go.set()
        log.setup(None, level=logging.WARNING)
        plain.close()  # it reopened the file for the record it was holding


def test_a_log_file_that_cannot_be_opened_again_keeps_the_plain_handler(tmp_path, caplog):
    """The log folder changed under the window before it started (here the file's name is taken by a
    folder): it goes on logging to the file it has, says so once, and the start goes on."""
    path = log.setup(tmp_path / "log", rotate=False)
    try:
        assert path is not None
        logger = logging.getLogger("lever_desktop.test")
        logger.info("before")
        path.rename(tmp_path / "log" / "moved.log")
        path.mkdir()
        log.rotate_from_now()
        logger.info("after")
        ours = (log.PrivateFileHandler, log.PrivateRotatingFileHandler)
        assert [type(h) for h in logging.getLogger().handlers if isinstance(h, ours)] == [log.PrivateFileHandler]
        assert read(tmp_path / "log" / "moved.log").count("after") == 1
        assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == [
            "the log keeps its plain file (no rotation this session): Is a directory"
        ]
    finally:
        log.setup(None, level=logging.WARNING)
