"""Render the Feedback due page with what a sandbox's interviews leave open, for the docs.

Run: PYTHONPATH=$PWD QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/render_feedback_due.py OUT.png
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: due_support, sandbox_fixtures

from helpers.due_support import happened
from helpers.sandbox_fixtures import FAST_DEFAULTS
from PySide6.QtWidgets import QApplication

from lever_desktop.lever.client import LeverClient
from lever_desktop.review import due
from lever_desktop.sandbox.server import SandboxServer
from lever_desktop.store import Store
from lever_desktop.sync.engine import SyncEngine
from lever_desktop.sync.recent_interviews import RecentInterviews
from lever_desktop.ui.due_controller import COLUMNS, line
from lever_desktop.ui.pages import DuePage


async def open_slots(lever: SandboxServer, db: Path) -> list[due.DueRow]:
    store = Store.open(db)
    try:
        async with LeverClient(lever.api_key, base_url=lever.base_url) as client:
            engine = SyncEngine(client, store)
            await engine.sync_now()
            await asyncio.to_thread(happened, lever, 6)
            await engine.sync_now()
            await RecentInterviews(engine).run()
            return await store.call(due.open_slots, engine.now_ms() + 8 * 3_600_000)  # seen 8 h later
    finally:
        store.close()


def main(out: str) -> None:
    lever = SandboxServer(**{**FAST_DEFAULTS, "opportunities": 400}).start()
    try:
        with tempfile.TemporaryDirectory() as d:
            rows = asyncio.run(open_slots(lever, Path(d) / "c.sqlite3"))
    finally:
        lever.stop()
    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    page = DuePage(COLUMNS)
    later = int(time.time() * 1000) + 8 * 3_600_000
    page.list.model.set_rows([line(r, later) for r in rows])
    choices = due.choices(rows)
    page.set_choices("interviewer", choices["interviewer"])
    page.set_choices("posting", choices["posting"])
    page.count.setText(f"{len(rows)} waiting, {sum(r.overdue for r in rows)} overdue")
    page.list.table.selectRow(0)
    page.resize(1080, 460)
    page.show()
    app.processEvents()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    page.grab().save(out)
    print(out, len(rows), "rows")
    page.close()


if __name__ == "__main__":
    main(sys.argv[1])
