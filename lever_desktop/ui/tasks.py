"""The one way widgets run async work (Anki's ``QueryOp`` idea, on qasync).

A widget hands ``TaskRunner.run`` a coroutine and, optionally, what to do with
its result or its failure. The runner keeps every task it started (so quitting
can cancel and await them), never calls back into a widget that Qt has already
deleted, routes failures nobody handled to the one error path, and tells tests
when everything it started has finished (``idle`` signal, ``wait_idle()``).

``latest=key`` is "newest result wins" for work a person re-asks faster than it
answers (a filter per keystroke): one task per key runs at a time, a newer
request replaces the one waiting to start, and the result of a task overtaken
while it ran is dropped, so a stale answer never replaces a fresh one. Its failure
is still told (``on_failure``, else the error path) while the newer work already
runs, so a handler can tell it is stale: ``busy(latest=key)`` is true then.

asyncio is imported where it is used, not here: the window's first paint makes its runner and
candidate list before asyncio and qasync (~45 ms) are imported (``ui/first_look.py``).
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QDialog

if TYPE_CHECKING:
    import asyncio

_log = logging.getLogger(__name__)

T = TypeVar("T")
ErrorSink = Callable[[BaseException, str], None]


def alive(obj: QObject | None) -> bool:
    """False once the C++ side of a Qt object is gone (a closed dialog, a removed page)."""
    return obj is None or shiboken6.isValid(obj)


class TaskRunner(QObject):
    """Starts, tracks and reports the coroutines the UI runs."""

    started = Signal(str)
    finished = Signal(str)
    idle = Signal()

    def __init__(self, on_error: ErrorSink, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._on_error = on_error
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False
        self._latest_running: set[str] = set()
        self._latest_waiting: dict[str, tuple[Coroutine[Any, Any, Any], dict[str, Any]]] = {}

    def run(
        self,
        work: Coroutine[Any, Any, T],
        *,
        owner: QObject | None = None,
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], bool | None] | None = None,
        name: str = "",
        latest: str | None = None,
    ) -> asyncio.Task[T] | None:
        """Run ``work`` on the loop.

        ``on_success(result)`` / ``on_failure(exc)`` run on the GUI thread, and
        only while ``owner`` is alive. ``on_failure`` returning ``True`` means
        "handled"; otherwise the error also goes to the application's error path.
        ``latest``: newest result wins among the work run under this key (module
        docstring); ``None`` is returned while the work waits for its turn.
        """
        if self._closing:
            work.close()  # never leave an unawaited coroutine behind
            return None
        callbacks = {"owner": owner, "on_success": on_success, "on_failure": on_failure, "name": name}
        if latest is not None:
            if latest in self._latest_running:
                replaced = self._latest_waiting.pop(latest, None)
                if replaced is not None:
                    replaced[0].close()
                self._latest_waiting[latest] = (work, callbacks)
                return None
            self._latest_running.add(latest)
        import asyncio

        name = name or getattr(work, "__qualname__", "task")
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        self.started.emit(name)

        def done(t: asyncio.Task[T]) -> None:
            self._tasks.discard(t)
            waiting = None
            if latest is not None:
                self._latest_running.discard(latest)
                waiting = self._latest_waiting.pop(latest, None)
            overtaken = waiting is not None
            if waiting is not None:
                self.run(waiting[0], latest=latest, **waiting[1])  # before idle: the work goes on
            try:
                # An overtaken task's result is stale: only its failure is still worth telling.
                self._deliver(t, name, owner, None if overtaken else on_success, on_failure)
            finally:
                if alive(self):
                    self.finished.emit(name)
                    if not self._tasks:
                        self.idle.emit()

        task.add_done_callback(done)
        return task

    def _deliver(self, task, name, owner, on_success, on_failure) -> None:
        if task.cancelled():
            return
        exc = task.exception()
        owner_alive = alive(owner)
        if exc is None:
            if on_success is not None and owner_alive:
                try:
                    on_success(task.result())
                except Exception as e:  # noqa: BLE001 - a bug in the callback: report, do not lose it
                    self._on_error(e, f"after {name}")
            return
        handled = False
        if on_failure is not None and owner_alive:
            try:
                handled = bool(on_failure(exc))
            except Exception as e:  # noqa: BLE001 - a bug in the failure handler is reported too
                self._on_error(e, f"while handling the failure of {name}")
        if not handled:
            self._on_error(exc, name)

    def busy(self, latest: str | None = None) -> bool:
        """Anything running; with ``latest``, anything running or waiting under that key."""
        if latest is not None:
            return latest in self._latest_running or latest in self._latest_waiting
        return bool(self._tasks)

    def pending(self) -> int:
        return len(self._tasks)

    async def wait_idle(self) -> None:
        """Wait until every task started so far (and those they start) has finished."""
        import asyncio

        while self._tasks:
            await asyncio.wait(set(self._tasks))

    async def shutdown(self) -> None:
        """Cancel and await everything; used when the application quits."""
        import asyncio

        self._closing = True
        for work, _callbacks in self._latest_waiting.values():
            work.close()
        self._latest_waiting.clear()
        tasks = set(self._tasks)
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)


class Supervisor(QObject):
    """Keeps the app's long-running tasks (relay poller, outbox loop, sync scheduler) alive.

    Such a task is meant to run until quit; if it fails unexpectedly, everything it serves
    stops with it (drafts stay on the relay, approvals in the outbox) and nobody would know.
    So it is restarted after a back-off that doubles with each failure in a row (``backoff`` =
    (first, cap) seconds; a run that lasted ``healthy_after`` s starts the count over), each
    failure is logged in full, and ``restarting(name, reason, delay)`` lets the window say so.
    Cancelling (quitting) still stops it: the runner tracks the supervising task.
    """

    restarting = Signal(str, str, float)  # task name, what went wrong (one line), seconds until restart

    def __init__(
        self,
        runner: TaskRunner,
        *,
        backoff: tuple[float, float] = (2.0, 300.0),
        healthy_after: float = 600.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.backoff, self.healthy_after = backoff, healthy_after
        self.restarts: dict[str, int] = {}

    def keep(self, name: str, start: Callable[[], Coroutine[Any, Any, Any]]) -> asyncio.Task[Any] | None:
        """Run ``start()`` now, and again after each unexpected failure, until it returns or is cancelled."""
        return self.runner.run(self._keep(name, start), name=name)

    async def _keep(self, name: str, start: Callable[[], Coroutine[Any, Any, Any]]) -> None:
        import asyncio

        loop = asyncio.get_running_loop()
        failures = 0
        while True:
            began = loop.time()
            try:
                await start()
                return
            except Exception as e:  # noqa: BLE001 - the task must come back; the log gets everything
                failures = 1 if loop.time() - began >= self.healthy_after else failures + 1
                first, cap = self.backoff
                delay = min(cap, first * 2 ** min(failures - 1, 16))
                self.restarts[name] = self.restarts.get(name, 0) + 1
                _log.error("%s stopped unexpectedly; restarting in %.0f s", name, delay, exc_info=e)
                if alive(self):
                    self.restarting.emit(name, type(e).__name__, delay)
                await asyncio.sleep(delay)


async def in_thread(fn: Callable[..., T], *args: Any) -> T:
    """Blocking work (big JSON, file reads) off the GUI thread.

    Its own small pool: the loop's default executor also resolves host names,
    and a slow job there would stall every HTTP connection.
    """
    import asyncio

    return await asyncio.get_running_loop().run_in_executor(_blocking, fn, *args)


_blocking = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="ui-blocking")


def import_modules(names: tuple[str, ...]) -> None:
    """Import ``names`` (run it ``in_thread``: libraries take long to import, and the window should keep
    answering). One that fails to import is skipped: a library reorganised its internals, and only a
    warm-up is lost (anything that needs it imports it and says why)."""
    import importlib

    for name in names:
        try:
            importlib.import_module(name)
        except ImportError:
            pass


async def dialog_result(dialog: QDialog) -> int:
    """Show ``dialog`` window-modally and wait for its result without ``exec()``.

    ``exec()`` inside a coroutine would start a nested event loop under qasync;
    ``open()`` plus a future keeps the one loop in charge.
    """
    import asyncio

    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def finished(code: int) -> None:
        if not future.done():
            future.set_result(code)

    dialog.finished.connect(finished)
    dialog.open()
    try:
        return await future
    except asyncio.CancelledError:
        if alive(dialog):
            dialog.reject()
        raise
