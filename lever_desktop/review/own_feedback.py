"""Never write over an interviewer's own feedback.

An interviewer may have filled in Lever's form themselves before the AI draft
reached a reviewer. Sending the draft would then put a second form by the same
person next to theirs, so:
- when a draft is shown and approved, the cached feedback (synced from Lever)
  is searched for a form by the same author for the same interview — the same
  panel when the draft names no interview, the same template on the
  opportunity when it names neither; the reviewer must then choose to add a
  second form, and that choice (with the forms it accepted) is in the audit
  trail of the ``approved`` event;
- just before the POST the outbox reads the opportunity's feedback from Lever
  again: a form by that author that was not there at approval stops the send
  (needs attention), and a form that is this entry's own (matched like a
  reconciliation) is recorded instead of sending a duplicate.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from lever_desktop.lever import models
from lever_desktop.lever.models import Feedback
from lever_desktop.review import cache_view, queue, reconcile
from lever_desktop.store.review_schema import draft_audit

DAY_MS = 86_400_000


@dataclass(frozen=True)
class OwnForm:
    """A submitted form in Lever by the draft's author, for the draft's interview."""

    feedback_id: str
    user_id: str
    author_name: str
    completed_at: int | None
    on_interview: bool

    def describe(self, now_ms: int) -> str:
        """ "Frances Haddad submitted feedback for this interview 2 days ago"."""
        where = "this interview" if self.on_interview else "this candidate"
        when = f" {ago(self.completed_at, now_ms)}" if self.completed_at else ""
        return f"{self.author_name} submitted feedback for {where}{when}"

    def to_json(self) -> dict[str, Any]:
        return {
            "feedbackId": self.feedback_id,
            "userId": self.user_id,
            "authorName": self.author_name,
            "completedAt": self.completed_at,
        }


def ago(at_ms: int, now_ms: int) -> str:
    """A person's "when": "just now", "3 hours ago", "yesterday", "2 days ago", "on 3 Dec 2026"."""
    minutes = max(0, now_ms - at_ms) // 60_000
    if minutes < 2:
        return "just now"
    if minutes < 60:
        return f"{minutes} minutes ago"
    if minutes < 24 * 60:
        hours = minutes // 60
        return "an hour ago" if hours == 1 else f"{hours} hours ago"
    days = minutes // (24 * 60)
    if days == 1:
        return "yesterday"
    if days < 30:
        return f"{days} days ago"
    return "on " + day_month(at_ms, with_year=True)


def day_month(at_ms: int, *, with_year: bool = False) -> str:
    """ "3 Dec" (or "3 Dec 2026"), in local time, without a platform-specific strftime flag."""
    d = dt.datetime.fromtimestamp(at_ms / 1000)
    return f"{d.day} {d:%b}" + (f" {d.year}" if with_year else "")


def same_slot(form: Feedback, author_id: str, template_id: str, panel_id: str | None, interview_id: str | None) -> bool:
    """Is ``form`` the author's feedback for the interview (or panel, or opportunity) the draft is for?"""
    if form.deleted or not form.completed_at or form.user != author_id:
        return False
    if interview_id:
        return form.interview == interview_id
    if panel_id:
        return form.panel == panel_id
    return form.interview is None and form.base_template_id == template_id


def find(
    forms: Iterable[Feedback],
    users: Iterable[dict[str, Any]],
    author_id: str,
    template_id: str,
    panel_id: str | None,
    interview_id: str | None,
    *,
    exclude: Iterable[str] = (),
) -> list[OwnForm]:
    """The author's forms for this slot among ``forms`` (read through ``models.parse_forms``)."""
    names = {u.get("id"): u.get("name") for u in users}
    skip = set(exclude)
    return [
        OwnForm(f.id, author_id, str(names.get(author_id) or author_id), f.completed_at, bool(interview_id))
        for f in forms
        if f.id not in skip and same_slot(f, author_id, template_id, panel_id, interview_id)
    ]


def in_cache(
    conn: Connection,
    opportunity_id: str,
    author_id: str,
    template_id: str,
    panel_id: str | None,
    interview_id: str | None,
    *,
    exclude: Iterable[str] = (),
) -> list[OwnForm]:
    """The author's forms for this slot as the last sync saw them in Lever, and those this computer
    submitted since (a sync does not re-read feedback: it does not move an opportunity's updatedAt)."""
    cached = cache_view.feedback(conn, opportunity_id)
    seen = {f.id for f in cached}
    sent = models.parse_forms(queue.forms_sent_from_here(conn, opportunity_id))
    forms = cached + [f for f in sent if f.id not in seen]
    return find(forms, cache_view.users(conn), author_id, template_id, panel_id, interview_id, exclude=exclude)


def not_ours(conn: Connection, draft_id: str, opportunity_id: str) -> set[str]:
    """Forms that cannot be the one this approval created: those recorded for drafts, and the
    author's own forms the reviewer saw at approval (identical values inside the reconciliation
    window must not pass for ours, or ours would never be sent)."""
    return queue.claimed_feedback_ids(conn, opportunity_id) | accepted_at_approval(conn, draft_id)


def accepted_at_approval(conn: Connection, draft_id: str) -> set[str]:
    """Forms the reviewer knew of and chose to add a second form next to (the last approval's)."""
    row = conn.execute(
        select(draft_audit.c.detail_json)
        .where(draft_audit.c.draft_id == draft_id, draft_audit.c.event == "approved")
        .order_by(draft_audit.c.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return set()
    detail = json.loads(row.detail_json or "{}")
    return {str(f.get("feedbackId")) for f in detail.get("ownFeedback") or [] if isinstance(f, dict)}


@dataclass
class BeforeSend:
    """What the read just before the POST found: ``ours`` (this entry's form is already stored),
    ``new_forms`` (the author's forms that appeared since approval) or neither (send)."""

    ours: Feedback | None = None
    new_forms: list[OwnForm] | None = None


def before_send(
    conn: Connection,
    draft_id: str,
    opportunity_id: str,
    forms: list[Feedback],
    body: dict[str, Any],
    perform_as: str,
    window: reconcile.Window | None = None,
) -> BeforeSend:
    """Judge the forms Lever holds now (read by the outbox) against what the approval accepted.

    ``window``: when a form from this approval can have been stored; with it, a form whose
    ``completedAt`` Lever rounded or replaced is still recognised as ours (never sent twice)."""
    ours = reconcile.find_match(forms, body, perform_as, not_ours(conn, draft_id, opportunity_id), window)
    if ours is not None:
        return BeforeSend(ours=ours)
    new = find(
        forms,
        cache_view.users(conn),
        perform_as,
        body["baseTemplateId"],
        body.get("panel"),
        body.get("interview"),
        exclude=accepted_at_approval(conn, draft_id),
    )
    return BeforeSend(new_forms=new or None)


def for_draft(conn: Connection, rec: Any, author_id: str | None) -> list[OwnForm]:
    """What the review pane warns about before the draft is shown as ready to approve."""
    if not author_id:
        return []
    return in_cache(
        conn,
        rec.opportunity_id,
        author_id,
        rec.template_id,
        rec.panel_id,
        rec.interview_id,
        exclude=[rec.lever_feedback_id] if rec.lever_feedback_id else (),
    )
