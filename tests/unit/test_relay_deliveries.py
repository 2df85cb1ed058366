"""Judging Lever deliveries: only a genuine, recent, signed delivery names work to do."""

from __future__ import annotations

import pytest
from helpers.relay_fixtures import signed_delivery

from lever_desktop.relay.deliveries import Action, canonical, judge, rejected_key

SIG = "73311ged32110cc40e00c672c2e03e1a42fa28a4fabde089"
TOKENS = {
    e: SIG
    for e in ("candidateStageChange", "candidateDeleted", "interviewUpdated", "contactUpdated", "applicationCreated")
}
NOW = 1_800_000_000_000


def _judge(body, tokens=TOKENS, now=NOW):
    return judge(body, len(canonical(body)), tokens, now)


def test_lever_test_vector_is_accepted():
    body = {
        "id": "d1",
        "event": "candidateStageChange",
        "triggeredAt": 1431454330072,
        "token": "be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154",
        "signature": "d8138ffefd31f34fd9ef6ab358881a2ac5d138287c38186688985ea7755ec241",
        "data": {"opportunityId": "opp-1", "toStageId": "s2"},
    }
    v = _judge(body, now=1431454330072 + 1000)
    assert v.accepted and v.action == Action("refresh_opportunity", "opp-1")
    assert v.dedup_key.startswith(body["token"] + ":")


@pytest.mark.parametrize(
    ("event", "data", "action"),
    [
        ("candidateStageChange", {"opportunityId": "o1"}, Action("refresh_opportunity", "o1")),
        ("applicationCreated", {"candidateId": "o2"}, Action("refresh_opportunity", "o2")),
        # Never a tombstone from unsigned data: a re-read, and only Lever's 404 deletes.
        ("candidateDeleted", {"opportunityId": "o3"}, Action("refresh_opportunity", "o3")),
        ("interviewUpdated", {"opportunityId": "o4", "interviewId": "i"}, Action("refresh_interviews", "o4")),
        ("contactUpdated", {"contactId": "c1"}, Action("refresh_contact", "c1")),
    ],
)
def test_events_route_to_targeted_work(event, data, action):
    assert _judge(signed_delivery(event, data, SIG, at=NOW)).action == action


def _forged_signature():
    body = signed_delivery("candidateStageChange", {"opportunityId": "o"}, "not-the-real-signature-token", at=NOW)
    return body


def _retimed():  # a genuine delivery whose time was moved: the signature covers triggeredAt
    body = signed_delivery("candidateStageChange", {"opportunityId": "o"}, SIG, at=NOW)
    return {**body, "triggeredAt": NOW + 1}


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (_forged_signature(), "bad-signature"),
        (_retimed(), "bad-signature"),
        ({**signed_delivery("candidateStageChange", {"opportunityId": "o"}, SIG, at=NOW), "signature": ""}, "unsigned"),
        (
            {k: v for k, v in signed_delivery("candidateDeleted", {}, SIG, at=NOW).items() if k != "signature"},
            "unsigned",
        ),
        ({**signed_delivery("candidateStageChange", {}, SIG, at=NOW), "triggeredAt": "1431454330072"}, "malformed"),
        ({**signed_delivery("candidateStageChange", {}, SIG, at=NOW), "token": None}, "malformed"),
        ([1, 2, 3], "malformed"),
        ("a string", "malformed"),
        (signed_delivery("candidateHired", {"opportunityId": "o"}, SIG, at=NOW), "no-signature-token"),
        (signed_delivery("somethingNew", {"opportunityId": "o"}, SIG, at=NOW), "unknown-event"),
        (signed_delivery("candidateStageChange", {"opportunityId": "o"}, SIG, at=NOW - 8 * 86400_000), "stale"),
        (signed_delivery("candidateStageChange", {"opportunityId": "o"}, SIG, at=NOW + 3600_000), "future"),
        (signed_delivery("candidateStageChange", {"toStageId": "s"}, SIG, at=NOW), "missing-ids"),
        (signed_delivery("candidateStageChange", "not an object", SIG, at=NOW), "missing-ids"),
    ],
)
def test_rejections_carry_their_reason(body, reason):
    v = _judge(body)
    assert not v.accepted and v.action is None
    assert v.reason == reason


def test_oversize_is_rejected_before_anything_else():
    body = signed_delivery("candidateStageChange", {"opportunityId": "o", "pad": "x" * (1 << 20)}, SIG, at=NOW)
    assert _judge(body).reason == "oversize"


def test_age_limits_are_configurable():
    body = signed_delivery("candidateStageChange", {"opportunityId": "o"}, SIG, at=NOW - 3600_000)
    assert judge(body, 10, TOKENS, NOW).accepted
    assert judge(body, 10, TOKENS, NOW, max_age_s=600).reason == "stale"
    ahead = signed_delivery("candidateStageChange", {"opportunityId": "o"}, SIG, at=NOW + 60_000)
    assert judge(ahead, 10, TOKENS, NOW, max_skew_s=30).reason == "future"


def test_rejected_items_never_take_a_bare_token_as_key():
    body = _forged_signature()
    key = rejected_key("lever-webhook", canonical(body))
    assert body["token"] not in key and key.startswith("rejected:")
    assert key == rejected_key("lever-webhook", canonical(body))  # the same forgery twice: one record


def test_a_retargeted_copy_never_shares_the_genuine_deliverys_key():
    """data is unsigned: a copy of a genuine delivery with other ids verifies too. It must not
    shadow the genuine one (de-duplicated away), and a true Lever retry must still be one."""
    genuine = signed_delivery("candidateDeleted", {"opportunityId": "opp-a"}, SIG, at=NOW)
    retargeted = {**genuine, "data": {"opportunityId": "opp-b"}}
    g, r = _judge(genuine), _judge(retargeted)
    assert g.accepted and r.accepted  # both are hints to re-read Lever
    assert g.dedup_key != r.dedup_key
    assert _judge(dict(genuine)).dedup_key == g.dedup_key


def test_every_event_the_app_subscribes_to_has_one_route():
    """The events live in lever/signatures.py (below the settings that parse tokens per event)."""
    from lever_desktop.lever.signatures import EVENTS
    from lever_desktop.relay.deliveries import _ROUTES

    assert tuple(_ROUTES) == EVENTS
