"""A template version means "what a form of it sends": only a change to the request is a new version.

An approved draft goes back to review when its template's version changes, so a version must not
move when Lever merely reorders its answer, spells ``required`` or ``stage`` differently between
the list and the single-template endpoint, or an admin edits the instructions.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
from pathlib import Path

import pytest
from helpers.review_seed import TEMPLATE, draft_doc, put_template, seed

from lever_desktop.lever.envelope import unwrap
from lever_desktop.review import approval, cache_view, drafts, intake, queue
from lever_desktop.review.lifecycle import DraftState
from lever_desktop.store import Store, cache, mapping

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "lever"


def fixture(name: str):
    return unwrap(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def shuffled(value, rng: random.Random):
    """The same JSON with every object's keys in another order (what a reordered answer looks like)."""
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [shuffled(v, rng) for v in value]
    return value


def version(t: dict) -> str:
    return mapping.template_version(t)


def legacy_version(t: dict) -> str:
    """How versions were computed before (stored in caches, drafts and outboxes made then)."""
    body = json.dumps(
        {k: t.get(k) for k in ("text", "instructions", "group", "stage", "fields")},
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def test_a_reordered_answer_is_the_same_version():
    rng = random.Random(3)
    t = copy.deepcopy(TEMPLATE)
    moved = shuffled(t, rng)
    assert list(moved) != list(t) or any(list(a) != list(b) for a, b in zip(moved["fields"], t["fields"]))
    assert version(moved) == version(t)
    # Fields and the options of a choice come back in another order: the same request.
    moved["fields"].reverse()
    for f in moved["fields"]:
        f.get("options", []).reverse()
    assert version(moved) == version(t)


@pytest.mark.parametrize(
    "edit",
    [
        {"instructions": "Now with a rubric link."},
        {"text": "Every field type (2025)"},
        {"group": {"id": "g2", "name": "Sales"}},
        {"group": ""},
        {"group": None},
        {"stage": {"id": "s9", "text": "Offer"}},
        {"stage": "s9"},
        {"updatedAt": 99, "createdAt": 1},
    ],
)
def test_edits_that_do_not_change_the_request_keep_the_version(edit):
    assert version({**TEMPLATE, **edit}) == version(TEMPLATE)


def test_field_labels_and_descriptions_keep_the_version():
    t = copy.deepcopy(TEMPLATE)
    t["fields"][0]["text"] = "Summary (one line)"
    t["fields"][8]["scores"][0]["description"] = "Sees it through"
    assert version(t) == version(TEMPLATE)


def test_required_spellings_are_one_version():
    t = copy.deepcopy(TEMPLATE)
    spelled = 0
    for f in t["fields"]:  # Lever may send required as 1/0; false and a missing key read the same
        r = f.get("required")
        if r is True or r is False:
            f["required"], spelled = int(r), spelled + 1
        elif r is None:
            f["required"] = False
    assert spelled and version(t) == version(TEMPLATE)


def _edit(path: str):
    def change(t: dict) -> None:
        fields = {f["id"]: f for f in t["fields"]}
        match path:
            case "option renamed":
                fields["f-drop"]["options"][1]["text"] = "Senior+"
            case "option added":
                fields["f-ms"]["options"].append({"text": "Rust"})
            case "rating option renamed":
                fields["f-overall"]["options"][0]["text"] = "4 - Definitely"
            case "scorecard rows reordered":
                fields["f-card"]["scores"].reverse()
            case "scorecard row renamed":
                fields["f-card"]["scores"][0]["text"] = "Initiative"
            case "type changed":
                fields["f-area"]["type"] = "text"
            case "made required":
                fields["f-area"]["required"] = True
            case "field added":
                t["fields"].append({"id": "f-new", "type": "text", "text": "New"})
            case "field removed":
                t["fields"].remove(fields["f-yn"])
            case "field id changed":
                fields["f-text"]["id"] = "f-text-2"

    return change


@pytest.mark.parametrize(
    "change",
    [
        "option renamed",
        "option added",
        "rating option renamed",
        "scorecard rows reordered",
        "scorecard row renamed",
        "type changed",
        "made required",
        "field added",
        "field removed",
        "field id changed",
    ],
)
def test_what_changes_the_request_is_a_new_version(change):
    t = copy.deepcopy(TEMPLATE)
    _edit(change)(t)
    assert version(t) != version(TEMPLATE)


def test_list_and_single_endpoint_fixtures_give_one_version():
    """Lever's list spells required as 1/0 and stage as an id; the single read true/false and {id, text}."""
    listed = next(t for t in fixture("feedback_templates.json") if t["id"] == "4a9b0b48-4c4e-4b7a-9f0b-38f1b1d7e6aa")
    single = fixture("feedback_template.json")
    assert listed["stage"] != single["stage"] and json.dumps(listed["fields"]) != json.dumps(single["fields"])
    assert version(listed) == version(single)
    store = Store.open()
    try:
        assert store.call_sync(cache.upsert_templates, fixture("feedback_templates.json"), 1) == 3
        assert store.call_sync(cache.upsert_templates, [single], 2) == 0  # engine.ensure_template's write
        rec = store.call_sync(cache.current_template, single["id"])
        assert rec.version == version(listed) and rec.fetched_at == 2 and rec.raw == single
        rows = store.call_sync(
            lambda c: c.exec_driver_sql(
                "SELECT COUNT(*) FROM feedback_templates WHERE template_id = ?", (single["id"],)
            ).scalar_one()
        )
        assert rows == 1
    finally:
        store.close()


def test_an_instructions_edit_updates_the_cached_version_in_place():
    store = Store.open()
    try:
        store.call_sync(cache.upsert_templates, [TEMPLATE], 1)
        edited = {**TEMPLATE, "instructions": "Use the rubric."}
        edited["fields"] = [dict(f, text=f["text"] + "?") if f["id"] == "f-text" else f for f in TEMPLATE["fields"]]
        assert store.call_sync(cache.upsert_templates, [edited], 2) == 0
        rec = store.call_sync(cache.current_template, TEMPLATE["id"])
        assert rec.version == version(TEMPLATE) and rec.raw["instructions"] == "Use the rubric."
        assert rec.fields[0]["text"] == "Summary?"  # the form shows what Lever shows now
    finally:
        store.close()


@pytest.fixture
def upgraded_store():
    """A cache made before versions meant "what the form sends": the template under its old hash,
    one draft approved (queued in the outbox) and one received, both against that version."""
    s = Store.open()
    s.call_sync(seed)
    s.call_sync(put_template, TEMPLATE, legacy_version(TEMPLATE))
    yield s
    s.close()


@pytest.mark.parametrize("answer", ["as before", "reordered"])
async def test_after_upgrade_approved_drafts_stay_approved(upgraded_store, answer):
    store = upgraded_store
    old = legacy_version(TEMPLATE)
    await intake.receive_draft(store, draft_doc("d-approved"))
    await intake.receive_draft(store, draft_doc("d-waiting"))
    await approval.approve(store, "d-approved", reviewer="r", now=1_000)
    [entry] = await store.call(queue.entries, [DraftState.APPROVED])
    assert entry.template_version == old != version(TEMPLATE)

    # The first sync after the upgrade reads the same template from Lever.
    lever_says = TEMPLATE if answer == "as before" else shuffled(TEMPLATE, random.Random(5))
    assert await store.call(cache.upsert_templates, [lever_says], 2_000) == 0

    # The outbox's check before sending: the current version is still the approved one.
    current = await store.call(cache_view.template, entry.template_id)
    assert current is not None and current[0] == entry.template_version
    # The draft still waiting for review keeps its version and can be approved.
    assert (await store.call(drafts.get, "d-waiting")).template_version == old
    a = await approval.approve(store, "d-waiting", reviewer="r", now=3_000)
    assert a.body["baseTemplateId"] == TEMPLATE["id"]

    # A real change after the upgrade is still a new version.
    changed = copy.deepcopy(TEMPLATE)
    changed["fields"][4]["options"].append({"text": "Principal"})
    assert await store.call(cache.upsert_templates, [changed], 4_000) == 1
    assert (await store.call(cache_view.template, entry.template_id))[0] == version(changed) != old
