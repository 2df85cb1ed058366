"""The TaskRunner: callbacks, the error path, dead owners, idle, shutdown."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtWidgets import QLabel

from lever_desktop.ui.crash import ErrorPath
from lever_desktop.ui.tasks import TaskRunner


async def _value(v):
    await asyncio.sleep(0)
    return v


async def _boom():
    await asyncio.sleep(0)
    raise ValueError("bad draft value")


def test_success_reaches_the_callback_and_idle_is_signalled(runner, qtbot):
    got = []
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(_value(42), on_success=got.append)
    assert got == [42]
    assert not runner.busy()


@pytest.mark.logs_warnings("a failing task is logged")
def test_unhandled_failure_goes_to_the_error_path(qloop, qtbot):
    errors = ErrorPath(None, dialogs=False)
    seen = []
    errors.reported.connect(lambda summary, detail: seen.append((summary, detail)))
    runner = TaskRunner(errors.report)
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(_boom(), name="load draft")
    assert [type(e) for e in errors.errors] == [ValueError]
    summary, detail = seen[0]
    assert "load draft" in summary and "bad draft value" in detail


def test_handled_failure_stays_quiet(runner, qtbot):
    handled = []
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(_boom(), on_failure=lambda e: handled.append(e) or True)
    assert isinstance(handled[0], ValueError)


def test_callbacks_never_touch_a_deleted_owner(runner, qtbot):
    label = QLabel()
    called = []
    gate = asyncio.Event()

    async def slow():
        await gate.wait()
        return "late"

    runner.run(slow(), owner=label, on_success=called.append)
    label.deleteLater()
    qtbot.waitUntil(lambda: not _alive(label))
    with qtbot.waitSignal(runner.idle, timeout=5000):
        gate.set()
    assert called == []


def test_shutdown_cancels_and_awaits_everything(runner, qloop, qtbot):
    forever = asyncio.Event()
    task = runner.run(forever.wait())
    done = asyncio.ensure_future(runner.shutdown())
    qtbot.waitUntil(done.done)
    assert task.cancelled()
    # After shutdown nothing new starts, and the coroutine is closed (no "never awaited").
    assert runner.run(_value(1)) is None


def _alive(obj):
    import shiboken6

    return shiboken6.isValid(obj)


@pytest.mark.logs_warnings("a failing task is logged")
def test_a_supervised_task_that_fails_restarts_with_backoff_and_says_so(runner, error_path, qtbot):
    from lever_desktop.ui.tasks import Supervisor

    supervisor = Supervisor(runner, backoff=(0.01, 0.02))
    said = []
    supervisor.restarting.connect(lambda name, reason, delay: said.append((name, reason, delay)))
    starts = []
    forever = asyncio.Event()

    async def poller():
        starts.append(len(starts))
        if len(starts) <= 3:
            raise UnicodeEncodeError("utf-8", "\ud800", 0, 1, "surrogates not allowed")
        await forever.wait()

    task = supervisor.keep("relay poller", poller)
    qtbot.waitUntil(lambda: len(starts) == 4, timeout=5000)
    assert said == [("relay poller", "UnicodeEncodeError", d) for d in (0.01, 0.02, 0.02)]
    assert not task.done() and not error_path.errors  # alive again; no crash dialog for a restart
    task.cancel()  # quitting still stops it
    qtbot.waitUntil(task.done, timeout=5000)
    assert task.cancelled() and len(starts) == 4


def test_a_supervised_task_that_finishes_is_not_restarted(runner, qtbot):
    from lever_desktop.ui.tasks import Supervisor

    supervisor = Supervisor(runner, backoff=(0.01, 0.02))
    starts = []

    async def once():
        starts.append(1)

    with qtbot.waitSignal(runner.idle, timeout=5000):
        supervisor.keep("outbox", once)
    assert starts == [1] and supervisor.restarts == {}


def test_newest_result_wins_under_one_key(runner, qtbot):
    """One task per key runs; a newer request replaces the one waiting, the overtaken result is dropped."""
    release = asyncio.Event()

    async def answer(v):
        await release.wait()
        return v

    shown, waiting = [], answer("ad")
    assert runner.run(answer("a"), on_success=shown.append, latest="filter") is not None
    assert runner.run(waiting, on_success=shown.append, latest="filter") is None  # waits its turn
    assert runner.run(answer("ada"), on_success=shown.append, latest="filter") is None  # replaces "ad"
    assert waiting.cr_frame is None  # the replaced work was closed, never left unawaited
    assert runner.busy(latest="filter") and not runner.busy(latest="other")
    with qtbot.waitSignal(runner.idle, timeout=5000):
        release.set()
    assert shown == ["ada"]  # "a" was overtaken while it ran; "ad" never ran
    assert not runner.busy(latest="filter")


@pytest.mark.logs_warnings("a failing task is logged")
def test_an_overtaken_failure_still_reaches_the_error_path(qloop, qtbot):
    errors = ErrorPath(None, dialogs=False)
    runner = TaskRunner(errors.report)
    shown = []
    with qtbot.waitSignal(runner.idle, timeout=5000):
        runner.run(_boom(), latest="filter")
        runner.run(_value("ada"), on_success=shown.append, latest="filter")
    assert [type(e) for e in errors.errors] == [ValueError] and shown == ["ada"]
