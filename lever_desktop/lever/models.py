"""Pydantic models of what Lever returns: the one typed boundary every reader goes through.

Lever adds fields without notice and is loose with types, and its docs show
variants of the same field (``required`` as true/1/0/null, ``updatedAt`` null
on old records, ``stage`` as an id or ``{id, text}``, a template ``group`` as
an object, ``""`` or null, references as ids or ``expand``ed objects). So:
unknown keys are ignored, almost everything is optional, a reference keeps
just its id, and a value of an unexpected shape reads as "not given" instead
of failing the whole page. Attributes are snake_case; ``model_validate``
takes Lever's camelCase. The raw record stays with the caller (the cache keeps
it verbatim), so nothing Lever adds is lost.

``parse`` validates a list of records at once (one ``TypeAdapter`` call per
page, the cheap way for 100k opportunities); ``parse_template`` and
``parse_feedback`` read one template or one completed form; ``parse_forms`` and
``answered_form`` read the forms the outbox and review compare with what was approved.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cache
from typing import Annotated, Any, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainValidator,
    TypeAdapter,
    ValidationError,
)
from pydantic.alias_generators import to_camel

_log = logging.getLogger(__name__)


def _id_of(value: Any) -> str | None:
    """An id whether Lever sent the bare id or the expanded object; "" and null are no id."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


ref = _id_of  # the same reading for code that holds a raw reference (review/own_feedback.py)


def _text_of(value: Any) -> str | None:
    if isinstance(value, dict):  # {"name": ...} locations
        value = value.get("name")
    return value if isinstance(value, str) else None


def _int_of(value: Any) -> int | None:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _number_of(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _flag(value: Any) -> bool:
    # Lever sends true/false, 1/0, and occasionally null or "true".
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def _strings(value: Any) -> list[str]:
    return [s for s in value if isinstance(s, str)] if isinstance(value, list) else []


def _refs(value: Any) -> list[str]:
    return [i for i in map(_id_of, value) if i] if isinstance(value, list) else []


def _objects(value: Any) -> Any:
    """A list of nested objects: null reads as empty, items that are not objects are dropped."""
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _object(value: Any) -> Any:
    return value if isinstance(value, dict) else None


def _object_or_empty(value: Any) -> Any:
    return value if isinstance(value, dict) else {}


# Leaf types, validated in plain Python (PlainValidator: no second pass in pydantic-core).
Ref = Annotated[str | None, PlainValidator(_id_of)]
Text = Annotated[str | None, PlainValidator(_text_of)]
Label = Annotated[str, PlainValidator(lambda v: v if isinstance(v, str) else "")]  # "" when missing
Millis = Annotated[int | None, PlainValidator(_int_of)]  # epoch milliseconds
Whole = Annotated[int | None, PlainValidator(_int_of)]  # a count: minutes, a position
Number = Annotated[float | None, PlainValidator(_number_of)]
Flag = Annotated[bool, PlainValidator(_flag)]
Strings = Annotated[list[str], PlainValidator(_strings)]
Refs = Annotated[list[str], PlainValidator(_refs)]
Object = Annotated[dict[str, Any], PlainValidator(_object_or_empty)]
T = TypeVar("T")
Many = Annotated[list[T], BeforeValidator(_objects)]  # nested objects, validated by pydantic-core


class LeverModel(BaseModel):
    model_config = ConfigDict(extra="ignore", alias_generator=to_camel, populate_by_name=True)


class Stage(LeverModel):
    id: str
    text: Label = ""


class User(LeverModel):
    id: str
    name: Text = None
    username: Text = None
    email: Text = None
    access_role: Text = None
    deactivated_at: Millis = None
    created_at: Millis = None
    job_title: Text = None
    manager_id: Ref = None
    photo: Text = None

    @property
    def active(self) -> bool:
        return self.deactivated_at is None


class ArchiveReason(LeverModel):
    id: str
    text: Label = ""
    status: Text = None
    type: Text = None  # hired | non-hired


class Phone(LeverModel):
    type: Text = None
    value: Text = None


class StageChange(LeverModel):
    to_stage_id: Ref = None
    to_stage_index: Whole = None
    user_id: Ref = None
    updated_at: Millis = None


class Archived(LeverModel):
    reason: Ref = None  # an id, or the reason object
    archived_at: Millis = None


class Application(LeverModel):
    """What ``expand=applications`` inlines; only the posting matters to the cache."""

    id: Ref = None
    posting: Ref = None


def _applications(value: Any) -> Any:
    # Bare application ids (no expand) are kept as ids: the postings are then unknown.
    return [v for v in value if isinstance(v, (str, dict))] if isinstance(value, list) else []


class Opportunity(LeverModel):
    id: str
    name: Text = None
    headline: Text = None
    contact: Ref = None
    emails: Strings = Field(default_factory=list)
    phones: Many[Phone] = Field(default_factory=list)
    links: Strings = Field(default_factory=list)
    location: Text = None
    stage: Ref = None  # the stage id, whether or not expand=stage inlined it
    stage_changes: Many[StageChange] = Field(default_factory=list)
    archived: Annotated[Archived | None, BeforeValidator(_object)] = None
    tags: Strings = Field(default_factory=list)
    sources: Strings = Field(default_factory=list)
    origin: Text = None
    sourced_by: Ref = None
    owner: Ref = None
    followers: Refs = Field(default_factory=list)
    applications: Annotated[list[str | Application], BeforeValidator(_applications)] = Field(default_factory=list)
    postings: Annotated[list[str] | None, PlainValidator(lambda v: _refs(v) if isinstance(v, list) else None)] = None
    confidentiality: Text = None
    created_at: Millis = None
    updated_at: Millis = None  # null on some old records
    last_interaction_at: Millis = None
    last_advanced_at: Millis = None
    snoozed_until: Millis = None
    urls: Object = Field(default_factory=dict)
    is_anonymized: Flag = False
    data_protection: Annotated[dict[str, Any] | None, PlainValidator(_object)] = None

    @property
    def stage_id(self) -> str | None:
        return self.stage

    def posting_ids(self) -> list[str] | None:
        """Posting ids of this opportunity, or None when the record does not say (unexpanded)."""
        if self.postings is not None:
            return sorted(set(self.postings))
        if any(isinstance(a, str) for a in self.applications):
            return None  # bare application ids: the postings are unknown, keep what we had
        return sorted({a.posting for a in self.applications if isinstance(a, Application) and a.posting})


class DeletedOpportunity(LeverModel):
    id: str
    deleted_at: Millis = None
    deleted_by: Ref = None


class PostingCategories(LeverModel):
    team: Text = None
    department: Text = None
    location: Text = None
    all_locations: Strings = Field(default_factory=list)
    commitment: Text = None
    level: Text = None


class PostingList(LeverModel):
    text: Text = None
    content: Text = None


class PostingContent(LeverModel):
    description: Text = None
    description_html: Text = None
    lists: Many[PostingList] = Field(default_factory=list)
    closing: Text = None
    closing_html: Text = None


class SalaryRange(LeverModel):
    min: Number = None
    max: Number = None
    currency: Text = None
    interval: Text = None


class Posting(LeverModel):
    id: str
    text: Text = None
    state: Text = None
    categories: Annotated[PostingCategories, BeforeValidator(_object_or_empty)] = Field(
        default_factory=PostingCategories
    )
    content: Annotated[PostingContent, BeforeValidator(_object_or_empty)] = Field(default_factory=PostingContent)
    hiring_manager: Ref = None
    owner: Ref = None
    workplace_type: Text = None
    distribution_channels: Strings = Field(default_factory=list)
    confidentiality: Text = None
    tags: Strings = Field(default_factory=list)
    created_at: Millis = None
    updated_at: Millis = None
    urls: Object = Field(default_factory=dict)
    salary_range: Annotated[SalaryRange | None, BeforeValidator(_object)] = None


class FieldOption(LeverModel):
    text: Label = ""
    option_id: Ref = None


class ScoreDefinition(LeverModel):
    text: Label = ""
    description: Text = None


class TemplateField(LeverModel):
    id: str
    type: str
    text: Label = ""
    description: Text = None
    required: Flag = False
    prompt: Text = None
    options: Many[FieldOption] = Field(default_factory=list)
    scores: Many[ScoreDefinition] = Field(default_factory=list)
    language: Text = None
    currency: Text = None


class TemplateGroup(LeverModel):
    id: Ref = None
    name: Text = None


def _group(value: Any) -> Any:
    # The docs show {id, name}; templates outside any group have "" or null; a bare id is kept.
    if isinstance(value, dict):
        return value
    return {"id": value} if isinstance(value, str) and value else None


class FeedbackTemplate(LeverModel):
    id: str
    text: Label = ""
    group: Annotated[TemplateGroup | None, BeforeValidator(_group)] = None
    instructions: Text = None
    stage: Ref = None  # the stage id, whether Lever sent the id or {id, text}
    created_at: Millis = None
    updated_at: Millis = None
    fields: Many[TemplateField] = Field(default_factory=list)

    @property
    def score_field(self) -> TemplateField | None:
        """The overall rating: every template has exactly one ``score-system`` field."""
        return next((f for f in self.fields if f.type == "score-system"), None)

    def request_shape(self) -> list[list[Any]]:
        """What decides the feedback POST a form of this template makes, in a canonical order.

        Field ids, types, ``required``, option texts (the value sent is an option's text; their
        order changes nothing) and scorecard rows (sent positionally: their order counts). Not the
        template's name, instructions, group or stage, nor field labels, nor the order of fields
        or of keys: editing those does not change what an approved draft sends.
        """
        return sorted(
            [f.id, f.type, f.required, sorted(o.text for o in f.options), [s.text for s in f.scores]]
            for f in self.fields
        )


class FeedbackField(TemplateField):
    type: Label = ""  # a write echoed back (``fieldValues``) has only ids and values
    value: Any = None


def _answers(value: Any) -> Any:
    # An answer without a field id says nothing comparable: it is dropped rather than making the
    # whole form unreadable (the outbox must still recognise its own form, or it would send it again).
    return [f for f in _objects(value) if isinstance(f.get("id"), str) and f["id"]]


class Feedback(LeverModel):
    id: str
    type: Text = None  # interview | assignment | share
    text: Text = None
    base_template_id: Ref = None
    # Reads say ``fields``; an answer echoing a write may say ``fieldValues``.
    fields: Annotated[list[FeedbackField], BeforeValidator(_answers)] = Field(
        default_factory=list, validation_alias=AliasChoices("fields", "fieldValues")
    )
    user: Ref = None  # the author, as an id or the expanded user
    panel: Ref = None
    interview: Ref = None
    created_at: Millis = None
    updated_at: Millis = None
    completed_at: Millis = None
    deleted_at: Millis = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def has_fields(self) -> bool:
        """Did Lever send the answers (``fields`` or ``fieldValues``), even none, or leave them out?"""
        return "fields" in self.model_fields_set

    def values(self) -> dict[str, Any]:
        """Field id -> value as Lever stored it (what the outbox compares with what was approved)."""
        return {f.id: f.value for f in self.fields}


class Interviewer(LeverModel):
    id: str
    email: Text = None
    name: Text = None
    feedback_template: Ref = None


def _interviewers(value: Any) -> Any:
    # Interviewers arrive as objects or as bare user ids; ones without an id are no one.
    people = [{"id": v} if isinstance(v, str) else v for v in value] if isinstance(value, list) else []
    return [p for p in people if _id_of(p)]


Interviewers = Annotated[list[Interviewer], BeforeValidator(_interviewers)]


class Interview(LeverModel):
    """An interview from ``/interviews``, or one inlined in a panel (``location``, ``feedbackReminder``)."""

    id: str
    panel: Ref = None
    subject: Text = None
    date: Millis = None
    duration: Whole = None  # minutes
    timezone: Text = None
    location: Text = None
    interviewers: Interviewers = Field(default_factory=list)
    feedback_template: Ref = None
    feedback_forms: Refs = Field(default_factory=list)
    feedback_reminder: Text = None
    canceled_at: Millis = None
    stage: Ref = None
    postings: Refs = Field(default_factory=list)


class Panel(LeverModel):
    id: str
    start: Millis = None
    end: Millis = None
    timezone: Text = None
    stage: Ref = None
    user: Ref = None
    note: Text = None
    canceled_at: Millis = None
    externally_managed: Flag = False
    # Inlined interviews stay raw: the cache merges each with its /interviews record, then reads it.
    interviews: Annotated[list[dict[str, Any]], PlainValidator(lambda v: [i for i in _objects(v) if _id_of(i)])] = (
        Field(default_factory=list)
    )


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
    conditions: Annotated[dict[str, Any] | None, BeforeValidator(_object)] = None


class Webhook(LeverModel):
    id: str
    event: str
    url: str
    # Optional when a webhook is created, so a listed one may hold null: read as "none". A webhook
    # skipped for its shape would be created again by every ``webhooks setup``.
    configuration: Annotated[WebhookConfiguration, BeforeValidator(_object_or_empty)] = Field(
        default_factory=WebhookConfiguration
    )
    created_at: Millis = None


M = TypeVar("M", bound=LeverModel)


@cache
def _list_of(model: type[M]) -> TypeAdapter[list[M]]:
    return TypeAdapter(list[model])  # type: ignore[valid-type]


def parse(model: type[M], records: Sequence[Any]) -> list[tuple[M, dict[str, Any]]]:
    """Each record that is an object with an id, as ``(model, raw record)``, in order.

    A page is validated in one call; if that fails, record by record, and a record that still
    does not fit is left out with a warning naming its id and the fields (never their values,
    which may be a candidate's personal data), so one odd record cannot stop a sync.
    """
    raw = [r for r in records if isinstance(r, dict) and isinstance(r.get("id"), str) and r["id"]]
    try:
        return list(zip(_list_of(model).validate_python(raw), raw))
    except ValidationError:
        pass
    out = []
    for r in raw:
        try:
            out.append((model.model_validate(r), r))
        except ValidationError as e:
            where = sorted({".".join(map(str, err["loc"])) for err in e.errors()})
            _log.warning(
                "skipped a %s Lever sent in an unexpected shape: %s (fields %s)",
                model.__name__,
                r["id"],
                ", ".join(where),
            )
    return out


def parse_template(record: dict[str, Any]) -> FeedbackTemplate:
    """A feedback template from ``/feedback_templates`` (list or single): raises ``ValidationError``."""
    return FeedbackTemplate.model_validate(record)


def parse_feedback(record: dict[str, Any]) -> Feedback:
    """A completed feedback form from ``/opportunities/:id/feedback``: raises ``ValidationError``."""
    return Feedback.model_validate(record)


def parse_forms(records: Sequence[Any]) -> list[Feedback]:
    """An opportunity's forms as Lever listed them (deleted ones too), each that has an id."""
    return [form for form, _raw in parse(Feedback, records)]


def answered_form(record: Any) -> Feedback | None:
    """One form Lever answered with (a read, or the echo of a write); None when it names no form."""
    return next(iter(parse_forms([record])), None)
