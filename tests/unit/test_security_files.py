"""Private files and redacted logs: log files stay 0600 across rollovers, the backup before a
migration is 0600, secrets read from the keychain and their encoded forms are redacted."""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import stat
from pathlib import Path

import pytest

from lever_desktop import log, paths, secrets
from lever_desktop.store import Store

posix_only = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
KEY = "lk_live_MARKER_93f0c2aa71"
FIXTURE_0001 = Path(__file__).parents[1] / "fixtures" / "db" / "0001_cache.sqlite3"


@pytest.fixture
def desktop_umask():
    old = os.umask(0o022)  # what most desktops use: files would be created world-readable
    yield
    os.umask(old)


@pytest.fixture
def log_file(tmp_path):
    path = log.setup(tmp_path / "log")
    yield path
    log.setup(None, level=logging.WARNING)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.logs_warnings("it logs warnings to read them back")
@posix_only
def test_log_files_stay_private_across_rollovers(desktop_umask, log_file):
    [handler] = [h for h in logging.getLogger().handlers if isinstance(h, log.PrivateRotatingFileHandler)]
    logging.getLogger("lever_desktop.test").warning("before the rollover")
    handler.doRollover()
    logging.getLogger("lever_desktop.test").warning("after the rollover")
    handler.flush()
    rolled = log_file.with_name(log_file.name + ".1")
    assert "before the rollover" in rolled.read_text(encoding="utf-8")
    assert "after the rollover" in log_file.read_text(encoding="utf-8")
    assert _mode(log_file) == 0o600 and _mode(rolled) == 0o600


@posix_only
def test_the_backup_taken_before_a_migration_is_private(desktop_umask):
    db = paths.database_path()
    shutil.copyfile(FIXTURE_0001, db)
    os.chmod(db, 0o644)  # as an older version may have left it
    with Store.open() as store:
        assert store.backup_path is not None
        assert _mode(store.backup_path) == 0o600
        assert _mode(db) == 0o600


@pytest.mark.logs_warnings("it logs warnings to read them back")
def test_secrets_read_from_the_keychain_are_redacted(log_file):
    backend = secrets.use_memory_backend()
    backend.set(secrets.RELAY_READER_TOKEN, "reader-from-keychain-MARKER-8812")
    backend.set(secrets.WEBHOOK_TOKENS, json.dumps({"candidateStageChange": "sig-from-keychain-MARKER-5521"}))
    assert secrets.get_secret(secrets.RELAY_READER_TOKEN) == "reader-from-keychain-MARKER-8812"
    secrets.get_secret(secrets.WEBHOOK_TOKENS)
    secrets.set_secret(secrets.WEBHOOK_TOKENS, json.dumps({"applicationCreated": "sig-saved-MARKER-7730"}))
    logging.getLogger("lever_desktop.test").warning(
        "polling with reader-from-keychain-MARKER-8812; tokens sig-from-keychain-MARKER-5521 sig-saved-MARKER-7730"
    )
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "MARKER" not in text and text.count(log.REDACTED) == 3


@pytest.mark.logs_warnings("it logs warnings to read them back")
def test_the_base64_basic_credential_is_redacted_without_the_word_basic(log_file):
    log.register_secret(KEY)
    credential = base64.b64encode(f"{KEY}:".encode()).decode()
    logging.getLogger("lever_desktop.test").warning("headers=%s raw=%s", {"x-cred": credential}, credential.rstrip("="))
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text(encoding="utf-8")
    assert credential.rstrip("=") not in text and text.count(log.REDACTED) == 2
