"""Where Lever Desktop keeps its files.

Every path the application touches comes from here, so that ``--basedir DIR``
(and the tests) can move all of them at once, and nothing ever writes to the
real home directory by accident.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from lever_desktop import APP_ID

_basedir: Path | None = None


@dataclass(frozen=True)
class Dirs:
    data: Path
    cache: Path
    config: Path
    log: Path

    def ensure(self) -> Dirs:
        for p in (self.data, self.cache, self.config, self.log):
            p.mkdir(parents=True, exist_ok=True)
            if os.name == "posix":
                # The cache holds candidate PII: readable by the user only.
                p.chmod(0o700)
        return self


def set_basedir(path: str | os.PathLike[str] | None) -> None:
    """Put every directory under ``path`` (``None`` restores the platform defaults)."""
    global _basedir
    _basedir = Path(path).expanduser().resolve() if path is not None else None


def basedir() -> Path | None:
    return _basedir


def dirs() -> Dirs:
    if _basedir is not None:
        return Dirs(
            data=_basedir / "data",
            cache=_basedir / "cache",
            config=_basedir / "config",
            log=_basedir / "log",
        )
    return Dirs(
        data=Path(platformdirs.user_data_dir(APP_ID, appauthor=False)),
        cache=Path(platformdirs.user_cache_dir(APP_ID, appauthor=False)),
        config=Path(platformdirs.user_config_dir(APP_ID, appauthor=False)),
        log=Path(platformdirs.user_log_dir(APP_ID, appauthor=False)),
    )


def data_dir() -> Path:
    return dirs().ensure().data


def cache_dir() -> Path:
    return dirs().ensure().cache


def config_dir() -> Path:
    return dirs().ensure().config


def log_dir() -> Path:
    return dirs().ensure().log


def database_path() -> Path:
    """The SQLite cache (candidates, postings, templates, drafts, outbox)."""
    return data_dir() / "lever-desktop.sqlite3"


def sandbox_dir() -> Path:
    """The embedded sandbox's files (its cache, relay, webhook tokens), apart from a real account's."""
    return data_dir() / "sandbox"


def sandbox_database_path() -> Path:
    """The sandbox's SQLite cache."""
    return sandbox_dir() / "lever-desktop-sandbox.sqlite3"


def settings_path() -> Path:
    """Non-secret settings (JSON). Secrets live in the OS keychain, never here."""
    return config_dir() / "settings.json"
