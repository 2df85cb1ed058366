"""Garbage is collected on the GUI thread only (ui/app.py ``collect_on_gui_thread``).

A collection that runs on the store's thread destroys the Qt objects it frees there; one did,
mid-query, and the UI suite died of a segfault. The app and this suite turn automatic
collection off and collect on a GUI-thread timer instead.
"""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject, Qt


def test_qt_garbage_is_destroyed_on_the_gui_thread_whatever_thread_allocates(qapp, qtbot):
    assert not gc.isenabled()
    destroyed_on: list[threading.Thread] = []
    obj = QObject()
    obj.myself = obj  # a reference cycle: only the collector frees it
    obj.destroyed.connect(
        lambda *_: destroyed_on.append(threading.current_thread()), Qt.ConnectionType.DirectConnection
    )
    del obj

    def allocate() -> None:  # like the store's thread building rows: enough to trigger collections
        for _ in range(20):
            junk = [[i] for i in range(10_000)]
            del junk

    worker = threading.Thread(target=allocate, name="store")
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive()
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=5_000)  # the GUI thread's timer collected it
    assert destroyed_on == [threading.main_thread()]
