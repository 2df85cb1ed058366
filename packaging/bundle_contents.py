"""What goes into the frozen bundle and what stays out (used by build_spec.spec).

Kept out of the spec so the rules are plain, testable Python. The app uses
QtCore, QtGui and QtWidgets (plus QtSvg for SVG icons); everything else Qt
ships in PySide6-Essentials is dead weight in an installer, and some of it
(Qt Quick via the virtual-keyboard plugin, QtNetwork via the TUIO touch
plugin, GTK via the gtk3 theme plugin) would drag whole stacks in behind a
plugin nobody loads. ``LEVER_BUNDLE_KEEP_ALL=1`` turns every exclusion off,
to measure what they save.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

KEEP_ALL = os.environ.get("LEVER_BUNDLE_KEEP_ALL") == "1"

# Python modules never imported at run time by the desktop app.
EXCLUDED_MODULES = [
    # Qt bindings we do not use (PyInstaller would otherwise follow any stray import).
    *(
        f"PySide6.{m}"
        for m in (
            "QtNetwork",
            "QtQml",
            "QtQmlFeatures",
            "QtQuick",
            "QtQuickControls2",
            "QtQuickTest",
            "QtQuickWidgets",
            "QtSql",
            "QtTest",
            "QtPdf",
            "QtPdfWidgets",
            "QtOpenGL",
            "QtOpenGLWidgets",
            "QtPrintSupport",
            "QtXml",
            "QtHelp",
            "QtDesigner",
            "QtUiTools",
            "QtConcurrent",
            "QtSvgWidgets",
            "QtLabsStyleKit",
            "Qt3DCore",
            "QtWebEngineCore",
            "QtMultimedia",
        )
    ),
    "PyQt5",
    "PyQt6",
    "PySide2",  # qasync probes for every binding
    # Standard library the app never uses.
    "tkinter",
    "_tkinter",
    "turtle",
    "turtledemo",
    "idlelib",
    "lib2to3",
    "pydoc_data",
    "unittest",
    "doctest",
    "pdb",
    "pydoc",
    "ensurepip",
    "venv",
    "distutils",
    "test",
    "xmlrpc",
    # Development and test tooling that lives in the same venv.
    "pytest",
    "_pytest",
    "pytestqt",
    "pytest_asyncio",
    "pytest_timeout",
    "respx",
    "hypothesis",
    "setuptools",
    "pkg_resources",
    "pip",
    "wheel",
    "IPython",
    # Syntax highlighting for Mako's error pages (Alembic brings Mako, for writing new
    # revisions only) and for httpx's command-line client, which both import optionally.
    "pygments",
    # Database drivers: the desktop app only speaks SQLite; PostgreSQL is for the team relay.
    "psycopg",
    "psycopg_binary",
    "psycopg_c",
    "psycopg2",
    "MySQLdb",
    "pymysql",
    "asyncpg",
    "oracledb",
    "cx_Oracle",
    "pyodbc",
    "pymssql",
]

# Imports made by name at run time, which PyInstaller cannot see.
HIDDEN_IMPORTS_EXTRA = [
    "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.sqlite.pysqlite",
    # Alembic builds ``op`` and ``context`` as proxies and loads env.py by path.
    "alembic.op",
    "alembic.context",
    "alembic.runtime.migration",
    "alembic.ddl.sqlite",
    "logging.config",
]

# Qt plugins (directory or directory/file stem) that the desktop app needs; any
# other plugin is left out. Paths are relative to the Qt ``plugins`` directory.
QT_PLUGINS_KEPT = {
    # Windowing: X11 and Wayland on Linux, Windows, macOS; offscreen/minimal for CI and self-test.
    "platforms/qxcb",
    "platforms/qwayland",
    "platforms/qwindows",
    "platforms/qcocoa",
    "platforms/qoffscreen",
    "platforms/qminimal",
    "platformthemes/qxdgdesktopportal",  # native file dialogs through the desktop portal
    # Dead keys / compose sequences and IBus (CJK input) on Linux.
    "platforminputcontexts/composeplatforminputcontextplugin",
    "platforminputcontexts/ibusplatforminputcontextplugin",
    "xcbglintegrations",
    "wayland-shell-integration/xdg-shell",
    "wayland-decoration-client",
    "wayland-graphics-integration-client/qt-plugin-wayland-egl",
    "wayland-graphics-integration-client/shm-emulation-server",
    "iconengines",  # SVG icons in QIcon
    "imageformats/qsvg",
    "imageformats/qico",
    "imageformats/qjpeg",
    "imageformats/qgif",
    "styles",  # the native Windows and macOS widget styles
}

# Qt shared libraries that only the dropped plugins and modules load.
_QT_LIBS_DROPPED = re.compile(
    r"Qt6?(Network|Qml\w*|Quick\w*|Sql|Test|Pdf\w*|OpenGLWidgets|PrintSupport|Xml|Help|Designer\w*|"
    r"UiTools|Concurrent|SvgWidgets|LabsStyleKit|VirtualKeyboard\w*|WaylandCompositor\w*|"
    r"WaylandEglCompositorHwIntegration|EglFS\w*|EglFs\w*|ShaderTools|Multimedia\w*)"
)
_QT_LIB_NAME = re.compile(r"^(lib)?Qt6?[A-Z]")
# Windows: Qt's software OpenGL (about 20 MB) and the Direct3D shader compiler serve
# Qt Quick and QOpenGLWidget; our widgets paint with the raster engine.
_WINDOWS_GL_DLLS = re.compile(r"^(opengl32sw|d3dcompiler_\d+)\.dll$", re.IGNORECASE)
# Linux: the C++ runtime comes from the system (every desktop has it, at least as new
# as the build machine's). A bundled older copy would be loaded first and break the
# system's Mesa GL drivers ("GLIBCXX_3.4.30 not found") when Qt opens them.
_LINUX_SYSTEM_LIBS = re.compile(r"^(libstdc\+\+|libgcc_s)\.so")


def _qt_relative(dest: str) -> PurePosixPath | None:
    """``plugins/...``/``lib/...``/``translations/...`` inside the Qt dir, else None."""
    parts = PurePosixPath(dest.replace("\\", "/")).parts
    for i in range(len(parts) - 1):
        if parts[i] == "PySide6" and parts[i + 1] == "Qt":
            return PurePosixPath(*parts[i + 2 :])
        if parts[i] == "PySide6" and parts[i + 1] in ("plugins", "translations"):  # Windows layout
            return PurePosixPath(*parts[i + 1 :])
    return None


def keep_plugin(plugin: PurePosixPath) -> bool:
    """``plugin`` is relative to the plugins dir, e.g. ``platforms/libqxcb.so``."""
    kind = plugin.parts[0]
    stem = plugin.parts[1].split(".")[0].removeprefix("lib") if len(plugin.parts) > 1 else ""
    return kind in QT_PLUGINS_KEPT or f"{kind}/{stem}" in QT_PLUGINS_KEPT


def keep_entry(dest: str) -> bool:
    """Whether a binary or data file (by its destination in the bundle) ships."""
    if KEEP_ALL:
        return True
    name = PurePosixPath(dest.replace("\\", "/")).name
    if _WINDOWS_GL_DLLS.match(name) or _LINUX_SYSTEM_LIBS.match(name):
        return False
    rel = _qt_relative(dest)
    if rel is None:  # a Python extension module, or a symlink PyInstaller puts at the top
        return not (_QT_LIB_NAME.match(name) and _QT_LIBS_DROPPED.search(name))
    top = rel.parts[0] if rel.parts else ""
    if top == "plugins" and len(rel.parts) > 2:
        return keep_plugin(PurePosixPath(*rel.parts[1:]))
    if top == "translations":
        # The UI is English only; Qt's own catalogues would translate just its
        # stock buttons, leaving a half-translated app.
        return False
    if top in ("qml", "metatypes", "libexec"):
        return False
    return not _QT_LIBS_DROPPED.search(str(rel))


def filter_toc(entries: list, also_drop: set[str] = frozenset()) -> list:
    """Drop what :func:`keep_entry` rejects from a PyInstaller TOC list (and names in ``also_drop``)."""
    return [e for e in entries if keep_entry(e[0]) and _base(e[0]) not in also_drop]


def _base(dest: str) -> str:
    return PurePosixPath(dest.replace("\\", "/")).name.lower()


def orphaned_dependencies(binaries: list, imports_of: Callable[[str], Iterable[str]]) -> set[str]:
    """Names of collected libraries that only the dropped entries needed.

    PyInstaller resolves shared-library dependencies before the spec can filter
    anything, so dropping a plugin leaves behind what it linked against (QtNetwork
    brings Kerberos, for one). A library goes only if something dropped needed it
    and nothing kept does; Python extension modules always stay.
    ``imports_of(path)`` names a binary's (transitive) link-time dependencies.
    """
    by_name = {_base(e[0]): e for e in binaries if e[2] != "SYMLINK"}

    def closure(roots: Iterable[tuple]) -> set[str]:
        seen: set[str] = set()
        stack = [e[1] for e in roots]
        while stack:
            for dep in imports_of(stack.pop()):
                name = PurePosixPath(dep.replace("\\", "/")).name.lower()
                if name in by_name and name not in seen:
                    seen.add(name)
                    stack.append(by_name[name][1])
        return seen

    dropped = [e for e in by_name.values() if not keep_entry(e[0])]
    candidates = closure(dropped) - {_base(e[0]) for e in dropped}
    candidates = {n for n in candidates if keep_entry(by_name[n][0]) and by_name[n][2] != "EXTENSION"}
    roots = [e for n, e in by_name.items() if n not in candidates and keep_entry(e[0])]
    return candidates - closure(roots)


def script_imports(scripts: Iterable[Path]) -> list[str]:
    """Modules imported by scripts that are loaded by path (Alembic's env.py and revisions).

    PyInstaller never sees those files as code, so whatever they import must be
    named as a hidden import; reading them keeps that list from going stale.
    """
    found: set[str] = set()
    for script in scripts:
        for node in ast.walk(ast.parse(script.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
                # ``from alembic import op``: op is a module; ``from x import name`` may not be.
                found.update(f"{node.module}.{a.name}" for a in node.names if _is_module(f"{node.module}.{a.name}"))
    found.discard("__future__")
    return sorted(found)


def _is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError, AttributeError):
        return False


def excluded_modules() -> list[str]:
    return [] if KEEP_ALL else list(EXCLUDED_MODULES)
