"""Drafts and their audit trail in the store: plain functions taking ``conn``.

Every state change goes through ``transition``, which checks the lifecycle
and writes the audit entry in the caller's transaction, so the trail can
never disagree with the state.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, insert, select, update

from lever_desktop.lever import models
from lever_desktop.review.lifecycle import DraftState, check_transition
from lever_desktop.store.review_schema import draft_audit, drafts


def now_ms() -> int:
    return int(time.time() * 1000)


def dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


@dataclass
class DraftRecord:
    """A draft as the review layer and the UI see it (no live rows)."""

    draft_id: str
    state: str
    attention_reason: str | None
    source: str
    opportunity_id: str
    template_id: str
    template_version: str | None
    template: dict[str, Any] | None
    panel_id: str | None
    interview_id: str | None
    interviewer_email: str
    document: dict[str, Any]
    values: dict[str, Any] | None
    flags: list[dict[str, Any]]
    author: dict[str, Any] | None
    readback: dict[str, Any] | None
    lever_feedback_id: str | None
    received_at: int
    updated_at: int
    extra: dict[str, Any] = field(default_factory=dict)
    confirmed: list[str] = field(default_factory=list)  # fields whose unsure AI answer the reviewer confirmed

    def ai_values(self) -> dict[str, Any]:
        return {f["id"]: f.get("value") for f in self.document.get("fields", []) if isinstance(f, dict)}

    @property
    def template_name(self) -> str | None:
        """The template's name as Lever calls it ("Phone screen"), read through the model."""
        template = self.template if isinstance(self.template, dict) else {}
        found = models.parse(models.FeedbackTemplate, [{"id": self.template_id, **template}])
        return (found[0][0].text or None) if found else None

    def current_values(self) -> dict[str, Any]:
        """The reviewer's values where they edited, else the AI's."""
        return dict(self.values) if self.values is not None else self.ai_values()

    def summary(self) -> dict[str, Any]:
        return {
            "draftId": self.draft_id,
            "state": self.state,
            "attentionReason": self.attention_reason,
            "opportunityId": self.opportunity_id,
            "templateId": self.template_id,
            "interviewId": self.interview_id,
            "interviewerEmail": self.interviewer_email,
            "flags": [f["code"] for f in self.flags],
            "leverFeedbackId": self.lever_feedback_id,
            "receivedAt": self.received_at,
        }


def _loads(text: str | None) -> Any:
    return json.loads(text) if text else None


def _record(row: Any) -> DraftRecord:
    m = row._mapping
    return DraftRecord(
        draft_id=m["draft_id"],
        state=m["state"],
        attention_reason=m["attention_reason"],
        source=m["source"],
        opportunity_id=m["opportunity_id"],
        template_id=m["template_id"],
        template_version=m["template_version"],
        template=_loads(m["template_json"]),
        panel_id=m["panel_id"],
        interview_id=m["interview_id"],
        interviewer_email=m["interviewer_email"],
        document=_loads(m["document"]) or {},
        values=_loads(m["values_json"]),
        flags=_loads(m["flags_json"]) or [],
        author=_loads(m["author_json"]),
        readback=_loads(m["readback_json"]),
        lever_feedback_id=m["lever_feedback_id"],
        received_at=m["received_at"],
        updated_at=m["updated_at"],
        confirmed=_loads(m["confirmed_json"]) or [],
    )


def exists(conn: Connection, draft_id: str) -> bool:
    return conn.execute(select(drafts.c.draft_id).where(drafts.c.draft_id == draft_id)).first() is not None


def get(conn: Connection, draft_id: str) -> DraftRecord | None:
    row = conn.execute(select(drafts).where(drafts.c.draft_id == draft_id)).first()
    return _record(row) if row else None


def require(conn: Connection, draft_id: str) -> DraftRecord:
    """A draft that must exist (it was just written in the same flow); LookupError otherwise."""
    rec = get(conn, draft_id)
    if rec is None:
        raise LookupError(f"There is no draft {draft_id} in the local store.")
    return rec


def list_drafts(conn: Connection, states: Iterable[str] | None = None) -> list[DraftRecord]:
    q = select(drafts).order_by(drafts.c.received_at, drafts.c.draft_id)
    if states is not None:
        q = q.where(drafts.c.state.in_(list(states)))
    return [_record(r) for r in conn.execute(q)]


def add(conn: Connection, row: dict[str, Any], *, actor: str, detail: dict[str, Any]) -> None:
    t = now_ms()
    conn.execute(insert(drafts).values(received_at=t, updated_at=t, **row))
    write_audit(conn, row["draft_id"], actor, "received", detail, to_state=row["state"])


def update_fields(conn: Connection, draft_id: str, **values: Any) -> None:
    conn.execute(update(drafts).where(drafts.c.draft_id == draft_id).values(updated_at=now_ms(), **values))


def transition(
    conn: Connection,
    draft_id: str,
    target: DraftState,
    *,
    actor: str,
    event: str,
    detail: dict[str, Any] | None = None,
    attention_reason: str | None = None,
    **values: Any,
) -> DraftRecord:
    """Move a draft to ``target`` (lifecycle-checked) and record why, atomically."""
    current = get(conn, draft_id)
    if current is None:
        raise KeyError(f"No draft with id {draft_id}.")
    check_transition(draft_id, current.state, target)
    # Guard on the state we read so two writers cannot both move the draft.
    result = conn.execute(
        update(drafts)
        .where(drafts.c.draft_id == draft_id, drafts.c.state == current.state)
        .values(state=target.value, attention_reason=attention_reason, updated_at=now_ms(), **values)
    )
    if result.rowcount != 1:
        raise RuntimeError(f"Draft {draft_id} changed state while being updated; try again.")
    write_audit(conn, draft_id, actor, event, detail or {}, from_state=current.state, to_state=target.value)
    updated = get(conn, draft_id)
    assert updated is not None
    return updated


def write_audit(
    conn: Connection,
    draft_id: str,
    actor: str,
    event: str,
    detail: dict[str, Any],
    *,
    from_state: str | None = None,
    to_state: str | None = None,
) -> None:
    conn.execute(
        insert(draft_audit).values(
            draft_id=draft_id,
            at=now_ms(),
            actor=actor,
            event=event,
            from_state=from_state,
            to_state=to_state,
            detail_json=dumps(detail),
        )
    )


def audit_trail(conn: Connection, draft_id: str) -> list[dict[str, Any]]:
    rows = conn.execute(select(draft_audit).where(draft_audit.c.draft_id == draft_id).order_by(draft_audit.c.id))
    return [
        {
            "at": r.at,
            "actor": r.actor,
            "event": r.event,
            "from": r.from_state,
            "to": r.to_state,
            "detail": json.loads(r.detail_json or "{}"),
        }
        for r in rows
    ]
