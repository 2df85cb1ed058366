"""The self-test behind ``lever-desktop self-test`` (see commands.py).

Everything happens in a temporary basedir with the in-memory keychain, on the
offscreen platform; Qt's own messages go to the log, not stderr, so a clean
run prints exactly one line on stdout and nothing on stderr.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import time

_log = logging.getLogger(__name__)


def run() -> int:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from lever_desktop import log, paths, secrets

    with tempfile.TemporaryDirectory(prefix="lever-desktop-self-test-") as tmp:
        paths.set_basedir(tmp)
        secrets.use_memory_backend()
        log.setup(paths.log_dir(), level=logging.INFO, console=False)
        started = time.perf_counter()
        try:
            summary = _run_checks()
        except Exception as e:  # noqa: BLE001 - the one line says what failed; the log has the rest
            _log.exception("self-test failed")
            print(f"self-test FAILED: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
        finally:
            log.setup(None)  # release the log file before the directory goes
        print(f"self-test ok in {time.perf_counter() - started:.1f} s: {summary}")
        return 0


def _run_checks() -> str:
    from PySide6.QtCore import qInstallMessageHandler

    # isort: split
    import qasync  # after PySide6: it picks the first Qt binding already imported

    from lever_desktop.ui.app import create_application

    qt_log = logging.getLogger("qt")
    qInstallMessageHandler(lambda _kind, _ctx, message: qt_log.info("%s", message))
    app = create_application([sys.argv[0]])
    loop = qasync.QEventLoop(app)
    try:
        return loop.run_until_complete(_checks())
    finally:
        loop.close()


async def _checks() -> str:
    from lever_desktop import config
    from lever_desktop.sandbox.server import SandboxServer
    from lever_desktop.session import opened
    from lever_desktop.store import cache
    from lever_desktop.ui.tasks import in_thread

    sandbox = SandboxServer(opportunities=5, rate=1000.0, burst=1000)
    await in_thread(sandbox.start)
    try:
        account = config.Account(api_key=sandbox.api_key, base_url=sandbox.base_url)
        async with opened(account, offload=in_thread) as session:  # the app's own session, cache included
            assert session.engine is not None
            report = await session.engine.sync_now(full=True)
            if not report.ok:
                raise RuntimeError(f"sandbox sync failed: {report.error}")
            templates = await session.store.call(cache.list_templates)
        kinds = render_every_field_type(templates)
        records = sum(report.counts.values())
    finally:
        await in_thread(sandbox.stop)
    return f"database ok, form rendered with {kinds} field types, sandbox sync stored {records} records"


def render_every_field_type(templates) -> int:
    """Build and paint the form of the template with the most field types; how many it has."""
    from lever_desktop.forms import FeedbackForm
    from lever_desktop.ui.forms import FeedbackFormWidget

    template = max(templates, key=lambda t: len({f.get("type") for f in t.fields}))
    form = FeedbackForm.from_template(template.raw)
    widget = FeedbackFormWidget(form)
    # Every row now: the questions below the first screen would stream in only after the grab,
    # and the line would name field types nothing had built.
    rows = widget.rows
    widget.resize(800, max(1200, widget.sizeHint().height()))
    if widget.grab().isNull():
        raise RuntimeError("the feedback form did not render")
    widget.deleteLater()
    return len({row.field.definition.type for row in rows})
