"""Restoring a backup never sends a draft twice: an approval the backup still holds as unsent
may have reached Lever after the backup was taken (the sandbox, over loopback)."""

from __future__ import annotations

import os
import subprocess
import sys

from helpers.review_sandbox import draft_for, fast_client, find_targets, prime_cache, tally, template_named

from lever_desktop import paths
from lever_desktop.review import approval, intake, queue
from lever_desktop.review.lifecycle import DraftState
from lever_desktop.review.outbox import Outbox
from lever_desktop.store import Store, integrity


async def test_a_draft_sent_after_the_backup_is_matched_not_sent_again(sandbox):
    client = fast_client(sandbox.api_key, sandbox.base_url)
    try:
        every = await template_named(client, "Every field type")
        targets = (await find_targets(client, 2))[:2]  # one draft for each of two interviews
        with Store.open() as store:
            await prime_cache(client, store, sorted({t.opportunity_id for t in targets}))
            for n, target in enumerate(targets):
                await intake.receive_draft(store, draft_for(f"d-{n}", target, every), source="test")
                await approval.approve(store, f"d-{n}", reviewer="rita")
            requests = [e.request() for e in await store.call(queue.entries, [DraftState.APPROVED])]
        Store.open().close()  # the at-open backup: both drafts approved, neither sent
        with Store.open() as store:  # then d-0 goes out, and the cache is lost afterwards
            sent = await Outbox(store, client, settle_ms=0).flush(["d-0"])
            assert sent.submitted == ["d-0"]

        backup = integrity.backups(paths.database_path())[0]
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
        restore = subprocess.run(
            [sys.executable, "-m", "lever_desktop", "--basedir", str(paths.basedir()), "cache", "restore", str(backup)],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert restore.returncode == 0, restore

        with Store.open() as store:  # submit: d-0 is found in Lever; d-1 is not, so it goes (once)
            again = await Outbox(store, client, settle_ms=0, backoff_base_ms=1, backoff_cap_ms=5).drain(deadline_s=60)
        assert (again.reconciled, again.submitted) == (["d-0"], ["d-1"])
        t = await tally(client, requests)
        assert (t.forms, t.duplicates, t.lost) == (2, 0, 0)
    finally:
        await client.aclose()
