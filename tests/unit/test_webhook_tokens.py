"""Signature tokens as customers have them: one account-wide token, one per event, or both."""

from __future__ import annotations

import pytest
from helpers.relay_fixtures import signed_delivery

from lever_desktop import log, secrets
from lever_desktop.lever.signatures import signature_token_for
from lever_desktop.relay.deliveries import canonical, judge
from lever_desktop.webhook_tokens import TokenFormatError, describe, dumps, parse

WIDE = "accountwide0signing0token0000000000000000000000"
STAGE = "stagechange0signature0token000000000000000000000"
NOW = 1_800_000_000_000


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("", {}),
        (f"  {WIDE}\n", {"*": WIDE}),
        (f'{{"candidateStageChange": "{STAGE}", "*": "{WIDE}"}}', {"candidateStageChange": STAGE, "*": WIDE}),
        (f"{WIDE}\ncandidateStageChange = {STAGE}\n\n", {"*": WIDE, "candidateStageChange": STAGE}),
        (f"candidateStageChange={STAGE}", {"candidateStageChange": STAGE}),
    ],
)
def test_every_shape_customers_paste_is_read(text, tokens):
    assert parse(text) == tokens


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (f'{{"candidateStageChanged": "{STAGE}"}}', "not a Lever webhook event"),
        (f"candidateStageChange = {STAGE}\ncandidateStageChange = {WIDE}", "line 2: a second token"),
        (f"{WIDE}\n{STAGE}", "line 2: a second token"),
        (f'"{WIDE}"', "not a signature token"),
        (f"candidateHired = {WIDE} extra", "token is not a signature token"),
        (f'{{"candidateHired": ["{WIDE}"]}}', "token is not a signature token"),
        (f'["{WIDE}"]', "not a signature token"),
        (f'{{"candidateHired": "{WIDE}"', "JSON is not valid"),
    ],
)
def test_mistakes_are_named_without_repeating_a_token(text, problem):
    with pytest.raises(TokenFormatError, match=problem) as info:
        parse(text, "Signature tokens")
    assert WIDE not in str(info.value) and STAGE not in str(info.value)
    assert str(info.value).startswith("Signature tokens")


def test_keychain_form_round_trips_and_is_described_without_tokens():
    tokens = {"*": WIDE, "candidateStageChange": STAGE}
    assert parse(dumps(tokens)) == tokens and dumps({}) == ""
    assert describe(tokens) == "an account-wide token, 1 event token"
    assert describe({}) == "no tokens"


def test_the_event_token_wins_and_the_account_wide_one_covers_the_rest():
    tokens = {"*": WIDE, "candidateStageChange": STAGE}
    assert signature_token_for(tokens, "candidateStageChange") == STAGE
    assert signature_token_for(tokens, "candidateHired") == WIDE
    assert signature_token_for({"candidateStageChange": STAGE}, "candidateHired") is None


def _judge(body, tokens):
    return judge(body, len(canonical(body)), tokens, NOW)


def test_the_poller_verifies_with_the_event_token_else_the_account_wide_one():
    tokens = {"*": WIDE, "candidateStageChange": STAGE}
    hired = signed_delivery("candidateHired", {"opportunityId": "o1"}, WIDE, at=NOW)
    assert _judge(hired, tokens).accepted
    stage = signed_delivery("candidateStageChange", {"opportunityId": "o1"}, STAGE, at=NOW)
    assert _judge(stage, tokens).accepted
    # An event with its own token is not also accepted under the account-wide one.
    wide_stage = signed_delivery("candidateStageChange", {"opportunityId": "o1"}, WIDE, at=NOW)
    assert _judge(wide_stage, tokens).reason == "bad-signature"
    assert _judge(hired, {"candidateStageChange": STAGE}).reason == "no-signature-token"


def test_a_bare_token_put_in_the_keychain_by_hand_is_redacted_once_read():
    secrets.backend().set(secrets.WEBHOOK_TOKENS, WIDE)
    assert secrets.get_secret(secrets.WEBHOOK_TOKENS) == WIDE
    assert WIDE not in log.redact(f"signature {WIDE}")
