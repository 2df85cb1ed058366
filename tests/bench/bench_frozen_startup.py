"""Benchmark: start-up of the frozen app (``make dist``) against the same code run from source.

Three figures, each the median of a few runs, frozen vs source (the baseline):
``--version`` (process start + CLI), ``self-test`` (database, every field type
rendered offscreen, sandbox sync), and time to first window: ``lever-desktop
--sandbox`` on a real X server (Xvfb, Qt's xcb plugin from the bundle) until its
main window is mapped and viewable. Needs dist/lever-desktop, Xvfb and xwininfo.

    .venv/bin/python -m pytest tests/bench/bench_frozen_startup.py -s
    .venv/bin/python tests/bench/bench_frozen_startup.py [--runs N] [--bundle DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "lever-desktop"
WINDOW_TIMEOUT = 60.0


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_") and k != "LD_LIBRARY_PATH"}
    env.update(extra)
    return env


def _timed_run(program: list[str], args: list[str], env: dict[str, str]) -> float:
    with tempfile.TemporaryDirectory(prefix="lever-bench-") as base:
        started = time.perf_counter()
        subprocess.run([*program, "--basedir", base, *args], env=env, check=True, capture_output=True, timeout=120)
        return time.perf_counter() - started


class Xvfb:
    """A private X server on a free display number."""

    def __enter__(self) -> Xvfb:
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
            pass_fds=(write,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(write)
        with os.fdopen(read) as f:
            self.display = ":" + f.readline().strip()  # written once the server accepts clients
        return self

    def __exit__(self, *exc: object) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def _main_window_viewable(display: str) -> bool:
    """A top-level "Lever Desktop…" window larger than Qt's 1x1 helper, mapped and viewable."""
    tree = subprocess.run(["xwininfo", "-root", "-tree", "-display", display], capture_output=True, text=True).stdout
    for win_id in re.findall(r'^\s+(0x[0-9a-f]+) "Lever Desktop[^"]*": \(.*?\)\s+(?!1x1\+)\d+x\d+', tree, re.M):
        info = subprocess.run(["xwininfo", "-id", win_id, "-display", display], capture_output=True, text=True).stdout
        if "IsViewable" in info:
            return True
    return False


def _time_to_window(program: list[str], display: str) -> float:
    with tempfile.TemporaryDirectory(prefix="lever-bench-") as base:
        env = _env(DISPLAY=display, QT_QPA_PLATFORM="xcb")
        started = time.perf_counter()
        app = subprocess.Popen(
            [*program, "--basedir", base, "--sandbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            while time.perf_counter() - started < WINDOW_TIMEOUT:
                if _main_window_viewable(display):
                    return time.perf_counter() - started
                if app.poll() is not None:
                    raise RuntimeError(f"{program} exited with {app.returncode} before showing a window")
                time.sleep(0.02)  # polling interval for the X server's window tree
            raise TimeoutError(f"no window within {WINDOW_TIMEOUT:.0f} s")
        finally:
            app.terminate()
            try:
                app.wait(timeout=15)
            except subprocess.TimeoutExpired:
                app.kill()
                app.wait()


def run(runs: int = 3, bundle: Path = BUNDLE) -> dict[str, tuple[float, float]]:
    frozen = [str(bundle / "lever-desktop-console")]
    source = [sys.executable, "-m", "lever_desktop"]
    offscreen = _env(QT_QPA_PLATFORM="offscreen")
    figures: dict[str, tuple[float, float]] = {}
    for args in (["--version"], ["self-test"]):
        figures[args[0]] = tuple(  # type: ignore[assignment]
            statistics.median(_timed_run(program, args, offscreen) for _ in range(runs)) for program in (frozen, source)
        )
    if shutil.which("Xvfb") and shutil.which("xwininfo"):
        gui_frozen = [str(bundle / "lever-desktop")]
        with Xvfb() as x:
            figures["first window (xcb)"] = tuple(  # type: ignore[assignment]
                statistics.median(_time_to_window(program, x.display) for _ in range(runs))
                for program in (gui_frozen, source)
            )
    print(f"\nstart-up, median of {runs} runs (s)   frozen   source   frozen/source")
    for name, (f, s) in figures.items():
        print(f"  {name:<28} {f:7.2f}  {s:7.2f}   {f / s:5.2f}")
    return figures


def test_frozen_startup():
    import pytest

    if not (BUNDLE / "lever-desktop-console").exists():
        pytest.skip("no dist/lever-desktop: run `make dist` first")
    figures = run()
    assert all(f > 0 for f, _ in figures.values())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--bundle", type=Path, default=BUNDLE)
    args = parser.parse_args()
    run(args.runs, args.bundle)
