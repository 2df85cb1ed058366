"""packaging/smoke_test.py: stderr filtering, argument handling, .deb layout checks.

The real check is `make dist && make smoke` (in .ci/run) on the frozen app; here a
stand-in executable plays the frozen app so the script's own logic is tested fast.
"""

from __future__ import annotations

import os
import stat
import sys
import textwrap
from pathlib import Path

import pytest
import smoke_test

posix_only = pytest.mark.skipif(os.name != "posix", reason="the stand-in app is a shebang script")


def test_allowlisted_and_blank_stderr_lines_are_expected():
    stderr = "\nThis plugin does not support propagateSizeHints()\n  \nQObject: something leaked\n"
    assert smoke_test.unexpected_lines(stderr) == ["QObject: something leaked"]


def test_allowlist_patterns_match_whole_lines_only():
    # A real error that merely contains an allowed phrase must still fail the run.
    line = "Traceback: This plugin does not support propagateSizeHints() and crashed"
    assert smoke_test.unexpected_lines(line) == [line]


def test_check_reports_timeouts_exit_codes_and_missing_output():
    ok = smoke_test.RunResult(["app", "--version"], 0, "lever-desktop 0.1.0\n", "", 0.1)
    assert smoke_test.check(ok, expect_stdout="0.1.0") == []
    assert smoke_test.check(ok, expect_stdout="9.9.9") == ["stdout lacks '9.9.9'"]
    hung = smoke_test.RunResult(["app"], None, "", "", 120.0)
    assert smoke_test.check(hung) == ["timed out after 120 s"]
    failed = smoke_test.RunResult(["app"], 1, "", "self-test FAILED: boom\n", 1.0)
    assert smoke_test.check(failed) == ["exit code 1", "unexpected stderr: self-test FAILED: boom"]


def test_environment_is_offscreen_without_lever_credentials():
    env = smoke_test.smoke_env({"LEVER_API_KEY": "k", "PATH": "/bin", "LD_LIBRARY_PATH": "/venv/lib"})
    assert env == {"PATH": "/bin", "QT_QPA_PLATFORM": "offscreen"}


def test_executable_is_found_in_a_bundle_an_app_or_given_directly(tmp_path):
    exe = ".exe" if os.name == "nt" else ""
    bundle = tmp_path / "lever-desktop"
    bundle.mkdir()
    (bundle / f"lever-desktop-console{exe}").write_text("")
    (bundle / f"lever-desktop{exe}").write_text("")
    assert smoke_test.find_executable(bundle).name == f"lever-desktop-console{exe}"
    assert smoke_test.find_executable(bundle, windowed=True).name == f"lever-desktop{exe}"
    macos = tmp_path / "Lever Desktop.app" / "Contents" / "MacOS"
    macos.mkdir(parents=True)
    (macos / "lever-desktop-console").write_text("")
    assert smoke_test.find_executable(tmp_path / "Lever Desktop.app") == macos / "lever-desktop-console"
    assert smoke_test.find_executable(bundle / f"lever-desktop{exe}") == bundle / f"lever-desktop{exe}"
    with pytest.raises(FileNotFoundError):
        smoke_test.find_executable(tmp_path)


def _stand_in_app(bundle: Path, self_test_body: str) -> Path:
    """A script answering like the frozen app: --version, then --basedir DIR self-test."""
    bundle.mkdir(parents=True, exist_ok=True)
    exe = bundle / "lever-desktop-console"
    exe.write_text(
        f"#!{sys.executable}\n"
        + textwrap.dedent(
            """\
            import sys
            args = sys.argv[1:]
            if args == ["--version"]:
                print("lever-desktop 0.1.0")
                sys.exit(0)
            assert args[0] == "--basedir" and args[2:] == ["self-test"], args
            """
        )
        + textwrap.dedent(self_test_body)
    )
    exe.chmod(exe.stat().st_mode | stat.S_IXUSR)
    return exe


@posix_only
def test_a_healthy_app_passes(tmp_path, capsys):
    _stand_in_app(tmp_path / "bundle", 'print("self-test ok")\n')
    assert smoke_test.main([str(tmp_path / "bundle"), "--expect-version", "0.1.0"]) == 0
    assert "smoke test passed" in capsys.readouterr().out


@posix_only
def test_noise_on_stderr_fails_even_with_exit_0(tmp_path, capsys):
    _stand_in_app(
        tmp_path / "bundle",
        """\
        print("This plugin does not support propagateSizeHints()", file=sys.stderr)
        print("QThread: Destroyed while thread is still running", file=sys.stderr)
        """,
    )
    assert smoke_test.main([str(tmp_path / "bundle")]) == 1
    err = capsys.readouterr().err
    assert "unexpected stderr: QThread: Destroyed while thread is still running" in err
    assert "unexpected stderr: This plugin" not in err


@posix_only
def test_a_hung_app_is_killed_after_the_timeout(tmp_path, capsys):
    # The stand-in blocks reading a pipe nobody writes to: it can only end by being killed.
    _stand_in_app(tmp_path / "bundle", "import os\nr, w = os.pipe()\nos.read(r, 1)\n")
    assert smoke_test.main([str(tmp_path / "bundle"), "--timeout", "1"]) == 1
    assert "timed out after 1 s" in capsys.readouterr().err


@posix_only
def test_wrong_version_fails(tmp_path, capsys):
    _stand_in_app(tmp_path / "bundle", 'print("self-test ok")\n')
    assert smoke_test.main([str(tmp_path / "bundle"), "--expect-version", "2.0.0"]) == 1
    assert "stdout lacks '2.0.0'" in capsys.readouterr().err


def _deb_root(root: Path, *, launcher_target: str = "/opt/lever-desktop/lever-desktop") -> Path:
    (root / "opt" / "lever-desktop").mkdir(parents=True)
    (root / "opt" / "lever-desktop" / "lever-desktop").write_text("")
    (root / "usr" / "bin").mkdir(parents=True)
    (root / "usr" / "bin" / "lever-desktop").symlink_to(launcher_target)
    apps = root / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "lever-desktop.desktop").write_text("[Desktop Entry]\nExec=lever-desktop\nIcon=lever-desktop\n")
    for size in ("256x256", "scalable"):
        icons = root / "usr" / "share" / "icons" / "hicolor" / size / "apps"
        icons.mkdir(parents=True)
        (icons / ("lever-desktop.svg" if size == "scalable" else "lever-desktop.png")).write_text("")
    return root


@posix_only
def test_deb_layout_is_checked(tmp_path):
    assert smoke_test.deb_layout_problems(_deb_root(tmp_path / "good")) == []
    bad = _deb_root(tmp_path / "bad", launcher_target="/usr/lib/lever-desktop/lever-desktop")
    (bad / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps" / "lever-desktop.svg").unlink()
    assert smoke_test.deb_layout_problems(bad) == [
        "/usr/bin/lever-desktop is not a symlink to /opt/lever-desktop/lever-desktop",
        "/usr/share/icons/hicolor/scalable/apps/lever-desktop.svg is missing",
    ]


@posix_only
def test_dangling_symlinks_in_a_bundle_are_reported(tmp_path):
    (tmp_path / "libQt6Network.so.6").symlink_to(tmp_path / "PySide6" / "Qt" / "lib" / "libQt6Network.so.6")
    assert smoke_test.dangling_symlinks(tmp_path) == ["dangling symlink libQt6Network.so.6"]
