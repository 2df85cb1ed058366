"""The core's one observer list: every listener hears each event, a broken one is logged, not fatal."""

from __future__ import annotations

import logging

from lever_desktop.observers import Listeners


def test_a_broken_listener_is_logged_and_the_others_still_hear(caplog):
    listeners: Listeners[str] = Listeners()
    heard: list[str] = []

    def broken(_event: str) -> None:
        raise RuntimeError("a view that died")

    listeners.subscribe(broken)
    unsubscribe = listeners.subscribe(heard.append)
    with caplog.at_level(logging.ERROR, logger="lever_desktop.observers"):
        listeners.emit("flushed")
    assert heard == ["flushed"]
    assert [r.exc_info[0] for r in caplog.records] == [RuntimeError]
    caplog.clear()
    unsubscribe()
    unsubscribe()  # twice is harmless (a widget closed twice)
    listeners.emit("again")
    assert heard == ["flushed"]
