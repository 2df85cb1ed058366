"""What the window remembers between runs: geometry, splitter sizes, the last view.

QSettings in INI format under the basedir's config dir (never the registry or
~/.config directly), so ``--basedir`` and the tests keep it contained.
Nothing secret is ever written here.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter

from lever_desktop import paths


class UiState:
    def __init__(self) -> None:
        self._qs = QSettings(str(paths.config_dir() / "window.ini"), QSettings.Format.IniFormat)

    def restore_window(self, window: QMainWindow) -> bool:
        geometry = self._qs.value("window/geometry")
        state = self._qs.value("window/state")
        ok = isinstance(geometry, QByteArray) and window.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            window.restoreState(state)
        return bool(ok)

    def save_window(self, window: QMainWindow) -> None:
        self._qs.setValue("window/geometry", window.saveGeometry())
        self._qs.setValue("window/state", window.saveState())

    def restore_splitter(self, name: str, splitter: QSplitter) -> None:
        state = self._qs.value(f"splitters/{name}")
        if isinstance(state, QByteArray):
            splitter.restoreState(state)

    def save_splitter(self, name: str, splitter: QSplitter) -> None:
        self._qs.setValue(f"splitters/{name}", splitter.saveState())

    @property
    def last_view(self) -> str | None:
        value = self._qs.value("window/last_view")
        return str(value) if value else None

    @last_view.setter
    def last_view(self, name: str) -> None:
        self._qs.setValue("window/last_view", name)

    def sync(self) -> None:
        self._qs.sync()
