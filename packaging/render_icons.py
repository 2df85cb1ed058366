"""Render resources/icons/lever-desktop.svg to the committed PNGs and the .ico.

    .venv/bin/python packaging/render_icons.py

Run after editing the SVG; the outputs are committed (a few KB each) so that a
build needs no renderer. The macOS .icns is made from these PNGs by the spec.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import app_metadata
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

SIZES = (256, 128, 64, 48, 32, 16)
ICONS = app_metadata.ROOT / "resources" / "icons"


def render_png(renderer: QSvgRenderer, size: int) -> bytes:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication([])
    renderer = QSvgRenderer(str(ICONS / "lever-desktop.svg"))
    if not renderer.isValid():
        print("lever-desktop.svg does not parse", file=sys.stderr)
        return 1
    pngs = {size: render_png(renderer, size) for size in SIZES}
    for size, data in pngs.items():
        if size != 48:  # 48 px only goes into the .ico (Windows Explorer's large icon)
            (ICONS / f"lever-desktop-{size}.png").write_bytes(data)
    app_metadata.write_ico(pngs, ICONS / "lever-desktop.ico")
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
