"""What review needs of the sync engine, as a Protocol (review sits below sync: it cannot import it).

Intake re-reads a draft's opportunity and template when the cache lacks them; the outbox re-reads
a template before sending when Lever says the form changed. ``SyncEngine`` satisfies this.
"""

from __future__ import annotations

from typing import Protocol

from lever_desktop.store.records import TemplateRecord


class CacheRefresher(Protocol):
    async def refresh_opportunity(self, opportunity_id: str) -> bool: ...

    async def ensure_template(self, template_id: str, *, max_age: float = ...) -> TemplateRecord | None: ...
