"""The Activity page: every line is shown at once and kept in the cache (store/activity.py), so the
log survives restarts; the search box filters everything kept, not only this session's lines."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut

from lever_desktop.store import activity
from lever_desktop.ui.pages import ActivityPage
from lever_desktop.ui.tasks import TaskRunner

SHOWN = 2_000  # lines on the page; a search looks through everything kept


class ActivityController(QObject):
    def __init__(self, session, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.session, self.runner = session, runner
        self.page = ActivityPage()
        self._seq = 0  # lines added in this session
        self._unsaved: list[tuple[int, int, str, str]] = []  # (seq, at, kind, text) added since the last read
        self._search_timer = QTimer(self, singleShot=True, interval=200)
        self._search_timer.timeout.connect(self.reload)
        self.page.search.textChanged.connect(lambda _text: self._search_timer.start())
        QShortcut(
            QKeySequence.StandardKey.Find,
            self.page,
            self.page.search.setFocus,
            context=Qt.ShortcutContext.WindowShortcut,
        )  # pages are stacked: only the one shown takes it
        self.reload()

    @property
    def log(self):
        return self.page.log

    def add(self, kind: str, text: str) -> None:
        """Show a line now (when it matches the search) and keep it."""
        at = int(time.time() * 1000)
        self._seq += 1
        self._unsaved.append((self._seq, at, kind, text))
        del self._unsaved[:-SHOWN]  # no more than the page shows, however long since the last read
        if activity.matches(self.page.search.text(), kind, text):
            self.page.append(at, kind, text)
        # Not owned by the page: a line added as the window closes is still kept when it can be.
        self.runner.run(self.session.store.call(activity.record, at, kind, text), name="keep activity")

    def reload(self) -> None:
        """Show the newest kept lines matching the search. Reads and writes queue on the store's one
        thread in order, so the lines added after this read was asked for are appended to its answer."""
        query, asked_at = self.page.search.text(), self._seq

        async def read() -> list[activity.Line]:
            nonlocal asked_at
            asked_at = self._seq  # when the read is queued (a newer search may have kept it waiting)
            return await self.session.store.call(activity.recent, SHOWN, query)

        def show(lines: list[activity.Line]) -> None:
            if query != self.page.search.text():
                return  # typed on meanwhile: the newer search fills the page
            later = [
                (at, kind, text)
                for seq, at, kind, text in self._unsaved
                if seq > asked_at and activity.matches(query, kind, text)
            ]
            self.page.show_lines([(line.at, line.kind, line.text) for line in lines] + later)
            self._unsaved = [u for u in self._unsaved if u[0] > asked_at]

        self.runner.run(read(), owner=self.page, on_success=show, name="load activity", latest="activity")
