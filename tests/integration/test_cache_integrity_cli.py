"""A damaged cache through the real CLI: one line naming the backup, the file untouched, and
``lever-desktop cache restore`` bringing the approved-but-unsent draft back, to be matched
against Lever before it is sent."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers.cache_damage import DAMAGE, cache_with_a_backup, damaged_cache

from lever_desktop import paths
from lever_desktop.store import integrity


def _cli(*argv: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
    return subprocess.run(
        [sys.executable, "-m", "lever_desktop", "--basedir", str(paths.basedir()), *argv],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_line(run: subprocess.CompletedProcess[str]) -> str:
    assert run.returncode == 1, run
    err = run.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err and "[SQL" not in err, err
    return err


@pytest.fixture
def cache() -> Path:
    return cache_with_a_backup()


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_cache_is_one_line_then_restored(kind):
    cache, damaged, backup = damaged_cache(kind)

    err = _one_line(_cli("drafts", "list"))
    assert "damaged" in err and err.endswith(f"lever-desktop cache restore {backup}")
    assert cache.read_bytes() == damaged

    restored = _cli("cache", "restore", str(backup))
    assert restored.returncode == 0, restored
    assert "1 approved draft(s) will be matched against Lever's feedback before any is sent" in restored.stdout
    shown = _cli("drafts", "show", "d-1", "--json")
    assert shown.returncode == 0, shown
    assert json.loads(shown.stdout)["state"] == "submitting"  # read Lever first: it may have been sent since
    kept = [p for p in cache.parent.glob(f"{cache.name}.damaged-*") if not p.name.endswith(("-wal", "-shm"))]
    assert [p.read_bytes() for p in kept] == [damaged]


def test_sync_and_check_on_a_garbage_page_say_one_line_not_kilobytes_of_sql():
    cache, _, backup = damaged_cache("garbage mid-file page")
    err = _one_line(_cli("sync", LEVER_API_KEY="k-123456", LEVER_BASE_URL="http://127.0.0.1:9/v1"))
    assert err.startswith("lever-desktop sync: The local cache") and f"cache restore {backup}" in err
    assert f"cache restore {backup}" in _one_line(_cli("cache", "check"))
    err = _one_line(
        _cli(
            "relay",
            "poll",
            "--once",
            LEVER_API_KEY="k-123456",
            LEVER_BASE_URL="http://127.0.0.1:9/v1",
            LEVER_RELAY_URL="http://127.0.0.1:9",
            LEVER_RELAY_TOKEN="t-123456",
        )
    )
    assert err.startswith("lever-desktop relay: The local cache") and "unexpected" not in err
    assert _cli("cache", "restore", str(backup)).returncode == 0
    assert _cli("cache", "check").stdout.startswith("The local cache")


def test_cache_backups_lists_them_newest_first(cache):
    run = _cli("cache", "backups", "--json")
    assert run.returncode == 0, run
    assert [Path(b["path"]) for b in json.loads(run.stdout)] == integrity.backups(cache)


def test_restoring_something_that_is_not_a_backup_is_refused_in_one_line(cache, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    err = _one_line(_cli("cache", "restore", str(tmp_path / "notes.txt")))
    assert "not a Lever Desktop cache backup" in err


def test_restore_waits_until_no_process_has_the_cache_open(cache):
    """Restored under a running app, the cache was moved aside while the app kept writing into it:
    everything it did afterwards (an approval, a submission recorded) was lost at its next start."""
    backup = integrity.backups(cache)[0]
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from lever_desktop.store import Store; "
            "s = Store.open(sys.argv[1]); print('open', flush=True); time.sleep(120)",
            str(cache),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "open\n"
        before = cache.read_bytes()
        err = _one_line(_cli("cache", "restore", str(backup)))
        assert "is open in Lever Desktop" in err and "close it, then restore" in err
        assert cache.read_bytes() == before and not list(cache.parent.glob(f"{cache.name}.damaged-*"))
    finally:
        holder.kill()  # kill -9: the OS drops its locks
        holder.wait(timeout=30)
        holder.stdout.close()
    assert _cli("cache", "restore", str(backup)).returncode == 0
