"""Opportunities as compact columns, so 100,000 of them start in well under a second.

One ``getrandbits(64)`` per opportunity decides everything a filter looks at
(stage, posting, archive state, confidentiality, owner, tags); the full JSON
record is built only when a page is served. Ids are UUID-shaped and encode
their row through an invertible mix, so lookups by id need no index.
"""

from __future__ import annotations

import random
from typing import Any

from lever_desktop.sandbox.catalog import (
    DAY_MS,
    FIRST_NAMES,
    INTERVIEW_STAGE_FROM,
    LAST_NAMES,
    LOCATIONS,
    TAGS,
    Catalog,
)

_MASK48 = (1 << 48) - 1
_MIX = 0x9E3779B97F4B  # odd, so multiplication mod 2**48 is a bijection
_UNMIX = pow(_MIX, -1, 1 << 48)
NO_ARCHIVE = -1
# What the sandbox shows for a candidate anonymised by Lever's data-protection flow (Lever's own
# wording is undocumented; what matters is that nothing of the person is left).
ANONYMIZED_NAME = "Anonymized candidate"


class OpportunityTable:
    def __init__(self, count: int, seed: int, catalog: Catalog, anchor_ms: int) -> None:
        rng = random.Random(f"opportunities:{seed}")
        self.seed = seed
        self.catalog = catalog
        self.count = count
        prefix = rng.getrandbits(80)
        # Opportunities and their contacts (candidates) share the mix but not the prefix.
        self._prefix = (
            f"{prefix >> 48:08x}-{(prefix >> 32) & 0xFFFF:04x}-4{(prefix >> 20) & 0xFFF:03x}-"
            f"{8 | (prefix >> 16) & 3:x}{(prefix >> 4) & 0xFFF:03x}-"
        )
        self._salt = rng.getrandbits(48)
        cprefix = rng.getrandbits(32)
        self._contact_prefix = f"{cprefix:08x}-c0de-4{(prefix >> 8) & 0xFFF:03x}-9{cprefix & 0xFFF:03x}-"
        active = [i for i, u in enumerate(catalog.users) if u["deactivatedAt"] is None]
        n_stages, n_postings = len(catalog.stages), len(catalog.postings)
        n_reasons = len(catalog.archive_reasons)
        span = 2 * 365 * DAY_MS
        step = max(1, span // max(count, 1))
        t = anchor_ms - span
        self.created: list[int] = [0] * count
        self.updated: list[int | None] = [0] * count
        self.stage: list[int] = [0] * count
        self.posting: list[int] = [0] * count
        self.archive: list[int] = [NO_ARCHIVE] * count
        self.confidential: list[bool] = [False] * count
        self.owner: list[int] = [0] * count
        self.tags: list[int] = [0] * count
        self.stage_changes: dict[int, list[dict[str, Any]]] = {}
        self.renamed: dict[int, str] = {}  # contact names changed since the seed (contactUpdated)
        self.anonymized: set[int] = set()  # personal data removed (data protection)
        self.archived_at: dict[int, int] = {}
        rand = rng.getrandbits
        for i in range(count):
            r = rand(64)
            t += 1 + (r & 0xFFFF) % (2 * step)  # strictly increasing: row order is creation order
            self.created[i] = t
            age = anchor_ms - t
            self.updated[i] = None if (r >> 16) % 97 == 0 else t + ((r >> 24) % max(1, min(age, 60 * DAY_MS)))
            self.stage[i] = (r >> 40) % n_stages
            self.posting[i] = (r >> 44) % n_postings
            if (r >> 48) % 5 == 0:
                self.archive[i] = (r >> 51) % n_reasons
            self.confidential[i] = (r >> 54) % 40 == 0
            self.owner[i] = active[(r >> 57) % len(active)]
            self.tags[i] = (r >> 32) & 0xFF & ((r >> 8) & 0xFF)  # sparse: a few tags each

    def add(self, created_ms: int, posting: int, owner: int, name: str | None = None) -> int:
        """A new applicant (``applicationCreated``): the next row, in the first stage, no interviews.

        Rows stay in creation order (listing bisects on ``created``), so the caller passes a time
        no earlier than the newest row's."""
        row = self.count
        self.created.append(max(created_ms, self.created[-1] + 1 if self.created else created_ms))
        self.updated.append(self.created[row])
        self.stage.append(0)
        self.posting.append(posting)
        self.archive.append(NO_ARCHIVE)
        self.confidential.append(False)
        self.owner.append(owner)
        self.tags.append(0)
        if name:
            self.renamed[row] = name
        self.count += 1
        return row

    # -- ids ---------------------------------------------------------------
    def id_of(self, row: int) -> str:
        return f"{self._prefix}{self._mix(row):012x}"

    def _mix(self, row: int) -> int:
        return ((row * _MIX) & _MASK48) ^ self._salt

    def contact_of(self, row: int) -> str:
        return f"{self._contact_prefix}{self._mix(row):012x}"

    def row_of(self, opportunity_id: str) -> int | None:
        if not isinstance(opportunity_id, str) or not opportunity_id.startswith(self._prefix):
            return None
        try:
            row = ((int(opportunity_id[len(self._prefix) :], 16) ^ self._salt) * _UNMIX) & _MASK48
        except ValueError:
            return None
        return row if row < self.count and self.id_of(row) == opportunity_id else None

    # -- derived, cheap fields ------------------------------------------------
    def name(self, row: int) -> str:
        if row in self.anonymized:
            return ANONYMIZED_NAME
        return self.renamed.get(row) or self._seed_name(row)

    def _seed_name(self, row: int) -> str:
        return f"{FIRST_NAMES[(row * 7 + self.seed) % len(FIRST_NAMES)]} {LAST_NAMES[(row * 13 + row // 40) % len(LAST_NAMES)]}"

    def email(self, row: int) -> str | None:  # from the seed name: a renamed contact keeps its address
        if row in self.anonymized:
            return None
        return f"{self._seed_name(row).lower().replace(' ', '.').replace('-', '')}.{row}@candidates.example.org"

    def tag_names(self, row: int) -> list[str]:
        return [t for b, t in enumerate(TAGS) if self.tags[row] >> b & 1]

    def stage_id(self, row: int) -> str:
        return self.catalog.stages[self.stage[row]]["id"]

    def has_interviews(self, row: int) -> bool:
        return self.stage[row] >= INTERVIEW_STAGE_FROM

    def archived_obj(self, row: int) -> dict[str, Any] | None:
        if self.archive[row] == NO_ARCHIVE:
            return None
        at = self.archived_at.get(row) or (self.updated[row] or self.created[row])
        return {"reason": self.catalog.archive_reasons[self.archive[row]]["id"], "archivedAt": at}

    def changes(self, row: int) -> list[dict[str, Any]]:
        if row in self.stage_changes:
            return self.stage_changes[row]
        owner = self.catalog.users[self.owner[row]]["id"]
        path = list(range(3, self.stage[row] + 1)) if self.stage[row] >= 3 else [self.stage[row]]
        t0, t1 = self.created[row], self.updated[row] or self.created[row]
        gap = max(1, (t1 - t0) // max(1, len(path)))
        return [
            {"toStageId": self.catalog.stages[s]["id"], "toStageIndex": s, "userId": owner, "updatedAt": t0 + k * gap}
            for k, s in enumerate(path)
        ]

    def record(self, row: int) -> dict[str, Any]:
        cat = self.catalog
        oid, name = self.id_of(row), self.name(row)
        posting = cat.postings[self.posting[row]]
        owner = cat.users[self.owner[row]]["id"]
        follower = cat.users[(self.owner[row] + 3) % len(cat.users)]["id"]
        changes = self.changes(row)
        anonymized = row in self.anonymized
        return {
            "id": oid,
            "name": name,
            "headline": None if anonymized else f"{posting['text']} candidate",
            "contact": self.contact_of(row),
            "emails": self._emails(row),
            "phones": self._phones(row),
            "links": [] if anonymized else [f"https://www.linkedin.com/in/sandbox-{row}"],
            "location": None if anonymized else LOCATIONS[row % len(LOCATIONS)],
            "stage": self.stage_id(row),
            "stageChanges": changes,
            "archived": self.archived_obj(row),
            "tags": self.tag_names(row),
            "sources": ["LinkedIn" if row % 3 else "Referral"],
            "origin": "sourced" if row % 4 == 0 else "applied",
            "sourcedBy": owner if row % 4 == 0 else None,
            "owner": owner,
            "followers": [owner, follower],
            "applications": [self.application_id(row)],
            "confidentiality": "confidential" if self.confidential[row] else "non-confidential",
            "createdAt": self.created[row],
            "updatedAt": self.updated[row],
            "lastInteractionAt": self.updated[row] or self.created[row],
            "lastAdvancedAt": changes[-1]["updatedAt"] if changes else self.created[row],
            "snoozedUntil": None,
            "urls": {
                "list": "https://hire.sandbox.lever.local/candidates",
                "show": f"https://hire.sandbox.lever.local/candidates/{oid}",
            },
            "isAnonymized": anonymized,
            "dataProtection": None,
        }

    def _emails(self, row: int) -> list[str]:
        email = self.email(row)
        return [email] if email else []

    def _phones(self, row: int) -> list[dict[str, str]]:
        return [] if row in self.anonymized else [{"type": "mobile", "value": f"+1 555 {row % 10000:04d}"}]

    def application_id(self, row: int) -> str:
        return f"{self._prefix[:9]}a991-4{(row * 31) & 0xFFF:03x}-a{(row >> 12) & 0xFFF:03x}-{self._mix(row):012x}"

    def application(self, row: int) -> dict[str, Any]:
        posting = self.catalog.postings[self.posting[row]]
        return {
            "id": self.application_id(row),
            "opportunityId": self.id_of(row),
            "candidateId": self.contact_of(row),
            "type": "posting",
            "posting": posting["id"],
            "postingHiringManager": posting["hiringManager"],
            "postingOwner": posting["owner"],
            "createdAt": self.created[row],
            "user": None,
            "name": self.name(row),
            "email": self.email(row),
            "archived": self.archived_obj(row),
        }

    def contact(self, row: int) -> dict[str, Any]:
        return {
            "id": self.contact_of(row),
            "name": self.name(row),
            "headline": None,
            "isAnonymized": row in self.anonymized,
            "emails": self._emails(row),
            "phones": self._phones(row),
            "location": None if row in self.anonymized else {"name": LOCATIONS[row % len(LOCATIONS)]},
        }
