"""The sync engine (asyncio, no Qt): keeps the local cache close to Lever within its rate limit.

``SyncEngine(client, store, clock=...)``: ``sync_now(full=False)``, ``cancel()``,
``refresh_opportunity(id)`` (a 404 tombstones), ``refresh_contact(id)``,
``ensure_template(id, max_age=TTL)``, ``state``, ``subscribe(listener)``, ``run_pass(names)``;
``scheduler.Scheduler(engine)``: ``run()`` forever at the cadences, ``wake()``.
Progress, state changes and pass results arrive as ``events.SyncEvent``.
"""
