"""Ids go into Lever paths as exactly one segment, in the one helper the sync engine uses."""

from __future__ import annotations

import pytest

from lever_desktop.lever.paths import feedback, seg
from lever_desktop.store import Store
from lever_desktop.sync.engine import SyncEngine


@pytest.mark.parametrize(
    ("value", "segment"),
    [
        ("250d8f03-738a-4bba-a671-8a3d73477145", "250d8f03-738a-4bba-a671-8a3d73477145"),
        ("lead-new", "lead-new"),
        ("a/b", "a%2Fb"),
        ("../users", "..%2Fusers"),
        ("..", "%2E%2E"),
        (".", "%2E"),
        ("x?y#z", "x%3Fy%23z"),
    ],
)
def test_seg_quotes_an_id_into_one_segment(value, segment):
    assert seg(value) == segment


@pytest.mark.parametrize("value", ["", None])
def test_seg_refuses_no_id(value):
    with pytest.raises(ValueError):
        seg(value)


def test_feedback_paths_quote_both_ids():
    # The outbox's POST, PUT and DELETE paths: a draft's opportunity id is one segment too.
    assert feedback("x/../opp-2") == "/opportunities/x%2F..%2Fopp-2/feedback"
    assert feedback("opp-1", "../../users") == "/opportunities/opp-1/feedback/..%2F..%2Fusers"


@pytest.fixture
def store():
    s = Store.open()
    yield s
    s.close()


NOT_FOUND = {"code": "ResourceNotFound", "message": "x"}


@pytest.mark.parametrize(
    ("oid", "raw_path"), [("a/b", b"/v1/opportunities/a%2Fb"), ("../users", b"/v1/opportunities/..%2Fusers")]
)
async def test_engine_reads_an_opportunity_by_its_quoted_id(client, respx_mock, store, oid, raw_path):
    # A webhook's data is unsigned: an id like "../users" must not reach /users.
    route = respx_mock.get(url__regex=r".*").respond(404, json=NOT_FOUND)
    assert await SyncEngine(client, store).refresh_opportunity(oid) is False
    assert [c.request.url.raw_path.split(b"?")[0] for c in route.calls] == [raw_path]


async def test_engine_reads_a_template_by_its_quoted_id(client, respx_mock, store):
    route = respx_mock.get(url__regex=r".*").respond(404, json=NOT_FOUND)
    assert await SyncEngine(client, store).ensure_template("..") is None
    assert [c.request.url.raw_path.split(b"?")[0] for c in route.calls] == [b"/v1/feedback_templates/%2E%2E"]


async def test_an_answer_without_an_id_is_not_stored_under_another(client, respx_mock, store):
    """``GET /opportunities/:id`` read through the model: a record without an id stores nothing, quietly."""
    respx_mock.get(url__regex=r".*/opportunities/o1(\?.*)?$").respond(json={"data": {"name": "No id"}})
    respx_mock.get(url__regex=r".*/opportunities/o1/.*").respond(json={"data": [], "hasNext": False})
    assert await SyncEngine(client, store).refresh_opportunity("o1") is True
    assert store.call_sync(lambda c: c.exec_driver_sql("SELECT COUNT(*) FROM opportunities").scalar_one()) == 0
