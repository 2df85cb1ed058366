"""What a list's refill costs the window's thread, now that a refill widens columns for longer words.

The drafts list, the outbox and the postings are ``TablePage``s: fitted to their rows once, then widened
for the longer words a refill brings ("Checking whether Lever stored it…", Lever's error). A whole refit
at each refill measured every row: ~25 ms for 50 drafts and ~0.25 s for 500 at each edit that changed one
row of the drafts list. Now only the rows a refill changed or added are measured (at most
``TablePage.WIDEN_ROWS_AT_MOST`` a turn). Side by side in one run, against the same page without
widening (``fit_columns=False``): from ``set_rows`` to the event loop idle again, median of 7.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_table_refill.py
 or: QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench/bench_table_refill.py -s
"""

from __future__ import annotations

import os
import statistics
import time
from typing import NamedTuple

from PySide6.QtWidgets import QApplication

from lever_desktop.ui.pages import TablePage
from lever_desktop.ui.table_models import Column

ROUNDS = 7


class Draft(NamedTuple):
    id: str
    candidate: str
    flags: int
    state: str
    form: str
    received: int
    interviewer: str


COLUMNS = (
    Column("Candidate", "candidate"),
    Column("⚠", "flags"),
    Column("State", "state"),
    Column("Form", "form"),
    Column("Received", "received"),
    Column("Interviewer", "interviewer"),
)


def _drafts(n: int) -> list[Draft]:
    return [
        Draft(
            f"d{i}",
            f"Candidate {i}",
            i % 3,
            "To review",
            "On-site technical interview",
            1_700_000_000_000 + i,
            f"p{i}@x.com",
        )
        for i in range(n)
    ]


def _refill_ms(app: QApplication, n: int, widen: bool) -> tuple[float, float]:
    """(one row changed, every row changed): median ms from ``set_rows`` until the loop has run."""
    page = TablePage(COLUMNS, key="id", title="Drafts", fit_columns=widen)
    page.resize(600, 400)
    page.show()
    rows = _drafts(n)
    page.model.set_rows(rows)
    app.processEvents()
    one, every = [], []
    for k in range(ROUNDS):
        page.model.set_rows(rows)  # back to the first rows, untimed
        app.processEvents()
        started = time.perf_counter()
        page.model.set_rows([rows[0]._replace(state=f"Edited {k}"), *rows[1:]])
        app.processEvents()
        one.append((time.perf_counter() - started) * 1e3)
        started = time.perf_counter()
        page.model.set_rows([r._replace(state=f"Checking whether Lever stored it… {k}") for r in rows])
        app.processEvents()
        every.append((time.perf_counter() - started) * 1e3)
    page.close()
    page.deleteLater()
    return statistics.median(one), statistics.median(every)


def run() -> None:
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    print(f"\nA list's refill, median of {ROUNDS}, load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    print("  rows   change      no widening   widened      ratio")
    for n in (50, 500):
        plain, widened = _refill_ms(app, n, widen=False), _refill_ms(app, n, widen=True)
        for i, what in enumerate(("one row", "every row")):
            print(f"  {n:4}   {what:10} {plain[i]:8.1f} ms  {widened[i]:8.1f} ms  {widened[i] / plain[i]:6.1f}x")


def test_bench_table_refill(qapp):
    run()


if __name__ == "__main__":
    run()
