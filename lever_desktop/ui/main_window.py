"""The main window's layout: toolbar, banners, navigation, pages, status bar.

Only layout and the window's own gestures live here (drops, closing); what the
buttons do is wired by ``MainController``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QSplitter,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from lever_desktop import APP_NAME
from lever_desktop.ui.banners import Banner
from lever_desktop.ui.plain import named

if TYPE_CHECKING:  # not imported before the first paint: PySide builds QEvent's 180-member Type enum with them
    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent

MINIMUM_SIZE = QSize(1024, 640)
NAV_WIDTH = 180

PAGES = [
    ("review", "Drafts to review"),
    ("outbox", "Outbox"),
    ("due", "Feedback due"),
    ("candidates", "Candidates"),
    ("postings", "Postings"),
    ("activity", "Activity"),
]


class MainWindow(QMainWindow):
    close_requested = Signal()
    files_dropped = Signal(list)

    def __init__(self, *, sandbox: bool = False) -> None:
        super().__init__()
        self.setWindowTitle(f"{APP_NAME} — Sandbox" if sandbox else APP_NAME)
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.setMinimumSize(MINIMUM_SIZE)  # everything is laid out to fit it, nothing clipped
        self.resize(1280, 800)
        self._build_actions()
        self._build_toolbar()
        self._build_menus()

        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.sandbox_banner = Banner(
            "sandbox",
            "<b>Sandbox — not your Lever account.</b> Candidates, drafts and submissions here are simulated "
            "on this computer; nothing reaches Lever.",
        )
        self.sandbox_banner.setVisible(sandbox)
        self.offline_banner = Banner("offline", "", action="Try again")
        self.offline_banner.hide()
        column.addWidget(self.sandbox_banner)
        column.addWidget(self.offline_banner)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Views")
        self.nav.setIconSize(QSize(18, 18))
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setStyleSheet("QListWidget#navigation::item { padding: 8px 10px; }")
        # A long count ("Outbox (2 pending, 1 needs attention)") wraps onto a second line
        # rather than being cut short; the views keep the room.
        self.nav.setWordWrap(True)
        self.nav.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.nav.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.nav.setMinimumWidth(NAV_WIDTH)
        self.nav.setMaximumWidth(NAV_WIDTH + 60)
        self.stack = QStackedWidget()
        for key, label in PAGES:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.nav.addItem(item)
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([NAV_WIDTH, 1280 - NAV_WIDTH])
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        column.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self._build_status_bar()

    # -- building ------------------------------------------------------------
    def _build_actions(self) -> None:
        self.sync_action = QAction("Sync", self, shortcut=QKeySequence("Ctrl+R"))
        self.sync_action.setToolTip("Sync with Lever now (Ctrl+R)")
        self.import_action = QAction("Import drafts…", self, shortcut=QKeySequence("Ctrl+I"))
        self.settings_action = QAction("Settings…", self, shortcut=QKeySequence("Ctrl+,"))
        self.quit_action = QAction("Quit", self, shortcut=QKeySequence("Ctrl+Q"))  # Cmd+Q on macOS
        self.quit_action.triggered.connect(self.close)
        self.shortcuts_action = QAction("Keyboard shortcuts", self)
        self.shortcuts_action.setShortcuts([QKeySequence("Ctrl+/"), QKeySequence(Qt.Key.Key_F1)])
        self.about_action = QAction(f"About {APP_NAME}", self, shortcut=QKeySequence("Ctrl+F1"))
        self.view_actions = []
        for n, (_key, label) in enumerate(PAGES):
            action = QAction(label, self, shortcut=QKeySequence(f"Ctrl+{n + 1}"))
            action.triggered.connect(lambda _=False, i=n: self.nav.setCurrentRow(i))
            self.addAction(action)
            self.view_actions.append(action)

    def _build_toolbar(self) -> None:
        bar = QToolBar("Main")
        bar.setObjectName("mainToolbar")
        bar.setMovable(False)
        bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        bar.addAction(self.sync_action)
        bar.addSeparator()
        bar.addAction(self.import_action)
        bar.addAction(self.settings_action)
        self.addToolBar(bar)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        for a in (self.sync_action, self.import_action, self.settings_action):
            file_menu.addAction(a)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        view_menu = self.menuBar().addMenu("&View")
        for a in self.view_actions:
            view_menu.addAction(a)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.shortcuts_action)
        help_menu.addAction(self.about_action)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        # Sync progress lives here, in space kept while hidden: shown in the toolbar it pushed
        # the buttons after Sync ~220 px right whenever a (background) sync started.
        self.sync_progress = QProgressBar()
        self.sync_progress.setFixedWidth(220)
        self.sync_progress.setTextVisible(True)
        policy = self.sync_progress.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.sync_progress.setSizePolicy(policy)
        self.sync_progress.hide()
        bar.addPermanentWidget(self.sync_progress)
        self.sync_progress.setAccessibleName("Sync progress")
        self.status_connection = named(QLabel(), "Connection to Lever")
        self.status_last_sync = named(QLabel(), "Last sync")
        self.status_relay = named(QLabel(), "Relay")
        self.status_outbox = named(QLabel(), "Outbox")
        for label in (self.status_connection, self.status_last_sync, self.status_relay, self.status_outbox):
            label.setContentsMargins(8, 0, 8, 0)
            bar.addPermanentWidget(label)

    def set_sandbox(self, sandbox: bool) -> None:
        self.setWindowTitle(f"{APP_NAME} — Sandbox" if sandbox else APP_NAME)
        self.sandbox_banner.setVisible(sandbox)

    # -- pages ---------------------------------------------------------------
    def set_page(self, key: str, widget: QWidget) -> None:
        index = [k for k, _ in PAGES].index(key)
        while self.stack.count() <= index:
            self.stack.addWidget(QWidget())
        old = self.stack.widget(index)
        if old is widget:  # the candidate list shown before the session opened (ui/first_look.py)
            return
        self.stack.insertWidget(index, widget)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()
        self.stack.setCurrentIndex(max(0, self.nav.currentRow()))  # a view chosen before its page was there

    def show_page(self, key: str) -> None:
        keys = [k for k, _ in PAGES]
        if key in keys:
            self.nav.setCurrentRow(keys.index(key))

    def current_page(self) -> str:
        return PAGES[max(0, self.nav.currentRow())][0]

    def set_nav_label(self, key: str, text: str) -> None:
        keys = [k for k, _ in PAGES]
        self.nav.item(keys.index(key)).setText(text)

    # -- window gestures -----------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        # The shell shuts down cleanly (tasks, HTTP, database) and then hides us.
        event.ignore()
        self.close_requested.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(u.toLocalFile().lower().endswith(".json") for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.toLocalFile().lower().endswith(".json")]
        if files:
            event.acceptProposedAction()
            self.files_dropped.emit(files)
