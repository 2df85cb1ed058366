"""Against the sandbox: the templates walk and the single-template read agree on every version."""

from __future__ import annotations

from sync_support import admin, cached, client_for

from lever_desktop.store import cache
from lever_desktop.sync.engine import SyncEngine


async def test_list_and_single_reads_give_the_same_versions(sandbox, store):
    async with client_for(sandbox) as client:
        engine = SyncEngine(client, store)
        assert (await engine.sync_now()).ok
        listed = dict(cached(store.path, "SELECT template_id, version FROM feedback_templates"))
        assert len(listed) == len(sandbox.state.templates)
        for template_id, version in listed.items():
            # What the outbox does just before sending: re-read the one template from Lever.
            assert (await engine.ensure_template(template_id, max_age=0)).version == version
        assert dict(cached(store.path, "SELECT template_id, version FROM feedback_templates")) == listed

        # An admin's real edit in Lever (an option renamed, a field added) is a new version, both ways.
        drifted = admin(sandbox, "POST", "/templates/drift", {"templateId": next(iter(listed))})["id"]
        single = (await engine.ensure_template(drifted, max_age=0)).version
        assert single != listed[drifted]
        assert (await engine.sync_now(full=True)).ok
        assert store.call_sync(cache.current_template, drifted).version == single
        assert cached(store.path, "SELECT COUNT(*) FROM feedback_templates WHERE template_id = ?", drifted) == [(2,)]
