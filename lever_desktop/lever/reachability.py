"""Whether Lever answered the last request that got a verdict: online/offline as a fact, not a guess.

Every request to one Lever address reports here (sync, the outbox, an account check), through
one ``Reachability`` per address shared by every client of it (like the rate limiter). An answer
from Lever is Lever answering (even a 400, a 429 or a 500); a connection that fails, or a
gateway's 502/503/504 left after the retries, is Lever not answering. Listeners hear each
change, on the loop that made the request, so the status bar turns Online on the first real
answer after an outage, whoever asked.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from lever_desktop.observers import Listeners


class Reachability:
    def __init__(self) -> None:
        self.reachable: bool | None = None  # None: nothing asked yet
        self._events: Listeners[bool] = Listeners()

    def subscribe(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        """``listener(reachable)`` on each change; returns the function that unsubscribes."""
        return self._events.subscribe(listener)

    def report(self, reachable: bool) -> None:
        changed = reachable != self.reachable
        self.reachable = reachable
        if changed:
            self._events.emit(reachable)


_by_origin: dict[str, Reachability] = {}
_lock = threading.Lock()


def of(origin: str) -> Reachability:
    """The one Reachability of a Lever address (scheme://host:port)."""
    with _lock:
        return _by_origin.setdefault(origin, Reachability())
