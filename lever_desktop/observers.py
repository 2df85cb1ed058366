"""Plain observer lists: how a core service tells whoever listens (a window, the CLI, a test).

No Qt here: ui/ bridges these callbacks to signals. Listeners are called on the
service's loop; one that raises is logged and the rest still hear the event, so a
broken view never stops the service that informs it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar

_log = logging.getLogger(__name__)

E = TypeVar("E")


class Listeners(Generic[E]):
    def __init__(self) -> None:
        self._listeners: list[Callable[[E], None]] = []

    def subscribe(self, listener: Callable[[E], None]) -> Callable[[], None]:
        """Add a listener; returns the function that removes it (call it when a widget dies)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def emit(self, event: E) -> None:
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:  # noqa: BLE001 - a broken listener must not break the service; logged in full
                _log.exception("listener %r failed on %r", listener, event)
