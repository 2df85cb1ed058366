"""The layers of pyproject.toml's import-linter contracts hold, and the core loads no Qt at run time.

`make test` runs `lint-imports` before pytest; this runs the same contracts for a plain
`pytest`, and checks what a static reading cannot: a module loaded by name (``importlib``).
"""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import lever_desktop

ROOT = Path(lever_desktop.__file__).parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _qt_free_core() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (qt,) = [c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "forbidden"]
    return qt["source_modules"]


def test_the_import_contracts_are_kept():
    out = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]
    assert "0 broken" in out.stdout


def test_the_qt_contract_covers_every_core_package_and_module():
    """A new package or top-level module must be placed: in the Qt-free core, or under ui/."""
    placed = {name.removeprefix("lever_desktop.") for name in _qt_free_core()}
    present = {info.name for info in pkgutil.iter_modules(lever_desktop.__path__)}
    entry_points = {"__main__", "cli", "ui"}  # cli.py starts the window, lazily
    assert present - entry_points == placed


def test_importing_the_core_loads_no_qt():
    code = (
        "import sys, importlib, pkgutil\n"
        f"for name in {_qt_free_core()!r}:\n"
        "    mod = importlib.import_module(name)\n"
        "    for info in pkgutil.walk_packages(getattr(mod, '__path__', []), name + '.'):\n"
        "        if not info.name.endswith('__main__'):\n"
        "            importlib.import_module(info.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync', 'shiboken6'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

