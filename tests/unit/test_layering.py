"""Layering rules a machine keeps: the core never imports Qt (only lever_desktop/ui, and cli.py to
start the GUI, may), and only lever/paths.py builds a Lever path around an id."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

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
        isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "paths")


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
                r"path\W*$", ast.unparse(parts[0].value), re.IGNORECASE)
            if LEVER_RESOURCES.search(literal) or continues_a_path:
                after_slash = [v for prev, v in zip(parts, parts[1:])
                               if isinstance(v, ast.FormattedValue) and (_text(prev) or "").endswith("/")]
                if any(not _escaped(v.value) for v in after_slash):
                    lines.append(node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            # The literal just before the "+": "/opportunities/" + id, base + "/feedback/" + id.
            left = node.left.right if isinstance(node.left, ast.BinOp) else node.left
            text = _text(left) or ""
            if LEVER_RESOURCES.search(text) and text.endswith("/") and _text(node.right) is None \
                    and not _escaped(node.right):
                lines.append(node.lineno)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
            if LEVER_RESOURCES.search(_text(node.left) or ""):
                lines.append(node.lineno)
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
              and LEVER_RESOURCES.search(_text(node.func.value) or "")):
            lines.append(node.lineno)
    return sorted(set(lines))


@pytest.mark.parametrize(("source", "found"), [
    ('p = f"/opportunities/{oid}/feedback"', [1]),
    ('p = f"/opportunities/{seg(oid)}/feedback/{fid}"', [1]),
    ('p = f"{entry.path}/{feedback_id}"', [1]),
    ('p = "/opportunities/" + oid', [1]),
    ('p = base + "/feedback/" + fid', [1]),
    ('p = "/opportunities/" + oid + "/feedback"', [1]),
    ('p = "/feedback_templates/%s" % tid', [1]),
    ('p = "/webhooks/{}".format(wid)', [1]),
    ('p = paths.feedback_form(oid, fid)', []),
    ('p = f"/opportunities/{seg(oid)}/feedback"', []),
    ('p = f"{paths.opportunity(oid)}/panels"', []),
    ('r = client.paginate("/users", {"email": e})', []),
    ('u = relay_url + "/lever/webhooks"', []),
    ('s = f"splitters/{name}"; u = f"http://{host}:{port}"', []),
])  # fmt: skip
def test_the_path_scan_finds_an_id_built_into_a_lever_path(source, found):
    assert unescaped_lever_paths(source) == found


def test_only_lever_paths_builds_lever_paths_around_ids():
    """Ids from webhooks, drafts and Lever itself go into a path through ``lever/paths.py`` only."""
    offenders = [
        f"{path.relative_to(PKG.parent)}:{line}"
        for path in sorted(PKG.rglob("*.py")) if (PKG / "lever") not in path.parents
        for line in unescaped_lever_paths(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
