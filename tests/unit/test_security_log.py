"""Encoded forms of a secret are redacted too: Lever's Basic credential is base64("key:")."""

from __future__ import annotations

import base64
import logging

import pytest

from lever_desktop import log

KEY = "lk_live_MARKER_93f0c2aa71"


@pytest.fixture
def log_file(tmp_path):
    path = log.setup(tmp_path / "log")
    yield path
    log.setup(None, level=logging.WARNING)


def test_the_base64_basic_credential_is_redacted_without_the_word_basic(log_file):
    log.register_secret(KEY)
    credential = base64.b64encode(f"{KEY}:".encode()).decode()
    logging.getLogger("lever_desktop.test").warning("headers=%s raw=%s", {"x-cred": credential},
                                                     credential.rstrip("="))
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text(encoding="utf-8")
    assert credential.rstrip("=") not in text and text.count(log.REDACTED) == 2
