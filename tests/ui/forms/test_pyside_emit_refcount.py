"""Guard against PySide6 6.12.0's emit() bug, which every form edit would trigger.

In 6.12.0 each ``Signal.emit()`` called from Python drops a reference to ``True``; on CPython
3.11 the process aborts ("bool_dealloc") after about a thousand emits. pyproject.toml excludes
that release; this test fails if a broken build comes back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    changed = Signal()
    flag = Signal(bool)


def test_emitting_signals_does_not_leak_references_to_true(qapp):
    emitter = _Emitter()
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.changed.emit()
        emitter.flag.emit(True)
    assert sys.getrefcount(True) >= before - 20  # other threads may drop a few of their own
