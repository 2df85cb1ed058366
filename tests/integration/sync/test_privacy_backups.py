"""The backups next to the cache forget an anonymised candidate too.

They were copied before Lever anonymised the candidate: after the sync pass that purged the
cache, the same purge runs in each backup (which stays a backup to restore), and a backup of an
older schema, which the purge cannot run in, is removed rather than kept with the text.
"""

from __future__ import annotations

import shutil
import sqlite3

import httpx
import pytest
from helpers.review_sandbox import draft_for, fast_client, find_targets, template_named
from helpers.waiting import wait_until

from lever_desktop.review import intake
from lever_desktop.store import Store, integrity
from lever_desktop.sync.engine import SyncEngine

NAME = "Zebulon Backupwright"
QUOTE = "QUOTE-b4c1 he told Zebulon"


@pytest.fixture
async def lever(sandbox):
    client = fast_client(sandbox.api_key, sandbox.base_url)
    yield client
    await client.aclose()


def _set_version(path, version: str) -> None:
    with sqlite3.connect(path) as db:
        db.execute("UPDATE alembic_version SET version_num = ?", (version,))
    db.close()


@pytest.mark.logs_warnings("removing a backup that held the candidate is logged")
async def test_an_anonymised_candidate_is_purged_from_the_backups_too(sandbox, lever):
    target = (await find_targets(lever, 1))[0]
    every = await template_named(lever, "Every field type")
    with httpx.Client(base_url=sandbox.admin_url) as admin:
        admin.post(f"/opportunities/{target.opportunity_id}/contact", json={"name": NAME}).raise_for_status()
    store = Store.open()  # a new cache: no backup of an empty file
    try:
        engine = SyncEngine(lever, store)
        assert (await engine.sync_now(full=True)).ok
        doc = draft_for("d-0", target, every)
        for f in doc["fields"]:
            f["evidence"] = [{"quote": QUOTE, "atMs": 1000}]
        assert (await intake.receive_draft(store, doc, source="test")).status == "received"
    finally:
        store.close()
    store = Store.open()  # the next start copies the cache, the candidate's name and the quote with it
    try:
        [at_open] = wait_until(lambda: integrity.backups(store.path), what="the at-open backup")
        store.wait_for_backup()
        older = at_open.with_name(f"{store.path.name}.pre-0002-from-0001.bak")  # before a schema upgrade
        shutil.copyfile(at_open, older)
        _set_version(older, "0001")
        for backup in (at_open, older):
            assert NAME.encode() in backup.read_bytes() and QUOTE.encode() in backup.read_bytes()

        with httpx.Client(base_url=sandbox.admin_url) as admin:
            admin.post(f"/opportunities/{target.opportunity_id}/anonymize").raise_for_status()
        assert (await SyncEngine(lever, store).sync_now()).ok

        assert integrity.backups(store.path) == [at_open]  # the older one could not be cleaned: gone
        left = at_open.read_bytes()
        assert NAME.encode() not in left and QUOTE.encode() not in left
        assert target.opportunity_id.encode() in left  # still a backup: the draft's row, its ids
        check = integrity.full_check(at_open)
        assert check.complete and not check.problems
        mtime = at_open.stat().st_mtime_ns
        assert (await SyncEngine(lever, store).sync_now()).ok  # nothing purged since: left alone
        assert at_open.stat().st_mtime_ns == mtime
    finally:
        store.close()
