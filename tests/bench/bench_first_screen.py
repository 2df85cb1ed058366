"""The candidate list's first screen as the window's first paint reads it, on a cache of undated candidates.

Run:  .venv/bin/python tests/bench/bench_first_screen.py [CACHE]
      CACHE: a cache file of 100,000 candidates to copy (never changed); without it, 100,000 are populated
      first as bench_ui does (a minute or more). Another commit's code: PYTHONPATH=/tmp/old (a
      `git worktree add /tmp/old <commit>`) with this file.

The first look reads the first screen on the window's thread within ``NOW_BUDGET_S`` (150 ms), past which
the list is not painted at all. On a copy where every candidate is undated (``updated_at`` NULL), the
median of 9 reads through ``CacheReader.call_now``, beside the same read on the copy as it was (dated:
along the index on ``updated_at``) as the baseline of this run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
RUNS = 9


def first_screen_ms(path: Path) -> tuple[float, int, bool]:
    """The median time of the first screen's read, its ids and whether it was the whole list."""
    from lever_desktop.store import candidates
    from lever_desktop.store.candidates import CandidateFilter
    from lever_desktop.store.reader import CacheReader
    from lever_desktop.ui.table_models import BLOCK

    reader = CacheReader.open(path)
    assert reader is not None, path
    took: list[float] = []
    try:
        for _ in range(RUNS):
            t = time.perf_counter()
            page = reader.call_now(candidates.candidate_page, CandidateFilter(), "updated", True, BLOCK, budget=10)
            took.append(time.perf_counter() - t)
    finally:
        reader.close()
        reader.wait_closed()
    assert page is not None
    ids, _rows, complete = page
    return statistics.median(took) * 1000, len(ids), complete


def bench(cache: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        dated = Path(tmp) / "dated.sqlite3"
        source = sqlite3.connect(f"{cache.resolve().as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(dated)
        source.backup(copy)  # with what its write-ahead log holds
        source.close()
        count = copy.execute("SELECT count(*) FROM opportunities").fetchone()[0]
        copy.close()
        undated = Path(tmp) / "undated.sqlite3"
        shutil.copyfile(dated, undated)
        db = sqlite3.connect(undated)
        with db:
            db.execute("UPDATE opportunities SET updated_at = NULL")
        db.close()
        base_ms, base_ids, _ = first_screen_ms(dated)
        ms, ids, complete = first_screen_ms(undated)
    print(
        f"first screen of {count:,} undated candidates: {ms:.1f} ms ({ids:,} ids, complete={complete}); "
        f"dated: {base_ms:.1f} ms ({base_ids:,} ids); ratio {ms / base_ms:.1f}x; budget 150 ms; "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    return {"undated_ms": ms, "dated_ms": base_ms}


def main() -> None:
    if len(sys.argv) > 1:
        bench(Path(sys.argv[1]))
        return
    sys.path.insert(0, os.path.dirname(os.path.realpath(__file__)))
    from bench_ui import populate

    from lever_desktop import paths

    with tempfile.TemporaryDirectory() as tmp:
        populate(Path(tmp))
        bench(paths.database_path())


if __name__ == "__main__":
    main()
