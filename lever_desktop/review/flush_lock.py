"""One outbox flusher per database at a time, across processes.

If the GUI and ``lever-desktop submit`` flushed together, one could read a
row the other is sending as "left in flight by a crash", find nothing in
Lever yet and send it again. An OS file lock prevents that, and the OS
releases it when its holder dies (even by kill -9), so a crash never leaves
the outbox locked.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from types import TracebackType

POLL_S = 0.05


class OutboxBusy(Exception):
    """Another Lever Desktop process is submitting from this outbox."""


def _try_lock(fd: int) -> bool:
    if os.name == "nt":  # pragma: no cover - exercised on Windows builds
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def _unlock(fd: int) -> None:
    if os.name == "nt":  # pragma: no cover
        import msvcrt

        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
        return
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_UN)


class FlushLock:
    def __init__(self, path: Path, timeout: float) -> None:
        self.path, self.timeout = path, timeout
        self._fd: int | None = None

    async def __aenter__(self) -> FlushLock:
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        # Polls the lock (not a timed guess): the holder may be another process.
        while not _try_lock(fd):
            if loop.time() >= deadline:
                os.close(fd)
                raise OutboxBusy("Another Lever Desktop process is submitting drafts; try again when it is done.")
            await asyncio.sleep(POLL_S)
        self._fd = fd
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                _unlock(fd)
            finally:
                os.close(fd)
