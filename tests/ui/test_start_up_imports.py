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


def test_the_window_paints_with_the_candidate_lists_first_screen_before_asyncio_or_any_library():
    """``lever-desktop`` paints its window, with the candidate list's first screen read over plain sqlite3
    (ui/first_look.py), before importing asyncio, qasync, logging's rotating handlers, or any network or
    database library."""
    with Store.open() as store:
        store.call_sync(cache.upsert_opportunities, [{"id": "o1", "name": "Ada Lovelace", "updatedAt": 5}], 1)
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtCore import QEvent, QObject\n"
        "from lever_desktop import cli\n"
        "from lever_desktop.ui.app import create_application\n"
        "from lever_desktop.ui.main_window import MainWindow\n"
        "class FirstPaint(QObject):\n"
        "    def eventFilter(self, obj, event):\n"
        "        if event.type() == QEvent.Type.Paint and isinstance(obj, MainWindow):\n"
        "            found = [m for m in ('asyncio', 'qasync', 'logging.handlers') if m in sys.modules]\n"
        "            model = obj.stack.currentWidget().table.model()\n"
        "            print(json.dumps(sorted(found + [model.row_values(0).name])))\n"
        "            print(json.dumps(sorted({m.split('.')[0] for m, module in sys.modules.items() "
        f"if module is not None}} & {set(LATER)!r})))\n"
        "            os._exit(0)\n"
        "        return False\n"
        "import json\n"
        "app = create_application()\n"
        "first_paint = FirstPaint()\n"
        "app.installEventFilter(first_paint)\n"
        f"cli.main(['--basedir', {str(paths.basedir())!r}])\n"
    )
    ui_state = paths.config_dir() / "window.ini"
    ui_state.write_text("[window]\nlast_view=candidates\n", encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seen, libraries = (json.loads(line) for line in out.stdout.strip().splitlines()[-2:])
    assert seen == ["Ada Lovelace"]  # the first screen is in the first paint; no asyncio, qasync, handlers
    assert libraries == []


def test_opening_the_window_imports_none_of_the_commands():
    """The commands' modules import httpx, SQLAlchemy and pydantic: the window's command line never loads them."""
    code = (
        "from lever_desktop import cli\n"
        "assert not cli.names_a_command(['--basedir', '/tmp/x', '--sandbox', '-v'])\n"
        "assert cli.names_a_command(['--basedir', '/tmp/x', 'sync']) and cli.names_a_command(['--help'])\n"
        "cli.build_parser(commands=False).parse_args(['--basedir', '/tmp/x', '--sandbox'])\n"
    )
    assert _imported(code) == []


def _sources_read_for_pysides_feature_switch(skip: bool) -> tuple[list[str], int]:
    """Import the window's modules after PySide6 (as ``lever-desktop`` does), with or without the skip:
    which of our modules PySide6 read the source of, and what it recorded for the main window's."""
    code = (
        "import inspect, json\n"
        "import PySide6.QtCore\n"
        "from lever_desktop.ui import pyside_setup\n"
        f"assert pyside_setup.skip_feature_scan() if {skip} else True\n"
        "read = []\n"
        "getsource = inspect.getsource\n"
        "def spied(module):\n"
        "    read.append(module.__name__)\n"
        "    return getsource(module)\n"
        "inspect.getsource = spied\n"
        "import lever_desktop.ui.first_look\n"
        "from shibokensupport.feature import pyside_feature_dict\n"
        "ours = sorted(m for m in read if m.startswith('lever_desktop'))\n"
        "print(json.dumps([ours, pyside_feature_dict['lever_desktop.ui.main_window']]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    ours, recorded = json.loads(out.stdout.strip().splitlines()[-1])
    return ours, recorded


def test_pyside_reads_no_source_of_the_windows_modules_and_records_what_it_would_have():
    """PySide6 reads the source of each module imported after it for its opt-in ``__feature__`` (85 ms of a
    start from a checkout or wheel); ``skip_feature_scan`` answers for it, as it would for our modules."""
    read, recorded = _sources_read_for_pysides_feature_switch(skip=True)
    assert read == []
    assert recorded == 0  # "uses PySide6, no feature": what PySide records from the source
    read_unskipped, recorded_unskipped = _sources_read_for_pysides_feature_switch(skip=False)
    assert "lever_desktop.ui.main_window" in read_unskipped and recorded_unskipped == 0
