"""Everything the sandbox knows, shared by the HTTP handlers, the clock and the admin API.

The state outlives the HTTP server: stopping and starting a ``SandboxServer`` keeps
it, which is how tests simulate "Lever went offline, then came back". Panels,
interviews and submitted feedback of an opportunity are generated on first use
from a per-opportunity RNG, so they are the same whenever they are first looked at.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lever_desktop.sandbox import templates as tpl
from lever_desktop.sandbox.catalog import DAY_MS, build_catalog, new_uuid
from lever_desktop.sandbox.drafts import sample_value
from lever_desktop.sandbox.opportunities import OpportunityTable

HOUR_MS = 3_600_000


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Details:
    """Panels (with their interviews) and feedback of one opportunity."""

    panels: list[dict[str, Any]] = field(default_factory=list)
    feedback: list[dict[str, Any]] = field(default_factory=list)


class SandboxState:
    def __init__(self, *, opportunities: int = 50, seed: int = 1, anchor_ms: int | None = None) -> None:
        self.seed = seed
        self.lock = threading.RLock()
        self.anchor_ms = anchor_ms if anchor_ms is not None else now_ms() // HOUR_MS * HOUR_MS
        rng = random.Random(f"catalog:{seed}")
        self.catalog = build_catalog(rng, self.anchor_ms)
        self.templates: dict[str, dict[str, Any]] = {
            t["id"]: t for t in tpl.build_templates(rng, self.anchor_ms, self.catalog.stages)
        }
        self.template_versions: dict[str, list[dict[str, Any]]] = {k: [v] for k, v in self.templates.items()}
        self.opps = OpportunityTable(opportunities, seed, self.catalog, self.anchor_ms)
        self.details: dict[int, Details] = {}
        self.deleted: list[dict[str, Any]] = []  # tombstones, oldest first
        self.deleted_rows: set[int] = set()
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.deliveries: list[dict[str, Any]] = []
        self.drafts: list[dict[str, Any]] = []  # {draft, flaws}
        self.completed_interviews: set[str] = set()
        self.requests: Counter[str] = Counter()
        self.rate_limited = 0
        self.rng = random.Random(f"activity:{seed}")  # clock, drift and drafts
        self.wake: Callable[[], None] = lambda: None  # set by the server: new delivery queued
        self._seed_tombstones(rng)

    # -- lookups ---------------------------------------------------------------
    def offerable_templates(self) -> list[dict[str, Any]]:
        return [t for t in self.templates.values() if tpl.is_offerable(t)]

    def row(self, opportunity_id: str) -> int | None:
        row = self.opps.row_of(opportunity_id)
        return None if row is None or row in self.deleted_rows else row

    def details_of(self, row: int) -> Details:
        with self.lock:
            d = self.details.get(row)
            if d is None:
                d = self.details[row] = self._generate_details(row)
            return d

    def find_interview(self, row: int, interview_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        for panel in self.details_of(row).panels:
            for iv in panel["interviews"]:
                if iv["id"] == interview_id:
                    return panel, iv
        return None

    # -- seed generation ---------------------------------------------------------
    def _seed_tombstones(self, rng: random.Random) -> None:
        # A few opportunities were deleted before the sandbox started (one per 100 rows).
        n = self.opps.count
        for row in range(7, n, 100):
            self.deleted_rows.add(row)
            self.deleted.append(
                {
                    "id": self.opps.id_of(row),
                    "deletedAt": self.anchor_ms - (n - row) * 1000,
                    "deletedBy": self.catalog.users[0]["id"],
                }
            )
        self.deleted.sort(key=lambda t: t["deletedAt"])

    def _interviewers(self, rng: random.Random, k: int) -> list[dict[str, Any]]:
        active = self.catalog.active_users()
        return rng.sample(active, k)

    def _generate_details(self, row: int) -> Details:
        d = Details()
        if not self.opps.has_interviews(row):
            return d
        rng = random.Random(f"details:{self.seed}:{row}")
        created, updated = self.opps.created[row], self.opps.updated[row] or self.opps.created[row]
        # The seeded past used the first versions: details look the same whether they are
        # first read before or after a template drifted.
        forms = [self.template_versions[t["id"]][0] for t in self.offerable_templates()]
        for k in range(rng.randrange(1, 3)):
            start = created + (updated - created) * (k + 1) // 3 + rng.randrange(0, DAY_MS)
            self._add_panel(row, d, rng, start, rng.choice(forms), past=True)
        if self.opps.archive[row] < 0 and rng.random() < 0.5:
            start = self.anchor_ms + rng.randrange(1, 14) * DAY_MS + 14 * HOUR_MS
            self._add_panel(row, d, rng, start, rng.choice(forms), past=False)
        return d

    def _add_panel(
        self, row: int, d: Details, rng: random.Random, start: int, template: dict[str, Any], *, past: bool
    ) -> dict[str, Any]:
        interviews, t = [], start
        for _ in range(rng.randrange(1, 3)):
            people = self._interviewers(rng, rng.randrange(1, 3))
            duration = rng.choice([30, 45, 60])
            interviews.append(
                {
                    "id": new_uuid(rng),
                    "date": t,
                    "duration": duration,
                    "subject": f"{template['text']} with {self.opps.name(row)}",
                    "location": "Video call",
                    "feedbackTemplate": template["id"],
                    "feedbackReminder": "frequently",
                    "interviewers": [
                        {"id": u["id"], "email": u["email"], "name": u["name"], "feedbackTemplate": template["id"]}
                        for u in people
                    ],
                    "canceledAt": None,
                    "createdAt": start - 3 * DAY_MS,
                }
            )
            t += duration * 60_000
        panel = {
            "id": new_uuid(rng),
            "applications": [self.opps.application_id(row)],
            "start": start,
            "end": t,
            "timezone": "Europe/Berlin",
            "stage": self.opps.stage_id(row),
            "user": self.catalog.users[self.opps.owner[row]]["id"],
            "note": None,
            "canceledAt": None,
            "externallyManaged": False,
            "externalUrl": None,
            "createdAt": start - 3 * DAY_MS,
            "interviews": interviews,
        }
        d.panels.append(panel)
        if past:
            for iv in interviews:
                for person in iv["interviewers"]:
                    if rng.random() < 0.7:
                        values = {
                            f["id"]: v for f in template["fields"] if (v := sample_value(f, rng, start)) is not None
                        }
                        at = iv["date"] + iv["duration"] * 60_000 + rng.randrange(HOUR_MS, 20 * HOUR_MS)
                        d.feedback.append(
                            self.new_feedback(
                                template, values, person["id"], panel["id"], iv["id"], at, completed_at=at, rng=rng
                            )
                        )
        return panel

    def new_feedback(
        self,
        template: dict[str, Any],
        values: dict[str, Any],
        user_id: str,
        panel_id: str | None,
        interview_id: str | None,
        at: int,
        *,
        completed_at: int | None,
        rng: random.Random | None = None,
    ) -> dict[str, Any]:
        # Forms posted by clients get random ids: they must not shift the seeded RNG the
        # clock and the drafts draw from (drafts stay deterministic whatever tests post).
        fid = new_uuid(rng) if rng is not None else str(uuid.uuid4())
        return {
            "id": fid,
            "type": "interview",
            "template": template,
            "values": values,
            "user": user_id,
            "panel": panel_id,
            "interview": interview_id,
            "createdAt": at,
            "updatedAt": at,
            "completedAt": completed_at,
            "deletedAt": None,
        }

    # -- views -----------------------------------------------------------------------
    def feedback_view(self, fb: dict[str, Any]) -> dict[str, Any]:
        t = fb["template"]
        return {
            "id": fb["id"],
            "type": fb["type"],
            "text": t["text"],
            "instructions": t["instructions"],
            "baseTemplateId": t["id"],
            "user": fb["user"],
            "panel": fb["panel"],
            "interview": fb["interview"],
            "fields": [{**f, "value": fb["values"].get(f["id"])} for f in t["fields"]],
            "createdAt": fb["createdAt"],
            "updatedAt": fb["updatedAt"],
            "completedAt": fb["completedAt"],
            "deletedAt": fb["deletedAt"],
        }

    def interview_view(self, row: int, panel: dict[str, Any], iv: dict[str, Any]) -> dict[str, Any]:
        forms = [
            fb["id"]
            for fb in self.details_of(row).feedback
            if fb["interview"] == iv["id"] and fb["completedAt"] and not fb["deletedAt"]
        ]
        return {
            **iv,
            "panel": panel["id"],
            "timezone": panel["timezone"],
            "stage": panel["stage"],
            "user": panel["user"],
            "note": None,
            "feedbackForms": forms,
            "postings": [self.catalog.postings[self.opps.posting[row]]["id"]],
        }
