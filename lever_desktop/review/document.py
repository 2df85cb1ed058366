"""The draft document the AI pipeline delivers (DESIGN.md, schema ``lever-desktop/draft@1``).

A draft is untrusted input: it arrives through the relay or as a file a
person dropped on the app. Validation here is about the *shape* of the
document; whether each value fits the template is the forms layer's job and
is flagged, not rejected, at intake. Text that is not clean Unicode, or holds control
characters (tab and newline are fine in free text), is refused here, naming the field.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections import Counter
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from lever_desktop.untrusted import MAX_DEPTH, nesting_depth, printable, text_problem, value_problems

SCHEMA = "lever-desktop/draft@1"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Top-level strings that name things: no tab or newline there either.
_IDENTIFIERS = frozenset(
    {"schema", "draftId", "opportunityId", "templateId", "panelId", "interviewId", "interviewerEmail", "model"}
)
MAX_FILE_BYTES = 10 * 1024 * 1024  # a drafts file is JSON text; anything larger is a mistake or an attack
MAX_TEXT_PROBLEMS = 10  # a document full of escapes gets a readable message, not thousands of lines


class DraftDocumentError(ValueError):
    """A draft document that cannot be accepted; ``problems`` lists each reason in words."""

    def __init__(self, problems: list[str], *, draft_id: str | None = None) -> None:
        self.problems = problems
        self.draft_id = draft_id
        where = f"draft {draft_id}" if draft_id else "draft document"
        super().__init__(f"Invalid {where}: " + "; ".join(problems))


class DraftFileError(ValueError):
    """A drafts file that is not read at all (a FIFO, a device, too large); the message says why."""


class Evidence(BaseModel):
    model_config = ConfigDict(extra="ignore")
    quote: str
    atMs: StrictInt | None = Field(default=None, ge=0)


class DraftField(BaseModel):
    model_config = ConfigDict(extra="ignore")
    id: str = Field(min_length=1)
    value: Any = None
    confidence: StrictFloat | None = Field(default=None, ge=0.0, le=1.0)
    evidence: list[Evidence] = Field(default_factory=list)
    rationale: str | None = None
    # Quotes the model gave that the transcript does not contain (the app's drafting checks them
    # and moves them here); intake flags the field so the reviewer sees what was not verified.
    evidenceNotFound: list[Evidence] = Field(default_factory=list)


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
    # Strict: ``True`` is an int in Python and pydantic's lax mode would also take "1731609025310".
    createdAt: StrictInt = Field(gt=0)
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
    def _consistent(self) -> DraftDocument:
        # Counted once (not ids.count per id): a 700 KB draft of 40,000 fields took 32 s to validate.
        dup = sorted(i for i, n in Counter(f.id for f in self.fields).items() if n > 1)
        if dup:
            raise ValueError(f"field ids appear more than once: {', '.join(dup)}")
        # Lever takes panel and interview together; an interview alone is
        # completed from the cache, a panel alone names no interviewer's form.
        if self.panelId and not self.interviewId:
            raise ValueError("panelId is given without interviewId (Lever takes them together)")
        return self

    def field(self, field_id: str) -> DraftField | None:
        return next((f for f in self.fields if f.id == field_id), None)


def json_schema() -> dict[str, Any]:
    """The draft@1 JSON Schema for teams with their own pipeline (``resources/draft-1.schema.json``
    is this, checked in). It says the shape; intake also refuses control characters in text and
    checks each value against the template, which no static schema can."""
    schema = DraftDocument.model_json_schema(by_alias=True)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:lever-desktop:draft@1",
        **schema,
        "title": SCHEMA,
        "description": "One AI-drafted interview feedback form for Lever Desktop (DESIGN.md, 'Draft document'). "
        "Values use Lever's fieldValues formats; keys not listed here are kept verbatim.",
    }


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


def text_problems(doc: Mapping[str, Any], field_labels: Mapping[str, str] | None = None) -> list[str]:
    """Every string of the document that is refused, by where it is; a field is named by its
    question in the template when ``field_labels`` ({field id: text}) knows it."""
    labels = field_labels or {}
    found: list[str] = []
    for key, value in doc.items():
        if isinstance(key, str) and (problem := text_problem(key, free_text=False)):
            found.append(f"a key {problem}")
        if key == "fields" and isinstance(value, list):
            for i, f in enumerate(value):
                fid = f.get("id") if isinstance(f, dict) else None
                label = labels.get(fid) if isinstance(fid, str) else None
                note = f" ({printable(label)})" if label else ""
                found.extend(value_problems(f, f"fields[{i}]", strict=[f"fields[{i}].id"], note=note))
        else:
            found.extend(value_problems(value, str(key), free_text=key not in _IDENTIFIERS))
    if len(found) > MAX_TEXT_PROBLEMS:
        found[MAX_TEXT_PROBLEMS:] = [f"and {len(found) - MAX_TEXT_PROBLEMS} more strings with such characters"]
    return found


def with_plain_line_ends(doc: Any) -> Any:
    """``doc`` with Windows (CRLF) and old Mac (CR) line ends in its free text made newlines.

    A pipeline on Windows writes an answer's lines with CRLF; the carriage return is a control
    character, which intake refuses, and one would otherwise refuse the whole draft for its line
    ends. Identifiers and keys are left as they are (a CR there is still refused). Anything that is
    not a draft-shaped object, or too deep to be one, is returned unchanged for ``parse_draft`` to
    refuse."""
    if not isinstance(doc, dict) or nesting_depth(doc) > MAX_DEPTH:
        return doc
    out = {k: v if k in _IDENTIFIERS else _line_ends(v) for k, v in doc.items()}
    if isinstance(doc.get("fields"), list):
        out["fields"] = [
            {k: v if k == "id" else _line_ends(v) for k, v in f.items()} if isinstance(f, dict) else f
            for f in doc["fields"]
        ]
    return out


def _line_ends(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\r\n", "\n").replace("\r", "\n") if "\r" in value else value
    if isinstance(value, list):
        return [_line_ends(v) for v in value]
    if isinstance(value, dict):
        return {k: _line_ends(v) for k, v in value.items()}
    return value


def parse_draft(doc: Any, field_labels: Mapping[str, str] | None = None) -> DraftDocument:
    """Validate one document (a JSON object already parsed); raises DraftDocumentError with every problem.

    Only an object is a draft: a string is never parsed as JSON here, so a string inside a
    file's array of drafts stays a string (and is refused) rather than being decoded again.
    """
    if not isinstance(doc, dict):
        raise DraftDocumentError([f"expected a JSON object, got {_json_kind(doc)}"])
    draft_id = doc.get("draftId") if isinstance(doc.get("draftId"), str) else None
    if nesting_depth(doc) > MAX_DEPTH:  # nothing below may recurse through it (untrusted.MAX_DEPTH)
        raise DraftDocumentError([f"nested more than {MAX_DEPTH} levels deep"], draft_id=draft_id)
    problems = text_problems(doc, field_labels)
    parsed: DraftDocument | None = None
    try:
        parsed = DraftDocument.model_validate(doc)
    except ValidationError as e:
        problems += [_describe(dict(err)) for err in e.errors(include_url=False)]
    if problems or parsed is None:
        raise DraftDocumentError(problems, draft_id=draft_id) from None
    return parsed


def _json_kind(value: Any) -> str:
    names = {
        str: "a string",
        bool: "true/false",
        int: "a number",
        float: "a number",
        list: "an array",
        type(None): "null",
    }
    return names.get(type(value), type(value).__name__)


def load_documents(text: str) -> list[Any]:
    """A file holds one document or a JSON array of them; items are validated later, one by one."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as e:  # RecursionError: nested too deeply to parse
        raise DraftDocumentError([f"not valid JSON ({e})"]) from None
    return data if isinstance(data, list) else [data]


def read_draft_file(path: str | os.PathLike[str]) -> str:
    """The text of a drafts file. Refuses anything but a regular file of at most 10 MB
    (DraftFileError) before reading it: a FIFO would block the import, a device never end."""
    st = os.stat(path)
    _check_file(st.st_mode, st.st_size)
    # Non-blocking open: if the path became a FIFO since the stat, opening it must not hang either.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        _check_file(st.st_mode, st.st_size)
        data = f.read(MAX_FILE_BYTES + 1)  # the file may grow after the stat
    _check_file(stat.S_IFREG, len(data))
    return data.decode("utf-8")


def _check_file(mode: int, size: int) -> None:
    if not stat.S_ISREG(mode):
        kind = (
            "a FIFO (named pipe)"
            if stat.S_ISFIFO(mode)
            else "a directory"
            if stat.S_ISDIR(mode)
            else "a device"
            if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
            else "a socket"
            if stat.S_ISSOCK(mode)
            else "not a regular file"
        )
        raise DraftFileError(f"{kind}, not a drafts file; give the path of a JSON file")
    if size > MAX_FILE_BYTES:
        raise DraftFileError(
            f"too large ({size / 2**20:.1f} MB); a drafts file may have at most {MAX_FILE_BYTES // 2**20} MB"
        )
