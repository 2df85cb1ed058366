"""The draft document the AI pipeline delivers (DESIGN.md, schema ``lever-desktop/draft@1``).

A draft is untrusted input: it arrives through the relay or as a file a
person dropped on the app. Validation here is about the *shape* of the
document; whether each value fits the template is the forms layer's job and
is flagged, not rejected, at intake.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

SCHEMA = "lever-desktop/draft@1"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class DraftDocumentError(ValueError):
    """A draft document that cannot be accepted; ``problems`` lists each reason in words."""

    def __init__(self, problems: list[str], *, draft_id: str | None = None) -> None:
        self.problems = problems
        self.draft_id = draft_id
        where = f"draft {draft_id}" if draft_id else "draft document"
        super().__init__(f"Invalid {where}: " + "; ".join(problems))


class Evidence(BaseModel):
    model_config = ConfigDict(extra="ignore")
    quote: str
    atMs: int | None = Field(default=None, ge=0)


class DraftField(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1)
    value: Any = None
    confidence: float | None = Field(default=None, ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str | None = None


class DraftDocument(BaseModel):
    """One AI-drafted feedback form; ``draftId`` is the pipeline's idempotency key."""

    # Pipelines add fields over time: unknown keys are kept in the stored raw
    # document but ignored here.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    schema_: Literal["lever-desktop/draft@1"] = Field(alias="schema")
    draftId: str = Field(min_length=1, max_length=200)
    opportunityId: str = Field(min_length=1)
    templateId: str = Field(min_length=1)
    panelId: str | None = None
    interviewId: str | None = None
    interviewerEmail: str
    createdAt: int = Field(gt=0)
    model: str | None = None
    fields: list[DraftField]

    @field_validator("interviewerEmail")
    @classmethod
    def _email(cls, v: str) -> str:
        v = v.strip()
        if not _EMAIL.match(v):
            raise ValueError("must be an email address")
        return v

    @field_validator("panelId", "interviewId")
    @classmethod
    def _blank_is_none(cls, v: str | None) -> str | None:
        return v or None

    @model_validator(mode="after")
    def _consistent(self) -> "DraftDocument":
        ids = [f.id for f in self.fields]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"field ids appear more than once: {', '.join(dup)}")
        # Lever takes panel and interview together; an interview alone is
        # completed from the cache, a panel alone names no interviewer's form.
        if self.panelId and not self.interviewId:
            raise ValueError("panelId is given without interviewId (Lever takes them together)")
        return self

    def field(self, field_id: str) -> DraftField | None:
        return next((f for f in self.fields if f.id == field_id), None)


def _where(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            name = "schema" if part == "schema_" else str(part)
            out += f".{name}" if out else name
    return out


def _describe(err: dict[str, Any]) -> str:
    where = _where(tuple(err.get("loc", ())))
    kind = err.get("type", "")
    if kind == "missing":
        return f"{where} is missing"
    if kind == "literal_error" and where == "schema":
        return f"schema must be {SCHEMA!r} (got {err.get('input')!r})"
    msg = str(err.get("msg", "is invalid"))
    msg = msg.removeprefix("Value error, ")
    return f"{where}: {msg}" if where else msg


def parse_draft(doc: Any) -> DraftDocument:
    """Validate one document (a dict or JSON text); raises DraftDocumentError with every problem."""
    if isinstance(doc, (str, bytes)):
        try:
            doc = json.loads(doc)
        except (ValueError, RecursionError) as e:  # RecursionError: nested too deeply to parse
            raise DraftDocumentError([f"not valid JSON ({e})"]) from None
    if not isinstance(doc, dict):
        raise DraftDocumentError([f"expected a JSON object, got {type(doc).__name__}"])
    draft_id = doc.get("draftId") if isinstance(doc.get("draftId"), str) else None
    try:
        return DraftDocument.model_validate(doc)
    except ValidationError as e:
        problems = [_describe(err) for err in e.errors(include_url=False)]
        raise DraftDocumentError(problems, draft_id=draft_id) from None


def load_documents(text: str) -> list[Any]:
    """A file holds one document or a JSON array of them; items are validated later, one by one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:  # RecursionError: nested too deeply to parse
        raise DraftDocumentError([f"not valid JSON ({e})"]) from None
    return data if isinstance(data, list) else [data]
