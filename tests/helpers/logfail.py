"""A test fails on a logged warning or error it did not expect (after qutebrowser's logfail).

A warning in the log is something a recruiter's log would show: a test that provokes one on
purpose says so, either by reading the log itself (it requests ``caplog`` and asserts on it) or
with ``@pytest.mark.logs_warnings("why")``. Anything else logged at WARNING or above — from the
test, its fixtures, or a thread they started (the sandbox's server) — fails it, with the records.
What is logged once the test is over (a request still in flight when its fixtures stop the sandbox)
is not the test's doing and is not judged: recording ends when teardown begins.
Loaded by tests/conftest.py (``pytest_plugins``).
"""

from __future__ import annotations

import logging

import pytest


class LogFailHandler(logging.Handler):
    """Keeps the records of WARNING and above; the test's teardown judges them (emit may be on any thread)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []
        self.recording = True

    def emit(self, record: logging.LogRecord) -> None:
        if self.recording:
            self.records.append(record)


_HANDLER = pytest.StashKey[LogFailHandler]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None):
    handler = item.stash.get(_HANDLER, None)
    if handler is not None:
        handler.recording = False
    return (yield)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "logs_warnings(reason): the test logs a WARNING or ERROR on purpose (logfail lets it pass)"
    )


def _expects_log_warnings(request: pytest.FixtureRequest) -> bool:
    return request.node.get_closest_marker("logs_warnings") is not None or "caplog" in request.fixturenames


@pytest.fixture(autouse=True)
def _fail_on_logged_warnings(request: pytest.FixtureRequest):
    handler = LogFailHandler()
    request.node.stash[_HANDLER] = handler
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.records and not _expects_log_warnings(request):
        lines = "\n".join(f"  {r.levelname} {r.name}: {r.getMessage()}" for r in handler.records)
        pytest.fail(
            f"the test logged {len(handler.records)} unexpected warning(s) or error(s) "
            f"(mark it logs_warnings if it means to):\n{lines}",
            pytrace=False,
        )
