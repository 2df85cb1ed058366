"""The layers of pyproject.toml's import-linter contracts hold, the core loads no Qt at run time,
and only lever/paths.py builds a Lever path around an id.

`make test` runs `lint-imports` before pytest; this runs the same contracts for a plain
`pytest`, and checks what a static reading cannot: a module loaded by name (``importlib``).
"""

from __future__ import annotations

import ast
import pkgutil
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

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


# -- every id goes into a Lever path through lever/paths.py (issue #17.8) --------------------------

# Lever's resources; a path naming one is a Lever path whatever builds it.
LEVER_RESOURCES = re.compile(
    r"/(opportunities|feedback|feedback_templates|webhooks|users|postings|panels|interviews|stages|"
    r"archive_reasons|contacts|notes|forms|files|resumes|offers|referrals|requisitions|sources|tags|"
    r"applications)(/|$|\?)"
)


def _escaped(expr: ast.expr) -> bool:
    """``seg(x)`` / ``paths.seg(x)``, or a helper of lever/paths.py that quotes its ids itself."""
    if not isinstance(expr, ast.Call):
        return False
    f = expr.func
    return (isinstance(f, ast.Name) and f.id == "seg") or (
        isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "paths"
    )


def _text(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def unescaped_lever_paths(source: str) -> list[int]:
    """Lines where a Lever path is built around an id that did not go through ``seg``.

    An f-string naming a Lever resource, or continuing a ``...path`` value (``f"{entry.path}/{id}"``),
    with a value after a ``/``; ``"/opportunities/" + id``; ``"/opportunities/{}".format(id)`` and
    ``"/opportunities/%s" % id``.
    """
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            parts = node.values
            literal = "".join(_text(p) or "" for p in parts)
            continues_a_path = isinstance(parts[0], ast.FormattedValue) and re.search(
                r"path\W*$", ast.unparse(parts[0].value), re.IGNORECASE
            )
            if LEVER_RESOURCES.search(literal) or continues_a_path:
                after_slash = [
                    v
                    for prev, v in zip(parts, parts[1:])
                    if isinstance(v, ast.FormattedValue) and (_text(prev) or "").endswith("/")
                ]
                if any(not _escaped(v.value) for v in after_slash):
                    lines.append(node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            # The literal just before the "+": "/opportunities/" + id, base + "/feedback/" + id.
            left = node.left.right if isinstance(node.left, ast.BinOp) else node.left
            text = _text(left) or ""
            if (
                LEVER_RESOURCES.search(text)
                and text.endswith("/")
                and _text(node.right) is None
                and not _escaped(node.right)
            ):
                lines.append(node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            if LEVER_RESOURCES.search(_text(node.left) or ""):
                lines.append(node.lineno)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and LEVER_RESOURCES.search(_text(node.func.value) or "")
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ('p = f"/opportunities/{oid}/feedback"', [1]),
        ('p = f"/opportunities/{seg(oid)}/feedback/{fid}"', [1]),
        ('p = f"{entry.path}/{feedback_id}"', [1]),
        ('p = "/opportunities/" + oid', [1]),
        ('p = base + "/feedback/" + fid', [1]),
        ('p = "/opportunities/" + oid + "/feedback"', [1]),
        ('p = "/feedback_templates/%s" % tid', [1]),
        ('p = "/webhooks/{}".format(wid)', [1]),
        ("p = paths.feedback_form(oid, fid)", []),
        ('p = f"/opportunities/{seg(oid)}/feedback"', []),
        ('p = f"{paths.opportunity(oid)}/panels"', []),
        ('r = client.paginate("/users", {"email": e})', []),
        ('u = relay_url + "/lever/webhooks"', []),
        ('s = f"splitters/{name}"; u = f"http://{host}:{port}"', []),
    ],
)
def test_the_path_scan_finds_an_id_built_into_a_lever_path(source, found):
    assert unescaped_lever_paths(source) == found


def test_only_lever_paths_builds_lever_paths_around_ids():
    """Ids from webhooks, drafts and Lever itself go into a path through ``lever/paths.py`` only."""
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in sorted((ROOT / "lever_desktop").rglob("*.py"))
        if (ROOT / "lever_desktop" / "lever") not in path.parents
        for line in unescaped_lever_paths(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


QT_MODULES = ("PySide6", "shiboken6", "qasync", "pytestqt")


def _imports_qt(path: Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        names = (
            [a.name for a in node.names]
            if isinstance(node, ast.Import)
            else [node.module or ""]
            if isinstance(node, ast.ImportFrom)
            else []
        )
        if any(n.split(".")[0] in QT_MODULES for n in names):
            return True
    return False


def test_only_the_gui_tests_import_qt():
    """Tests of the Qt-free core run without Qt: what needs a QApplication lives in tests/ui/
    (and the helpers only GUI tests use), so a core test cannot come to rely on Qt by accident."""
    tests = ROOT / "tests"
    allowed = {tests / "ui", tests / "bench", tests / "helpers" / "form_looks.py", tests / "helpers" / "pointer.py"}
    offenders = [
        str(p.relative_to(ROOT))
        for p in tests.rglob("*.py")
        if not any(p == a or a in p.parents for a in allowed) and _imports_qt(p)
    ]
    assert offenders == []
