"""Drafting against the sandbox model over loopback: a store seeded like a sync (review_seed), a
session around it, a transcript file, and a provider per API pointing at the model."""

from __future__ import annotations

import pytest
from review_seed import seed

from lever_desktop import config
from lever_desktop.drafting.providers import Provider
from lever_desktop.session import Session
from lever_desktop.store import Store

TRANSCRIPT = """WEBVTT

1
00:00:04.000 --> 00:00:10.000
Ana Interviewer: Thanks for making the time, Grace. Walk me through a system you designed.

2
00:00:19.000 --> 00:00:40.000
Grace Candidate: I designed the billing pipeline in Python and Go, and I added property based testing, which caught rounding bugs before release.

3
00:02:41.000 --> 00:02:45.000
Ana Interviewer: How did you handle the outage last spring?

4
00:02:50.000 --> 00:03:20.000
Grace Candidate: I struggled at first, honestly. Then I found the race condition by reading the logs carefully and wrote a regression test.

5
00:05:12.000 --> 00:05:15.000
Ana Interviewer: What are you looking for next?

6
00:05:20.000 --> 00:05:50.000
Grace Candidate: A senior role on a data team. I would expect around 85000 euros, and yes, I would work with this team again.
"""


@pytest.fixture
async def session():
    store = Store.open()
    store.call_sync(seed)
    s = Session(settings=config.Settings(), store=store, reviewer="ana@example.com")
    yield s
    await s.aclose()


@pytest.fixture
def transcript_file(tmp_path):
    path = tmp_path / "interview.vtt"
    path.write_text(TRANSCRIPT, encoding="utf-8")
    return path


@pytest.fixture(params=["anthropic", "openai"])
def api(request):
    return request.param


@pytest.fixture
def provider(api, sandbox_model):
    base = sandbox_model.anthropic_base_url if api == "anthropic" else sandbox_model.openai_base_url
    return Provider(api, f"{api}-sandbox-model", base_url=base, api_key="test-key", max_retries=2, timeout=10.0)
