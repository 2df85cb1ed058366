"""Plain objects the cache hands out (never live rows): safe across threads and layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class OpportunitySummary:
    id: str
    name: str | None
    headline: str | None
    email: str | None
    stage_id: str | None
    stage_text: str | None
    owner_id: str | None
    archived_at: int | None
    archived_reason_id: str | None
    updated_at: int | None
    posting_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Interviewer:
    user_id: str
    email: str | None
    name: str | None
    feedback_template_id: str | None


@dataclass(frozen=True)
class InterviewRecord:
    id: str
    opportunity_id: str
    panel_id: str | None
    subject: str | None
    date: int | None
    duration: int | None
    feedback_template_id: str | None
    canceled_at: int | None
    interviewers: list[Interviewer]
    raw: dict[str, Any]


@dataclass(frozen=True)
class FeedbackRecord:
    id: str
    opportunity_id: str
    base_template_id: str | None
    user_id: str | None
    panel_id: str | None
    interview_id: str | None
    completed_at: int | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class OpportunityDetail:
    summary: OpportunitySummary
    raw: dict[str, Any]
    details_synced_at: int | None  # None: panels/interviews/feedback never fetched
    panels: list[dict[str, Any]] = field(default_factory=list)
    interviews: list[InterviewRecord] = field(default_factory=list)
    feedback: list[FeedbackRecord] = field(default_factory=list)


@dataclass(frozen=True)
class PostingRecord:
    id: str
    text: str | None
    state: str | None
    team: str | None
    department: str | None
    location: str | None
    updated_at: int | None
    raw: dict[str, Any]


@dataclass(frozen=True)
class UserRecord:
    id: str
    name: str | None
    email: str | None
    access_role: str | None
    deactivated_at: int | None

    @property
    def active(self) -> bool:
        return self.deactivated_at is None


@dataclass(frozen=True)
class TemplateRecord:
    template_id: str
    version: str
    current: bool
    text: str | None
    is_no_feedback: bool
    updated_at: int | None
    fetched_at: int
    fields: list[dict[str, Any]]
    raw: dict[str, Any]  # the template as Lever sent it: FeedbackForm.from_template(raw)
