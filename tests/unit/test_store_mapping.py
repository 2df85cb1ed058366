"""Lever's shapes vary (expanded or bare references, nulls, extra keys): the mapping takes them all."""

from __future__ import annotations

from lever_desktop.lever import models
from lever_desktop.store import mapping

COLS = mapping.OPPORTUNITY_COLUMNS


def row(record: dict) -> dict:
    [(opportunity, raw)] = models.parse(models.Opportunity, [record])
    return dict(zip(COLS, mapping.opportunity_row(opportunity, raw, 5)))


def posting_ids(record: dict) -> list[str] | None:
    return models.Opportunity.model_validate({"id": "o", **record}).posting_ids()


def test_bare_and_expanded_references_map_to_the_same_ids():
    bare = row({"id": "o", "stage": "s1", "owner": "u1", "contact": "c1", "location": "Berlin"})
    expanded = row(
        {
            "id": "o",
            "stage": {"id": "s1", "text": "Onsite"},
            "owner": {"id": "u1", "name": "Ada"},
            "contact": {"id": "c1"},
            "location": {"name": "Berlin"},
        }
    )
    keys = ("stage_id", "owner_id", "contact_id", "location")
    assert (
        {k: bare[k] for k in keys}
        == {k: expanded[k] for k in keys}
        == {"stage_id": "s1", "owner_id": "u1", "contact_id": "c1", "location": "Berlin"}
    )


def test_a_sparse_old_record_maps_without_errors():
    r = row(
        {
            "id": "o",
            "updatedAt": None,
            "emails": None,
            "phones": [],
            "archived": None,
            "tags": None,
            "unknownNewField": {"x": 1},
        }
    )
    assert (r["email"], r["phone"], r["updated_at"], r["archived_at"], r["tags"]) == (None, None, None, None, "[]")
    assert '"unknownNewField"' in r["raw"]  # kept verbatim for later


def test_archived_and_search_text():
    r = row(
        {
            "id": "o",
            "name": "Zoë Ng",
            "emails": ["Z@X.io", "z2@x.io"],
            "phones": [{"value": "+1"}],
            "archived": {"reason": {"id": "r1"}, "archivedAt": 9},
        }
    )
    assert (r["archived_reason_id"], r["archived_at"], r["phone"]) == ("r1", 9, "+1")
    assert r["search_text"] == "zoë ng z@x.io z2@x.io" and r["email"] == "Z@X.io"


def test_posting_ids_are_unknown_unless_expanded():
    assert posting_ids({"applications": ["a1"]}) is None
    assert posting_ids({"applications": [{"posting": "p2"}, {"posting": {"id": "p1"}}]}) == ["p1", "p2"]
    assert posting_ids({"applications": []}) == []
