"""Webhook signatures: the LEVER_API.md test vector, and bad input is simply invalid."""

from __future__ import annotations

import pytest

from lever_desktop.lever.signatures import sign, verify

KEY = "73311ged32110cc40e00c672c2e03e1a42fa28a4fabde089"
TOKEN = "be58f711f349c7780e4579cd7c63341ac6f881e4dccc3154"
TRIGGERED_AT = 1431454330072
SIGNATURE = "d8138ffefd31f34fd9ef6ab358881a2ac5d138287c38186688985ea7755ec241"


def body(**changes):
    return {"token": TOKEN, "triggeredAt": TRIGGERED_AT, "signature": SIGNATURE, "event": "x", "data": {}} | changes


def test_lever_test_vector():
    assert sign(TOKEN, TRIGGERED_AT, KEY) == SIGNATURE
    assert verify(body(), KEY)


def test_uppercase_hex_signature_is_accepted():
    assert verify(body(signature=SIGNATURE.upper()), KEY)


@pytest.mark.parametrize(
    "bad",
    [
        body(signature=SIGNATURE[:-1] + "0"),
        body(triggeredAt=TRIGGERED_AT + 1),
        body(token=TOKEN + "x"),
        body(triggeredAt=str(TRIGGERED_AT)),
        body(triggeredAt=True),
        body(signature=None),
        body(token=""),
        {"token": TOKEN},
        None,
        "not a dict",
    ],
)
def test_invalid_or_malformed_bodies_are_rejected_without_raising(bad):
    assert verify(bad, KEY) is False


def test_wrong_or_empty_signature_token():
    assert not verify(body(), KEY[:-1] + "0")
    assert not verify(body(), "")
