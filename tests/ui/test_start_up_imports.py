"""What a start imports before the window's first paint, and before the candidate list's first screen (#16.4).

Each library here costs tens to hundreds of milliseconds to import; a start waits for every one on its path.
"""

from __future__ import annotations

import json
import subprocess
import sys

from lever_desktop import paths
from lever_desktop.store import cache
from lever_desktop.store.db import Store

LATER = ("httpx", "httpcore", "sqlalchemy", "alembic", "mako", "pydantic", "anthropic", "openai", "starlette")


def _imported(code: str) -> list[str]:
    code += f"\nimport json, sys\nprint(json.dumps(sorted({{m.split('.')[0] for m, module in sys.modules.items() if module is not None}} & {set(LATER)!r})))\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_window_paints_before_any_network_or_database_library_is_imported():
    assert _imported("import lever_desktop.ui.app, lever_desktop.ui.main_window") == []


def test_the_session_and_the_pages_need_no_alembic_nor_drafting_sdks():
    code = (
        "from lever_desktop.ui.shell import HEAVY_MODULES, STORE_MODULES\n"
        "from lever_desktop.ui.tasks import import_modules\n"
        "import_modules(STORE_MODULES + HEAVY_MODULES)\n"
    )
    imported = _imported(code)
    assert "sqlalchemy" in imported and "pydantic" in imported  # the cache and Lever's records: needed
    assert not {"alembic", "mako", "anthropic", "openai", "starlette"} & set(imported)


def test_httpx_comes_without_its_command_line():
    """httpx imports its command line (click, rich, pygments) whenever they are installed; the window never
    runs it, and it cost ~50 ms before the first rows."""
    code = (
        "import json, sys\n"
        "import lever_desktop.ui.app\n"
        "import httpx\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'click', 'rich', 'pygments'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout.strip().splitlines()[-1]) == []


def test_the_candidate_lists_first_screen_comes_before_any_database_or_network_library():
    """The window's first paint holds the list's first screen, read over plain sqlite3 (ui/first_look.py)."""
    with Store.open() as store:
        store.call_sync(cache.upsert_opportunities, [{"id": "o1", "name": "Ada Lovelace", "updatedAt": 5}], 1)
    code = (
        "import os\n"
        "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "from lever_desktop import config, paths\n"
        f"paths.set_basedir({str(paths.basedir())!r})\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "from lever_desktop.ui.first_look import show_candidates\n"
        "from lever_desktop.ui.main_window import MainWindow\n"
        "from lever_desktop.ui.tasks import TaskRunner\n"
        "first = show_candidates(MainWindow(), TaskRunner(print), config.Settings(), sandbox=False)\n"
        "assert first.candidates.model.row_values(0).name == 'Ada Lovelace'\n"
    )
    assert _imported(code) == []
