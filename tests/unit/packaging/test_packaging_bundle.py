"""What the spec leaves out of the bundle, and the metadata it generates."""

from __future__ import annotations

import ast
import struct
from pathlib import Path

import app_metadata
import bundle_contents
import pytest

from lever_desktop import __version__

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "PySide6/Qt/plugins/platforms/libqwayland.so",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/platforminputcontexts/libcomposeplatforminputcontextplugin.so",
        "PySide6/Qt/plugins/imageformats/libqsvg.so",
        "PySide6/Qt/plugins/iconengines/libqsvgicon.so",
        "PySide6/Qt/lib/libQt6Widgets.so.6",
        "PySide6/Qt/lib/libQt6OpenGL.so.6",  # the Wayland EGL plugin links it
        "libQt6Gui.so.6",
        "PySide6/QtWidgets.abi3.so",
        "PySide6\\plugins\\platforms\\qwindows.dll",  # Windows wheel layout
        "PySide6\\plugins\\styles\\qmodernwindowsstyle.dll",
        "PySide6/Qt/plugins/platforms/libqcocoa.dylib",  # macOS
        "PySide6/Qt/lib/QtGui.framework/Versions/A/QtGui",
        "libpython3.11.so.1.0",
        "lever_desktop/_resources/icons/lever-desktop.svg",
    ],
)
def test_what_the_app_needs_ships(dest):
    assert bundle_contents.keep_entry(dest)


@pytest.mark.parametrize(
    "dest",
    [
        "PySide6/Qt/plugins/platforms/libqeglfs.so",
        "PySide6/Qt/plugins/platforms/libqvnc.so",
        "PySide6/Qt/plugins/platformthemes/libqgtk3.so",  # would bundle the build machine's GTK
        "PySide6/Qt/plugins/platforminputcontexts/libqtvirtualkeyboardplugin.so",  # pulls in Qt Quick
        "PySide6/Qt/plugins/generic/libqtuiotouchplugin.so",  # pulls in QtNetwork
        "PySide6/Qt/plugins/imageformats/libqpdf.so",
        "PySide6/Qt/plugins/tls/libqopensslbackend.so",
        "PySide6/Qt/lib/libQt6Network.so.6",
        "PySide6/Qt/lib/libQt6Quick.so.6",
        "PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6",
        "libQt6Network.so.6",  # the symlink PyInstaller puts at the top
        "PySide6/Qt/translations/qtbase_de.qm",
        "PySide6\\translations\\qtbase_fr.qm",
        "PySide6\\Qt6Network.dll",
        "PySide6/Qt/lib/QtNetwork.framework/Versions/A/QtNetwork",
        "PySide6/Qt/qml/QtQuick/qmldir",
        "PySide6\\opengl32sw.dll",
        "libstdc++.so.6",  # the system's, which Mesa's drivers need
        "libgcc_s.so.1",
        "PySide6\\d3dcompiler_47.dll",
    ],
)
def test_unused_qt_parts_stay_out(dest):
    assert not bundle_contents.keep_entry(dest)


def test_only_what_dropped_parts_needed_is_pruned():
    links = {
        "/qt/plugins/generic/libqtuiotouchplugin.so": ["libQt6Network.so.6", "libz.so.1"],
        "/qt/lib/libQt6Network.so.6": ["libgssapi_krb5.so.2", "libz.so.1"],
        "/sys/libgssapi_krb5.so.2": ["libkrb5.so.3"],
        "/qt/lib/libQt6Gui.so.6": ["libz.so.1", "libfreetype.so.6"],
        "/ext/_ssl.so": ["libkrb5.so.3"],
    }
    binaries = [
        ("PySide6/Qt/plugins/generic/libqtuiotouchplugin.so", "/qt/plugins/generic/libqtuiotouchplugin.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6Network.so.6", "/qt/lib/libQt6Network.so.6", "BINARY"),
        ("libgssapi_krb5.so.2", "/sys/libgssapi_krb5.so.2", "BINARY"),
        ("libkrb5.so.3", "/sys/libkrb5.so.3", "BINARY"),
        ("libz.so.1", "/sys/libz.so.1", "BINARY"),
        ("libfreetype.so.6", "/sys/libfreetype.so.6", "BINARY"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/qt/lib/libQt6Gui.so.6", "BINARY"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("lib-dynload/_ssl.so", "/ext/_ssl.so", "EXTENSION"),
    ]
    orphans = bundle_contents.orphaned_dependencies(binaries, lambda path: links.get(path, []))
    # Kerberos' GSSAPI was there for QtNetwork alone; krb5 itself is still needed by _ssl.
    assert orphans == {"libgssapi_krb5.so.2"}
    kept = {e[0] for e in bundle_contents.filter_toc(binaries, orphans)}
    assert kept == {
        "libkrb5.so.3",
        "libz.so.1",
        "libfreetype.so.6",
        "PySide6/Qt/lib/libQt6Gui.so.6",
        "libQt6Gui.so.6",
        "lib-dynload/_ssl.so",
    }


def test_python_extensions_are_never_pruned():
    binaries = [
        ("PySide6/Qt/lib/libQt6Network.so.6", "/qt/libQt6Network.so.6", "BINARY"),
        ("lib-dynload/_ssl.so", "/ext/_ssl.so", "EXTENSION"),
    ]
    links = {"/qt/libQt6Network.so.6": ["_ssl.so"]}
    assert bundle_contents.orphaned_dependencies(binaries, lambda p: links.get(p, [])) == set()


def test_migration_scripts_imports_become_hidden_imports(tmp_path):
    script = tmp_path / "0009_example.py"
    script.write_text(
        "from __future__ import annotations\nimport sqlalchemy as sa\nfrom alembic import op\n"
        "from lever_desktop.store.schema import metadata\nfrom . import sibling\n"
    )
    found = bundle_contents.script_imports([script])
    assert found == ["alembic", "alembic.op", "lever_desktop.store.schema", "sqlalchemy"]


def test_version_comes_from_the_package():
    assert app_metadata.package_info()["__version__"] == __version__
    assert app_metadata.version_tuple("0.1.0") == (0, 1, 0, 0)
    assert app_metadata.version_tuple("1.2.3rc1+local") == (1, 2, 3, 0)
    with pytest.raises(ValueError):
        app_metadata.version_tuple("dev")


def test_windows_version_resource_is_generated_from_the_version(tmp_path):
    # PyInstaller evals this file with its versioninfo classes (which need pefile,
    # present only on Windows); here, check it is that one call with our numbers.
    path = app_metadata.windows_version_file("1.4.2", tmp_path / "version.txt", "lever-desktop-console.exe")
    call = ast.parse(path.read_text()).body[0].value
    assert isinstance(call, ast.Call) and call.func.id == "VSVersionInfo"
    ffi = next(k.value for k in call.keywords if k.arg == "ffi")
    versions = {k.arg: ast.literal_eval(k.value) for k in ffi.keywords if k.arg in ("filevers", "prodvers")}
    assert versions == {"filevers": (1, 4, 2, 0), "prodvers": (1, 4, 2, 0)}
    strings = {
        node.args[0].value: node.args[1].value
        for node in ast.walk(call)
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "StringStruct"
    }
    assert strings["ProductVersion"] == "1.4.2"
    assert strings["OriginalFilename"] == "lever-desktop-console.exe"


def test_macos_bundle_follows_dark_mode_and_is_high_dpi():
    plist = app_metadata.info_plist("1.4.2")
    assert plist["NSHighResolutionCapable"] is True
    assert plist["NSRequiresAquaSystemAppearance"] is False
    assert plist["CFBundleShortVersionString"] == "1.4.2"


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_committed_icons_have_the_sizes_their_names_say():
    pngs = app_metadata.icon_pngs(ROOT / "resources" / "icons")
    assert sorted(pngs) == [16, 32, 64, 128, 256]
    for size, data in pngs.items():
        assert _png_size(data) == (size, size)
        assert len(data) < 16_000  # small binaries only


def test_ico_and_icns_hold_every_png(tmp_path):
    pngs = app_metadata.icon_pngs(ROOT / "resources" / "icons")
    ico = app_metadata.write_ico(pngs, tmp_path / "app.ico").read_bytes()
    _, kind, count = struct.unpack("<HHH", ico[:6])
    assert (kind, count) == (1, len(pngs))
    for i in range(count):
        width, _, _, _, _, _, size, offset = struct.unpack("<BBBBHHII", ico[6 + 16 * i : 22 + 16 * i])
        assert _png_size(ico[offset : offset + size])[0] == (width or 256)

    icns = app_metadata.write_icns(pngs, tmp_path / "app.icns").read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)
    offset, sizes = 8, []
    while offset < len(icns):
        length = struct.unpack(">I", icns[offset + 4 : offset + 8])[0]
        sizes.append(_png_size(icns[offset + 8 : offset + length])[0])
        offset += length
    assert sorted(sizes) == sorted(pngs)


def test_desktop_entry_launches_the_app_by_name():
    lines = (ROOT / "resources" / "linux" / "lever-desktop.desktop").read_text().splitlines()
    assert lines[0] == "[Desktop Entry]"
    for required in ("Type=Application", "Name=Lever Desktop", "Exec=lever-desktop", "Icon=lever-desktop"):
        assert required in lines


def _imported_names(path: Path) -> set[str]:
    """Every absolute import, with ``from a import b`` counted as both a and a.b."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_the_app_imports_nothing_the_bundle_leaves_out():
    # An import of an excluded module would only fail in the frozen app, on the
    # code path that reaches it: catch it here instead.
    excluded = set(bundle_contents.EXCLUDED_MODULES)
    offenders = []
    for path in (ROOT / "lever_desktop").rglob("*.py"):
        for module in _imported_names(path):
            parts = module.split(".")
            if any(".".join(parts[:i]) in excluded for i in range(1, len(parts) + 1)):
                offenders.append(f"{path.relative_to(ROOT)}: {module}")
    assert offenders == []
