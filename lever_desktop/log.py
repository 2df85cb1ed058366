"""Logging: a rotating file in the log dir, with secrets redacted.

The window starts with a plain file handler on the same file and turns it into the rotating one once it
has started (``rotate_from_now``): ``logging.handlers`` (with socket, pickle and queue) is ~7 ms that the
first paint need not wait for. Commands log to the rotating file from the start.

The redaction filter removes every registered secret value (API key, relay
tokens, webhook signature tokens) and anything that looks like an
``Authorization`` header or Basic/Bearer credential, from the message, its
arguments and any exception text, before a handler sees the record. It also
keeps each record one record: text from outside (an event name in a relay item
anyone may post, Lever's messages) is escaped, and lines after a record's first
are indented, so no value can forge a log line, send a terminal escape to a
console handler or (a lone surrogate) fail the write.
"""

from __future__ import annotations

import base64
import functools
import logging
import os
import re
import stat
import sys
import threading
import traceback
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lever_desktop.untrusted import printable

if TYPE_CHECKING:
    import logging.handlers

REDACTED = "[REDACTED]"
_log = logging.getLogger(__name__)

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_PATTERNS = [
    re.compile(r"(?i)(authorization\s*[:=]\s*)(basic|bearer)?\s*[^\s,'\"}]+"),
    re.compile(r"(?i)\b(basic|bearer)\s+[A-Za-z0-9+/=._~-]{8,}"),
    re.compile(
        r"(?i)((?:api[_-]?key|token|signatureToken|signature_token|password|secret)[\"']?\s*[:=]\s*[\"']?)[^\s,'\"&}]{6,}"
    ),
]


def register_secret(value: str | None) -> None:
    """Make sure ``value`` never reaches a log record."""
    if value and len(value) >= 4:
        # Lever's Basic credential is base64("key:"): the encoded form is as good as the key.
        encoded = base64.b64encode(f"{value}:".encode()).decode("ascii")
        with _secrets_lock:
            _secrets.update((value, encoded, encoded.rstrip("=")))


def redact(text: str) -> str:
    with _secrets_lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for s in secrets:
        if s in text:
            text = text.replace(s, REDACTED)
    text = _PATTERNS[0].sub(lambda m: m.group(1) + REDACTED, text)
    text = _PATTERNS[1].sub(lambda m: m.group(1) + " " + REDACTED, text)
    text = _PATTERNS[2].sub(lambda m: m.group(1) + REDACTED, text)
    return text


def _one_record(text: str) -> str:
    """``text`` escaped line by line (control and bidi characters, lone surrogates), every line after
    the first indented: a record starts at column 0 with its time, so none can be forged."""
    return "\n    ".join(printable(line) for line in text.split("\n"))


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string must not lose the record
            message = f"{record.msg!r} {record.args!r}"
        if record.exc_info and record.exc_info[1] is not None:
            exc_text = "".join(traceback.format_exception(*record.exc_info))
            record.exc_text = _one_record(redact(exc_text).rstrip("\n"))
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = _one_record(redact(record.exc_text))
        if record.stack_info:
            record.stack_info = _one_record(redact(record.stack_info))
        record.msg = _one_record(redact(message))
        record.args = None
        return True


class QuietWhenFailing:
    """A handler that cannot write (a full disk, a vanished drive) says so in one stderr line,
    once, instead of logging's "--- Logging error ---" traceback per record; it stays quiet
    until a record is written again, and speaks again if writing fails after that."""

    _failing = False
    _failed_now = False

    def emit(self, record: logging.LogRecord) -> None:
        self._failed_now = False
        super().emit(record)  # type: ignore[misc]  # calls handleError instead of raising
        if not self._failed_now:
            self._failing = False

    def handleError(self, record: logging.LogRecord) -> None:
        self._failed_now = True
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):  # a bug, not the disk: logging's own report
            super().handleError(record)  # type: ignore[misc]
            return
        if self._failing:
            return
        self._failing = True
        reason = getattr(error, "strerror", None) or type(error).__name__
        where = getattr(self, "baseFilename", None) or "stderr"
        try:
            print(
                f"lever-desktop: cannot write the log {where} ({reason}); logging pauses until it can write again.",
                file=sys.stderr,
                flush=True,
            )
        except Exception:  # noqa: BLE001 - no stderr (windowed app) or a broken one: nothing more to do
            pass

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]
        except OSError:  # the last flush of a full disk: already said, nothing left to do
            pass


class QuietStreamHandler(QuietWhenFailing, logging.StreamHandler):
    """stderr (``--verbose``)."""


class _PrivateFile:
    """Every log file, the first and each one a rollover starts, is readable by the user only."""

    def _open(self):  # type: ignore[no-untyped-def]
        stream = super()._open()  # type: ignore[misc]
        if os.name == "posix" and stat.S_ISREG(os.fstat(stream.fileno()).st_mode):  # never chmod a device
            os.fchmod(stream.fileno(), 0o600)
        return stream


class PrivateFileHandler(QuietWhenFailing, _PrivateFile, logging.FileHandler):
    """The window's log file until it has started (``rotate_from_now``)."""


@functools.cache
def _rotating_handler_class() -> type[logging.handlers.RotatingFileHandler]:
    import logging.handlers

    class PrivateRotatingFileHandler(QuietWhenFailing, _PrivateFile, logging.handlers.RotatingFileHandler):
        """The log file, rolled over at 5 MB, five kept."""

    PrivateRotatingFileHandler.__qualname__ = "PrivateRotatingFileHandler"  # as if made at the module's top
    return PrivateRotatingFileHandler


def __getattr__(name: str) -> Any:
    if name == "PrivateRotatingFileHandler":  # made on first use: see the module's docstring
        return _rotating_handler_class()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"
_installed: list[logging.Handler] = []


def setup(
    log_dir: Path | None = None, level: int = logging.INFO, *, console: bool = False, rotate: bool = True
) -> Path | None:
    """Install the log file handler (and optionally stderr), both redacting. ``rotate=False``: a plain
    file handler until ``rotate_from_now()`` (the window, before its first paint)."""
    root = logging.getLogger()
    for h in _installed:
        root.removeHandler(h)
        h.close()
    _installed.clear()
    root.setLevel(level)
    path = None
    handlers: list[logging.Handler] = []
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = log_dir / "lever-desktop.log"
        handlers.append(_rotating_file(path) if rotate else PrivateFileHandler(path, encoding="utf-8"))
    if console:
        handlers.append(QuietStreamHandler())
    for h in handlers:
        _install(root, h)
    if path is not None and path.is_file():
        try:
            path.chmod(0o600)
        except OSError:
            pass
    return path


def rotate_from_now() -> None:
    """The plain log file handler ``setup(rotate=False)`` installed becomes the rotating one. A record another
    thread logs meanwhile is written once: the root's handlers are replaced by a new list in one step, never
    changed under a thread going through them (added then removed, a record went to both file handlers and
    skipped ``--verbose``'s stderr). If the file cannot be opened again, the plain handler stays."""
    root = logging.getLogger()
    for h in list(_installed):
        if type(h) is not PrivateFileHandler:
            continue
        try:
            rotating = _rotating_file(Path(h.baseFilename))
        except OSError as e:
            _log.warning("the log keeps its plain file (no rotation this session): %s", e.strerror or e)
            continue
        _configure(rotating)
        rotating._failing = h._failing  # type: ignore[attr-defined]  # a full disk already said: not said again
        root.handlers = [rotating if x is h else x for x in root.handlers]
        _installed[_installed.index(h)] = rotating
        h.close()


def _rotating_file(path: Path) -> logging.Handler:
    return _rotating_handler_class()(path, maxBytes=5_000_000, backupCount=5, encoding="utf-8")


def _install(root: logging.Logger, handler: logging.Handler) -> None:
    _configure(handler)
    root.addHandler(handler)
    _installed.append(handler)


def _configure(handler: logging.Handler) -> None:
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.addFilter(RedactingFilter())
