"""How long the drafts list takes to read with live state (review/lists.py review_list, #14.5).

Each reviewable draft's open checks come from its form as the reviewer left it
they are
computed once per draft content and reused, so a re-read after one edit recomputes one draft.
Run: .venv/bin/python tests/bench/bench_review_list.py  (prints the cold read and the median of warm ones)
"""

import asyncio
import sys
import tempfile
import time

sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
from helpers.review_sandbox import draft_for, fast_client, find_targets, prime_cache, template_named

from lever_desktop import paths
from lever_desktop.review import drafts, intake, lists
from lever_desktop.sandbox.server import SandboxServer
from lever_desktop.store import Store


async def main():
    paths.set_basedir(tempfile.mkdtemp())
    sb = SandboxServer(opportunities=50, seed=1, rate=100000.0, burst=100000).start()
    client = fast_client(sb.api_key, sb.base_url)
    store = Store.open()
    targets = await find_targets(client, 4)
    await prime_cache(client, store, sorted({t.opportunity_id for t in targets}))
    every = await template_named(client, "Every field type")
    for i in range(200):
        doc = draft_for(f"d{i}", targets[i % len(targets)], every)
        for f in doc["fields"][:3]:
            f["confidence"] = 0.3
        await intake.receive_draft(store, doc, source="bench")
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        rows = await store.call(lists.review_list, drafts.now_ms(), 0.6)
        times.append(time.perf_counter() - t0)
    cold = times[0]
    times.sort()
    print(
        f"review_list, {len(rows)} drafts to review ({len(every['fields'])}-question form): median {times[3] * 1000:.0f} ms, min {times[0] * 1000:.0f} ms; the first (cold) {cold * 1000:.0f} ms"
    )
    store.close()
    await client.aclose()
    sb.stop()


asyncio.run(main())
