"""Smoke-test a frozen Lever Desktop: the artifact users download, not the source tree.

    python packaging/smoke_test.py dist/lever-desktop            # a onedir bundle
    python packaging/smoke_test.py dist/lever-desktop_0.1.0_amd64.deb   # unpacked to a temp root
    python packaging/smoke_test.py "dist/Lever Desktop.app"      # a macOS app

It runs ``lever-desktop-console --version`` and ``lever-desktop-console
--basedir <temporary dir> self-test`` offscreen, each with a timeout, and fails
unless both exit 0 with nothing on stderr beyond a short list of known,
harmless lines. On Linux it also checks that every bundled Qt plugin finds the
Qt libraries it links against, because an offscreen run never loads the X11
or Wayland plugins. Same idea as qutebrowser's release smoke test
(``scripts/dev/build_release.py``).
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

# Lines a healthy run may print on stderr (full-line regular expressions).
# Keep this short: every entry is a warning we have decided to live with.
STDERR_ALLOWED = [
    # Qt's offscreen platform cannot pass size hints to a window manager it lacks.
    r"This plugin does not support propagateSizeHints\(\)",
    # macOS CI images lack some font families; Qt logs how long the fallback search took.
    r"qt\.qpa\.fonts: Populating font family aliases took \d+ ms\. .*",
]

APP = "lever-desktop"


@dataclass
class RunResult:
    argv: list[str]
    returncode: int | None  # None: killed after the timeout
    stdout: str
    stderr: str
    seconds: float


def find_executable(target: Path, *, windowed: bool = False) -> Path:
    """The executable inside a bundle dir, .app, or the path itself if it is one."""
    name = APP if windowed else f"{APP}-console"
    if target.is_file():
        return target
    exe = ".exe" if os.name == "nt" else ""
    for candidate in (target / f"{name}{exe}", target / "Contents" / "MacOS" / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"no {name}{exe} in {target}")


def unexpected_lines(stderr: str, allowed: list[str] = STDERR_ALLOWED) -> list[str]:
    """Non-blank stderr lines that match none of the ``allowed`` patterns."""
    patterns = [re.compile(p) for p in allowed]
    return [
        line for line in stderr.splitlines() if line.strip() and not any(p.fullmatch(line.rstrip()) for p in patterns)
    ]


def smoke_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a run: offscreen Qt, no Lever credentials from the caller."""
    env = {k: v for k, v in (base if base is not None else os.environ).items() if not k.startswith("LEVER_")}
    env["QT_QPA_PLATFORM"] = "offscreen"
    # A user's session has no LD_LIBRARY_PATH into a build tree; one here could hide
    # a library the bundle lacks.
    env.pop("LD_LIBRARY_PATH", None)
    return env


def run(argv: list[str], timeout: float, env: dict[str, str]) -> RunResult:
    start = time.monotonic()
    try:
        proc = subprocess.run(argv, capture_output=True, text=True, errors="replace", timeout=timeout, env=env)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return RunResult(argv, None, out, err, time.monotonic() - start)
    return RunResult(argv, proc.returncode, proc.stdout, proc.stderr, time.monotonic() - start)


def check(result: RunResult, *, expect_stdout: str | None = None) -> list[str]:
    """Problems with one run (empty: it passed)."""
    problems = []
    if result.returncode is None:
        problems.append(f"timed out after {result.seconds:.0f} s")
    elif result.returncode != 0:
        problems.append(f"exit code {result.returncode}")
    problems += [f"unexpected stderr: {line}" for line in unexpected_lines(result.stderr)]
    if expect_stdout is not None and expect_stdout not in result.stdout:
        problems.append(f"stdout lacks {expect_stdout!r}")
    return problems


def missing_qt_libraries(bundle: Path) -> list[str]:
    """Qt plugins whose Qt libraries are not in the bundle (Linux, needs ``ldd``)."""
    ldd = shutil.which("ldd")
    if not sys.platform.startswith("linux") or ldd is None:
        return []
    problems = []
    for plugin in sorted(bundle.glob("**/PySide6/Qt/plugins/**/*.so")):
        out = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, check=False).stdout
        for lib in re.findall(r"^\s*(libQt6\S*) => not found", out, flags=re.M):
            problems.append(f"{plugin.relative_to(bundle)} needs {lib}, which is not bundled")
    return problems


def dangling_symlinks(bundle: Path) -> list[str]:
    return [f"dangling symlink {p.relative_to(bundle)}" for p in bundle.rglob("*") if p.is_symlink() and not p.exists()]


def deb_layout_problems(root: Path) -> list[str]:
    """What a .deb unpacked at ``root`` gets wrong about where things go."""
    problems = []
    launcher = root / "usr" / "bin" / APP
    if not launcher.is_symlink() or os.readlink(launcher) != f"/opt/{APP}/{APP}":
        problems.append(f"/usr/bin/{APP} is not a symlink to /opt/{APP}/{APP}")
    for rel in (
        f"opt/{APP}/{APP}",
        f"usr/share/applications/{APP}.desktop",
        f"usr/share/icons/hicolor/256x256/apps/{APP}.png",
        f"usr/share/icons/hicolor/scalable/apps/{APP}.svg",
    ):
        if not (root / rel).is_file():
            problems.append(f"/{rel} is missing")
    desktop = root / "usr" / "share" / "applications" / f"{APP}.desktop"
    if desktop.is_file():
        entry = desktop.read_text(encoding="utf-8").splitlines()
        for line in (f"Exec={APP}", f"Icon={APP}"):
            if line not in entry:
                problems.append(f"{desktop.name} lacks {line!r}")
    return problems


def check_deb(deb: Path, workdir: Path, timeout: float, env: dict[str, str]) -> tuple[Path, list[str]]:
    """Unpack ``deb`` under ``workdir``; the bundle's path and the layout problems.

    Also starts the app through a symlink, as /usr/bin/lever-desktop does.
    """
    root = workdir / "root"
    subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    problems = deb_layout_problems(root)
    link = workdir / APP
    link.symlink_to(root / "opt" / APP / APP)
    result = run([str(link), "--version"], timeout, env)
    problems += [f"through a symlink: {p}" for p in check(result)]
    return root / "opt" / APP, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, help="bundle directory, .app, executable, or .deb")
    parser.add_argument("--windowed", action="store_true", help="test lever-desktop instead of the console variant")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per run (default 120)")
    parser.add_argument("--expect-version", help="--version must print this version")
    parser.add_argument(
        "--command", default="self-test", help="what to run with a temporary --basedir (default: self-test)"
    )
    args = parser.parse_args(argv)

    env = smoke_env()
    with tempfile.TemporaryDirectory(prefix="lever-smoke-", ignore_cleanup_errors=True) as tmp:
        problems: list[str] = []
        target = args.target
        if target.suffix == ".deb":
            target, problems = check_deb(target, Path(tmp), args.timeout, env)
        exe = find_executable(target, windowed=args.windowed).absolute()  # a symlink stays one
        bundle = exe.parent.parent if exe.parent.name == "MacOS" else exe.parent
        problems += dangling_symlinks(bundle) + missing_qt_libraries(bundle)
        basedir = os.path.join(tmp, "basedir")
        runs = [
            (run([str(exe), "--version"], args.timeout, env), args.expect_version),
            (run([str(exe), "--basedir", basedir, *shlex.split(args.command)], args.timeout, env), None),
        ]
    for result, expected in runs:
        found = check(result, expect_stdout=expected)
        status = "FAIL" if found else "ok"
        print(f"[{status}] {' '.join(result.argv[1:])}  ({result.seconds:.2f} s)")
        if found:
            print(f"--- stdout ---\n{result.stdout}--- stderr ---\n{result.stderr}", file=sys.stderr)
        problems += found
    for problem in problems:
        print(f"smoke test: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(f"smoke test passed: {exe}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
