"""Names from Lever reach the terminal escaped in the CLI's confirmations (the real CLI, in a subprocess).

A candidate types their own name when they apply, and anyone with access to Lever can name a user or a
template: ``drafts withdraw`` and ``drafts remove-duplicate`` printed those names raw in the question
they ask, so an escape sequence in a name could rewrite the terminal (retitle it, hide the question).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import sqlalchemy as sa
from helpers.review_seed import TEMPLATE, draft_doc, put_template, seed

from lever_desktop import paths
from lever_desktop.review import approval, intake, queue
from lever_desktop.store import Store, schema

ESC = "\x1b]0;pwned\x07\x1b[2K"  # retitle the terminal, erase the line


def _hostile_cache() -> None:
    """d-1 submitted with a duplicate recorded; d-2 submitted; every name carries escapes."""

    def names(conn: sa.Connection) -> None:
        seed(conn)
        conn.execute(sa.update(schema.users).where(schema.users.c.id == "u-ana").values(name=f"Ana{ESC}"))
        conn.execute(sa.update(schema.opportunities).values(name=f"Grace{ESC}"))
        put_template(conn, {**TEMPLATE, "text": f"Onsite{ESC}"}, "v2")

    async def submitted(store: Store) -> None:
        for draft_id, fid in (("d-1", "fb-1"), ("d-2", "fb-2")):
            await intake.receive_draft(store, draft_doc(draft_id), source="file")
            # d-2 is for the same interview as d-1, sent from here: a second form, chosen knowingly
            await approval.approve(store, draft_id, reviewer="rita@example.com", add_second_form=draft_id == "d-2")
            await store.call(queue.claim, draft_id, 1)
            await store.call(queue.record_submitted, draft_id, fid, {})
        await store.call(queue.record_duplicates, "d-1", ["fb-9"])

    with Store.open(paths.database_path()) as store:
        store.call_sync(names)
        asyncio.run(submitted(store))


def _cli(*argv: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LEVER_")}
    # An account is looked up before the question is asked; nothing is sent without --yes.
    clean |= {"LEVER_API_KEY": "test-key", "LEVER_BASE_URL": "http://127.0.0.1:9/v1"}
    return subprocess.run(
        [sys.executable, "-m", "lever_desktop", "--basedir", str(paths.basedir()), *argv],
        env=clean,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_confirmations_print_names_from_lever_escaped():
    _hostile_cache()
    withdraw = _cli("drafts", "withdraw", "d-2")
    duplicate = _cli("drafts", "remove-duplicate", "d-1", "--feedback", "fb-9")

    for run, who in ((withdraw, "Ana"), (duplicate, "Grace")):
        assert run.returncode == 1 and "Re-run with --yes" in run.stderr, run
        assert "\x1b" not in run.stderr and "\x07" not in run.stderr
        assert f"{who}\\x1b]0;pwned\\x07\\x1b[2K" in run.stderr and "Onsite\\x1b]0;pwned" in run.stderr
