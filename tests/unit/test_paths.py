"""--basedir moves every directory; directories holding candidate data are user-only."""

from __future__ import annotations

import os
import stat

import pytest

from lever_desktop import paths


def test_basedir_holds_every_directory(tmp_path):
    paths.set_basedir(tmp_path / "b")
    dirs = paths.dirs()
    assert [dirs.data, dirs.cache, dirs.config, dirs.log] == [
        tmp_path / "b" / n for n in ("data", "cache", "config", "log")
    ]
    assert paths.database_path().parent == paths.data_dir() == tmp_path / "b" / "data"
    assert paths.settings_path().parent == tmp_path / "b" / "config"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_directories_are_created_user_only(tmp_path):
    paths.set_basedir(tmp_path / "b")
    for d in (paths.data_dir(), paths.cache_dir(), paths.config_dir(), paths.log_dir()):
        assert d.is_dir() and stat.S_IMODE(d.stat().st_mode) == 0o700


def test_basedir_expands_user_and_resolves(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    paths.set_basedir("~/x/../y")
    assert paths.basedir() == (tmp_path / "y").resolve()


def test_none_restores_platform_directories(tmp_path):
    paths.set_basedir(tmp_path)
    paths.set_basedir(None)
    assert paths.basedir() is None
    dirs = paths.dirs()  # not ensure(): the test must not create anything in the real home
    assert not any(p.is_relative_to(tmp_path) for p in (dirs.data, dirs.cache, dirs.config, dirs.log))
    assert all("lever-desktop" in str(p) for p in (dirs.data, dirs.cache, dirs.config, dirs.log))
