"""The account-wide objects of the sandbox: users, stages, postings, archive reasons.

Everything is derived from one ``random.Random(seed)`` so the same seed gives the
same ids, names and shapes. Timestamps are relative to ``anchor_ms`` (the start
time the caller chooses), so tests compare within one run, not across days.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from typing import Any

DAY_MS = 86_400_000

FIRST_NAMES = [
    "Ada",
    "Grace",
    "Alan",
    "Katherine",
    "Linus",
    "Margaret",
    "Tim",
    "Barbara",
    "Dennis",
    "Frances",
    "Ken",
    "Radia",
    "Guido",
    "Hedy",
    "John",
    "Joan",
    "Donald",
    "Shafi",
    "Edsger",
    "Sophie",
    "Niklaus",
    "Jean",
    "Bjarne",
    "Anita",
    "Yukihiro",
    "Evelyn",
    "James",
    "Mary",
    "Leslie",
    "Karen",
    "Vint",
    "Elena",
    "Tony",
    "Lynn",
    "Fernando",
    "Priya",
    "Kwame",
    "Mei",
    "Omar",
    "Ines",
]
LAST_NAMES = [
    "Lovelace",
    "Hopper",
    "Turing",
    "Johnson",
    "Torvalds",
    "Hamilton",
    "Berners-Lee",
    "Liskov",
    "Ritchie",
    "Allen",
    "Thompson",
    "Perlman",
    "van Rossum",
    "Lamarr",
    "McCarthy",
    "Clarke",
    "Knuth",
    "Goldwasser",
    "Dijkstra",
    "Wilson",
    "Wirth",
    "Sammet",
    "Stroustrup",
    "Borg",
    "Matsumoto",
    "Berezin",
    "Gosling",
    "Keller",
    "Lamport",
    "Sparck Jones",
    "Cerf",
    "Kagan",
    "Hoare",
    "Conway",
    "Corbato",
    "Rao",
    "Mensah",
    "Chen",
    "Haddad",
    "Moreau",
]

ACCESS_ROLES = ["super admin", "admin", "team member", "limited team member", "interviewer"]

# Built-in Lever stages have slug ids; stages an account adds have UUIDs.
BUILTIN_STAGES = [
    ("lead-new", "New lead"),
    ("lead-reached-out", "Reached out"),
    ("lead-responded", "Responded"),
    ("applicant-new", "New applicant"),
]
CUSTOM_STAGES = ["Recruiter screen", "Phone interview", "On-site interview", "Reference check", "Offer"]
# Stages from which an opportunity has had (or has scheduled) interviews.
INTERVIEW_STAGE_FROM = len(BUILTIN_STAGES) + 1

POSTING_TITLES = [
    ("Senior Backend Engineer", "Engineering", "Platform"),
    ("Frontend Engineer", "Engineering", "Web"),
    ("Data Scientist", "Data", "Analytics"),
    ("Product Designer", "Design", "Product"),
    ("Engineering Manager", "Engineering", "Platform"),
    ("Recruiting Coordinator", "People", "Talent"),
    ("Account Executive", "Sales", "EMEA"),
    ("Site Reliability Engineer", "Engineering", "Infrastructure"),
    ("Customer Success Manager", "Customer", "Success"),
    ("Security Engineer", "Engineering", "Security"),
    ("Technical Writer", "Product", "Docs"),
    ("Finance Analyst", "Finance", "FP&A"),
]
POSTING_STATES = ["published", "published", "published", "internal", "closed", "draft", "pending", "rejected"]
CHANNELS = [["public", "internal"], ["public"], ["internal"], []]
LOCATIONS = ["Berlin", "London", "New York", "Remote", "Toronto", "Lisbon"]
COMMITMENTS = ["Full-time", "Part-time", "Contract", "Internship"]

ARCHIVE_REASONS = [
    ("Hired", "hired", "active"),
    ("Underqualified", "non-hired", "active"),
    ("Withdrew", "non-hired", "active"),
    ("Position filled", "non-hired", "active"),
    ("Timing", "non-hired", "active"),
    ("Offer declined", "non-hired", "active"),
    ("Duplicate", "non-hired", "inactive"),
]

TAGS = ["referral", "priority", "relocation", "visa", "returning", "diversity-event", "campus", "agency"]


def new_uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


@dataclass
class Catalog:
    users: list[dict[str, Any]] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)
    postings: list[dict[str, Any]] = field(default_factory=list)
    archive_reasons: list[dict[str, Any]] = field(default_factory=list)

    def user(self, user_id: str) -> dict[str, Any] | None:
        return next((u for u in self.users if u["id"] == user_id), None)

    def active_users(self) -> list[dict[str, Any]]:
        return [u for u in self.users if u["deactivatedAt"] is None]

    def stage(self, stage_id: str) -> dict[str, Any] | None:
        return next((s for s in self.stages if s["id"] == stage_id), None)

    def archive_reason(self, reason_id: str) -> dict[str, Any] | None:
        return next((r for r in self.archive_reasons if r["id"] == reason_id), None)


def build_catalog(rng: random.Random, anchor_ms: int) -> Catalog:
    cat = Catalog()
    start = anchor_ms - 3 * 365 * DAY_MS
    # 24 users: every access role several times; three deactivated (one of each lower role).
    for i in range(24):
        first, last = FIRST_NAMES[(i * 7) % len(FIRST_NAMES)], LAST_NAMES[(i * 11) % len(LAST_NAMES)]
        username = f"{first}.{last}".lower().replace(" ", "").replace("-", "")
        role = ACCESS_ROLES[i % len(ACCESS_ROLES)] if i else "super admin"
        created = start + rng.randrange(0, 365 * DAY_MS)
        deactivated = created + 400 * DAY_MS if i in (7, 13, 19) else None
        cat.users.append(
            {
                "id": new_uuid(rng),
                "name": f"{first} {last}",
                "username": username,
                "email": f"{username}@sandbox.example.com",
                "accessRole": role,
                "deactivatedAt": deactivated,
                "createdAt": created,
                "jobTitle": ["Recruiter", "Hiring Manager", "Staff Engineer", "Designer", "Interviewer"][i % 5],
                "managerId": None,
                "photo": None,
            }
        )
    for u in cat.users[1:]:
        u["managerId"] = cat.users[0]["id"]
    for sid, text in BUILTIN_STAGES:
        cat.stages.append({"id": sid, "text": text})
    for text in CUSTOM_STAGES:
        cat.stages.append({"id": new_uuid(rng), "text": text})
    for text, kind, status in ARCHIVE_REASONS:
        cat.archive_reasons.append({"id": new_uuid(rng), "text": text, "status": status, "type": kind})
    active = cat.active_users()
    for i, (title, dept, team) in enumerate(POSTING_TITLES):
        created = start + rng.randrange(0, 700 * DAY_MS)
        pid = new_uuid(rng)
        location = LOCATIONS[i % len(LOCATIONS)]
        cat.postings.append(
            {
                "id": pid,
                "text": title,
                "state": POSTING_STATES[i % len(POSTING_STATES)],
                "categories": {
                    "team": team,
                    "department": dept,
                    "location": location,
                    "allLocations": [location],
                    "commitment": COMMITMENTS[i % len(COMMITMENTS)],
                    "level": ["Senior", "Mid", "Junior", None][i % 4],
                },
                "content": {
                    "description": f"Join our {team} team as a {title}.",
                    "descriptionHtml": f"<p>Join our {team} team as a {title}.</p>",
                    "lists": [{"text": "What you will do", "content": "<li>Ship things</li>"}],
                    "closing": "We look forward to meeting you.",
                    "closingHtml": "<p>We look forward to meeting you.</p>",
                },
                "hiringManager": active[(i + 1) % len(active)]["id"],
                "owner": active[i % len(active)]["id"],
                "workplaceType": ["hybrid", "remote", "onsite"][i % 3],
                "distributionChannels": CHANNELS[i % len(CHANNELS)],
                "tags": [dept.lower()],
                "createdAt": created,
                "updatedAt": created + rng.randrange(0, 30 * DAY_MS),
                "confidentiality": "confidential" if i == 11 else "non-confidential",
                "urls": {
                    "list": "https://jobs.sandbox.lever.local/sandbox",
                    "show": f"https://jobs.sandbox.lever.local/sandbox/{pid}",
                    "apply": f"https://jobs.sandbox.lever.local/sandbox/{pid}/apply",
                },
                "salaryRange": {
                    "min": 60000 + 5000 * i,
                    "max": 90000 + 8000 * i,
                    "currency": "EUR",
                    "interval": "per-year-salary",
                },
            }
        )
    return cat
