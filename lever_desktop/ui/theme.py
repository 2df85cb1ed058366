"""Look: Fusion everywhere, colours from the OS light/dark preference, crisp on high-DPI.

Fusion draws the same on every platform and follows the palette completely, so
one dark palette gives a readable dark mode without per-widget stylesheets.
Widgets use palette roles (never fixed colours) except the banners, whose
colours carry meaning and are chosen readable on both palettes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def before_app() -> None:
    """Settings that must precede QApplication()."""
    # Fractional scaling (150 %) renders at its real size instead of rounding to 1x/2x.
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)


def apply(app: QApplication) -> None:
    app.setStyle("Fusion")
    _apply_palette(app)
    app.styleHints().colorSchemeChanged.connect(lambda _scheme: _apply_palette(app))


def is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    return hints is not None and hints.colorScheme() == Qt.ColorScheme.Dark


def _apply_palette(app: QApplication) -> None:
    app.setPalette(dark_palette() if is_dark() else app.style().standardPalette())


def dark_palette() -> QPalette:
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#2b2d30",
        QPalette.ColorRole.WindowText: "#e6e6e6",
        QPalette.ColorRole.Base: "#1e1f22",
        QPalette.ColorRole.AlternateBase: "#26282b",
        QPalette.ColorRole.ToolTipBase: "#3c3f41",
        QPalette.ColorRole.ToolTipText: "#e6e6e6",
        QPalette.ColorRole.PlaceholderText: "#8a8d91",
        QPalette.ColorRole.Text: "#e6e6e6",
        QPalette.ColorRole.Button: "#34373b",
        QPalette.ColorRole.ButtonText: "#e6e6e6",
        QPalette.ColorRole.BrightText: "#ff6b6b",
        QPalette.ColorRole.Link: "#6cb6ff",
        QPalette.ColorRole.Highlight: "#2f65ca",
        QPalette.ColorRole.HighlightedText: "#ffffff",
    }
    for role, colour in roles.items():
        p.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor("#7a7d81"))
    return p
