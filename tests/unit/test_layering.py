"""The core never imports Qt: only lever_desktop/ui (and cli.py, to start the GUI) may."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import lever_desktop

PKG = Path(lever_desktop.__file__).parent
CORE = ["lever", "forms", "store", "sync", "review", "relay", "sandbox", "webhooks"]


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_modules_never_import_qt():
    offenders = []
    files = [p for layer in CORE for p in (PKG / layer).rglob("*.py")]
    files += [p for p in PKG.glob("*.py") if p.name not in {"cli.py"}]
    for path in files:
        bad = {n for n in _imports(path) if n.split(".")[0] in {"PySide6", "qasync", "shiboken6"}}
        if bad:
            offenders.append(f"{path.relative_to(PKG.parent)}: {sorted(bad)}")
    assert offenders == []


def test_importing_the_core_loads_no_qt():
    code = (
        "import sys, importlib\n"
        f"for m in {['lever_desktop.' + c for c in CORE]!r}: importlib.import_module(m)\n"
        "import pkgutil, lever_desktop\n"
        "for layer in " + repr(CORE) + ":\n"
        "    pkg = importlib.import_module('lever_desktop.' + layer)\n"
        "    for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + '.'):\n"
        "        if info.name.endswith('__main__'): continue\n"
        "        importlib.import_module(info.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'qasync'))))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
