"""A secret read from (or saved to) the keychain is redacted from the logs from then on."""

from __future__ import annotations

import json
import logging

import pytest

from lever_desktop import log, secrets


@pytest.fixture
def log_file(tmp_path):
    path = log.setup(tmp_path / "log")
    yield path
    log.setup(None, level=logging.WARNING)


def test_secrets_read_from_the_keychain_are_redacted(log_file):
    backend = secrets.use_memory_backend()
    backend.set(secrets.RELAY_READER_TOKEN, "reader-from-keychain-MARKER-8812")
    backend.set(secrets.WEBHOOK_TOKENS, json.dumps({"candidateStageChange": "sig-from-keychain-MARKER-5521"}))
    assert secrets.get_secret(secrets.RELAY_READER_TOKEN) == "reader-from-keychain-MARKER-8812"
    secrets.get_secret(secrets.WEBHOOK_TOKENS)
    secrets.set_secret(secrets.WEBHOOK_TOKENS, json.dumps({"applicationCreated": "sig-saved-MARKER-7730"}))
    logging.getLogger("lever_desktop.test").warning(
        "polling with reader-from-keychain-MARKER-8812; tokens sig-from-keychain-MARKER-5521 sig-saved-MARKER-7730")
    for h in logging.getLogger().handlers:
        h.flush()
    text = log_file.read_text(encoding="utf-8")
    assert "MARKER" not in text and text.count(log.REDACTED) == 3
