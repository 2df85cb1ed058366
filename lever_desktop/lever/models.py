"""Pydantic models of what Lever returns, parsed leniently.

Lever adds fields without notice and is loose with types (``required`` as
1/0, ``updatedAt`` null on old records, ids or expanded objects in the same
field), so: unknown keys are ignored, almost everything is optional, and
fields that ``expand=`` can inline accept either an id or the object.
Attributes are snake_case; ``model_validate`` takes Lever's camelCase and
``model_dump(by_alias=True)`` gives it back.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.alias_generators import to_camel

Millis = int | None  # epoch milliseconds


class LeverModel(BaseModel):
    model_config = ConfigDict(extra="ignore", alias_generator=to_camel, populate_by_name=True)


class Stage(LeverModel):
    id: str
    text: str = ""


class User(LeverModel):
    id: str
    name: str | None = None
    username: str | None = None
    email: str | None = None
    access_role: str | None = None
    deactivated_at: Millis = None
    created_at: Millis = None
    job_title: str | None = None
    manager_id: str | None = None
    photo: str | None = None

    @property
    def active(self) -> bool:
        return self.deactivated_at is None


class ArchiveReason(LeverModel):
    id: str
    text: str = ""
    status: str | None = None
    type: str | None = None  # hired | non-hired


class Phone(LeverModel):
    type: str | None = None
    value: str | None = None


class StageChange(LeverModel):
    to_stage_id: str | None = None
    to_stage_index: int | None = None
    user_id: str | None = None
    updated_at: Millis = None


class Archived(LeverModel):
    reason: str | None = None
    archived_at: Millis = None


class Opportunity(LeverModel):
    id: str
    name: str | None = None
    headline: str | None = None
    contact: str | None = None
    emails: list[str] = Field(default_factory=list)
    phones: list[Phone] = Field(default_factory=list)
    links: list[str] = Field(default_factory=list)
    location: str | None = None
    stage: str | Stage | None = None  # an id, or the object with expand=stage
    stage_changes: list[StageChange] = Field(default_factory=list)
    archived: Archived | None = None
    tags: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    origin: str | None = None
    sourced_by: str | User | None = None
    owner: str | User | None = None
    followers: list[str | User] = Field(default_factory=list)
    applications: list[str | dict[str, Any]] = Field(default_factory=list)
    confidentiality: str | None = None
    created_at: Millis = None
    updated_at: Millis = None  # null on some old records
    last_interaction_at: Millis = None
    last_advanced_at: Millis = None
    snoozed_until: Millis = None
    urls: dict[str, str] = Field(default_factory=dict)
    is_anonymized: bool = False
    data_protection: dict[str, Any] | None = None

    @property
    def stage_id(self) -> str | None:
        return self.stage.id if isinstance(self.stage, Stage) else self.stage


class DeletedOpportunity(LeverModel):
    id: str
    deleted_at: Millis = None
    deleted_by: str | None = None


class PostingCategories(LeverModel):
    team: str | None = None
    department: str | None = None
    location: str | None = None
    all_locations: list[str] = Field(default_factory=list)
    commitment: str | None = None
    level: str | None = None


class PostingList(LeverModel):
    text: str | None = None
    content: str | None = None


class PostingContent(LeverModel):
    description: str | None = None
    description_html: str | None = None
    lists: list[PostingList] = Field(default_factory=list)
    closing: str | None = None
    closing_html: str | None = None


class SalaryRange(LeverModel):
    min: float | None = None
    max: float | None = None
    currency: str | None = None
    interval: str | None = None


class Posting(LeverModel):
    id: str
    text: str | None = None
    state: str | None = None
    categories: PostingCategories = Field(default_factory=PostingCategories)
    content: PostingContent = Field(default_factory=PostingContent)
    hiring_manager: str | User | None = None
    owner: str | User | None = None
    workplace_type: str | None = None
    distribution_channels: list[str] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    created_at: Millis = None
    updated_at: Millis = None
    urls: dict[str, str] = Field(default_factory=dict)
    salary_range: SalaryRange | None = None


class FieldOption(LeverModel):
    text: str
    option_id: str | None = None


class ScoreDefinition(LeverModel):
    text: str
    description: str | None = None


class TemplateField(LeverModel):
    id: str
    type: str
    text: str = ""
    description: str | None = None
    required: bool = False
    prompt: str | None = None
    options: list[FieldOption] = Field(default_factory=list)
    scores: list[ScoreDefinition] = Field(default_factory=list)
    language: str | None = None
    currency: str | None = None

    @field_validator("required", mode="before")
    @classmethod
    def _required_as_bool(cls, v: Any) -> Any:
        # Lever sends true/false, 1/0, and occasionally null.
        return False if v is None else v


class TemplateGroup(LeverModel):
    id: str | None = None
    name: str | None = None


class FeedbackTemplate(LeverModel):
    id: str
    text: str = ""
    group: TemplateGroup | None = None
    instructions: str | None = None
    stage: str | None = None
    created_at: Millis = None
    updated_at: Millis = None
    fields: list[TemplateField] = Field(default_factory=list)

    @property
    def score_field(self) -> TemplateField | None:
        """The overall rating: every template has exactly one ``score-system`` field."""
        return next((f for f in self.fields if f.type == "score-system"), None)


class FeedbackField(TemplateField):
    value: Any = None


class Feedback(LeverModel):
    id: str
    type: str | None = None  # interview | assignment | share
    text: str | None = None
    base_template_id: str | None = None
    fields: list[FeedbackField] = Field(default_factory=list)
    user: str | User | None = None
    panel: str | None = None
    interview: str | None = None
    created_at: Millis = None
    updated_at: Millis = None
    completed_at: Millis = None
    deleted_at: Millis = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


class Interviewer(LeverModel):
    id: str
    email: str | None = None
    name: str | None = None
    feedback_template: str | None = None


class PanelInterview(LeverModel):
    id: str
    date: Millis = None
    duration: int | None = None
    subject: str | None = None
    location: str | None = None
    feedback_template: str | None = None
    interviewers: list[Interviewer] = Field(default_factory=list)
    feedback_reminder: str | None = None


class Panel(LeverModel):
    id: str
    start: Millis = None
    end: Millis = None
    timezone: str | None = None
    stage: str | None = None
    user: str | None = None
    note: str | None = None
    canceled_at: Millis = None
    externally_managed: bool = False
    interviews: list[PanelInterview] = Field(default_factory=list)


class Interview(LeverModel):
    id: str
    panel: str | None = None
    subject: str | None = None
    date: Millis = None
    duration: int | None = None
    timezone: str | None = None
    interviewers: list[Interviewer] = Field(default_factory=list)
    feedback_template: str | None = None
    feedback_forms: list[str] = Field(default_factory=list)
    canceled_at: Millis = None
    stage: str | None = None
    postings: list[str] = Field(default_factory=list)


class WebhookDelivery(LeverModel):
    """What Lever POSTs to a webhook URL (verify with ``signatures.verify`` first)."""

    id: str | None = None
    event: str
    triggered_at: int
    token: str
    signature: str
    data: dict[str, Any] = Field(default_factory=dict)


class WebhookConfiguration(LeverModel):
    signature_token: str | None = Field(default=None, repr=False)  # a secret, returned once
    conditions: dict[str, Any] | None = None


class Webhook(LeverModel):
    id: str
    event: str
    url: str
    configuration: WebhookConfiguration = Field(default_factory=WebhookConfiguration)
    created_at: Millis = None
