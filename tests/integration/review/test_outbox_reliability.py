"""Exactly once, in CI: faults on 20% of POSTs, 5% stored late, then kill -9 of `lever-desktop submit` at random moments."""

from __future__ import annotations

import pytest
from helpers import review_reliability


@pytest.mark.slow
@pytest.mark.timeout(300)
async def test_every_approved_draft_becomes_exactly_one_form(sandbox_factory):
    sandbox = sandbox_factory(opportunities=50)
    outcome = await review_reliability.run(sandbox, 30, max_kills=4, log=print)
    print(outcome.tally, f"(kills = {outcome.kills})")
    assert outcome.states == {"submitted": 60}
    assert (outcome.tally.forms, outcome.tally.duplicates, outcome.tally.lost) == (60, 0, 0)
    assert outcome.kills == 4
