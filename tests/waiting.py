"""Waiting on an effect another process produces (a log line, a row in its database).

Within one process, tests wait on signals and events. Across processes there is nothing to
subscribe to, so this polls the condition, briefly, until a deadline: the wait ends the moment
the effect is there, and the deadline turns a hang into a clear failure.
"""

from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T], timeout: float = 10.0, interval: float = 0.02,
               what: str = "condition") -> T:
    """Poll ``condition()`` until it returns something truthy (returned); fail after ``timeout``.

    ``condition`` may itself assert (e.g. that the process it waits on is still running).
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout:g} s")
        time.sleep(interval)  # polling interval of a deadline-bound wait on the condition
