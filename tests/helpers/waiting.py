"""Waiting on an effect: the one ``wait_until``, blocking or awaited.

Where there is something to subscribe to (an ``asyncio.Event`` a fake sets), the wait re-checks
each time it is set. Where there is nothing — another process's log line, a row in its database,
a task of the same loop — this polls the condition, briefly, until a deadline: the wait ends the
moment the effect is there, and the deadline turns a hang into a clear failure.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T], timeout: float = 10.0, interval: float = 0.02, what: str = "condition") -> T:
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


async def wait_until_async(
    condition: Callable[[], T], timeout: float = 10.0, *, changed: asyncio.Event | None = None, what: str = "condition"
) -> T:
    """``wait_until`` for a coroutine: the loop runs the awaited work in between the checks.

    With ``changed``, re-check each time it is set (and clear it) instead of polling.
    """
    try:
        async with asyncio.timeout(timeout):
            while not (value := condition()):
                if changed is None:
                    await asyncio.sleep(0.01)  # polling a deadline-bound wait; the loop runs in between
                else:
                    await changed.wait()
                    changed.clear()
            return value
    except TimeoutError:
        raise AssertionError(f"{what} not met within {timeout:g} s") from None
