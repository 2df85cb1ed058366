"""A draft under review: what the reviewer reads, their edits kept, a draft discarded.

The window's editor and the CLI (``drafts discard``) both come here, so a draft
is discarded one way with one audit entry. Every function runs on the store's
thread (``store.call``) and returns plain dataclasses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from lever_desktop.review import amend, authors, cache_view, drafts, own_feedback, queue
from lever_desktop.review.authors import AuthorUnresolved
from lever_desktop.review.drafts import DraftRecord
from lever_desktop.review.lifecycle import REVIEWABLE, DraftState, TransitionError
from lever_desktop.store.review_schema import outbox


@dataclass
class DraftView:
    """What the draft editor shows: the draft, its candidate and interview, and its author."""

    record: DraftRecord
    own_feedback: list[str]  # the author's own forms for this interview, in words
    withdraw_question: str | None  # None: not (or no longer) in Lever, or held there twice
    withdraw_refusal: str | None  # why Withdraw asks nothing (shown when it is clicked)
    template: dict[str, Any] | None
    template_drifted: bool
    candidate: str
    headline: str | None
    interview: dict[str, Any] | None
    author: str | None  # "Name — the interviewer" (their email is in the meta line); None: nobody can
    author_id: str | None
    author_problem: str | None
    service_author: str | None  # the configured service account, when it could author it
    other_authors: list[tuple[str, str]]  # ("Name <email>", email): any other active Lever user
    audit: list[dict[str, Any]]  # the last three entries
    status: str | None  # the state or its sub-status (e.g. "checking")


@dataclass(frozen=True)
class DraftOutcome:
    """The draft and the status a person reads (e.g. "checking"), after the outbox moved it."""

    record: DraftRecord
    status: str | None


def draft_view(
    conn: sa.Connection, draft_id: str, service_account: str | None, now_ms: int | None = None
) -> DraftView | None:
    rec = drafts.get(conn, draft_id)
    if rec is None:
        return None
    now_ms = now_ms if now_ms is not None else drafts.now_ms()
    current = cache_view.template(conn, rec.template_id)
    opp = conn.execute(
        sa.text("SELECT name, headline FROM opportunities WHERE id = :id"), {"id": rec.opportunity_id}
    ).first()
    interview = cache_view.interview(conn, rec.interview_id) if rec.interview_id else None
    try:
        author = cache_view.author(conn, rec)
        author_text, author_problem = (
            f"{author.name} — the interviewer",
            "; ".join(_without_ids(w, rec.interview_id) for w in author.warnings),
        )
        author_id: str | None = author.user_id
    except AuthorUnresolved as e:
        author_text, author_problem, author_id = None, str(e), None
    service = None
    if service_account:
        try:
            chosen = cache_view.author(
                conn,
                rec,
                chosen_email=service_account,
                service_account_email=service_account,
                confirm_service_account=True,
            )
            service = f"{chosen.name} <{chosen.email}>"
        except AuthorUnresolved:
            service = None
    # The author's own form for this interview, before the draft is shown as ready to approve.
    own = own_feedback.for_draft(conn, rec, author_id) if rec.state in REVIEWABLE else []
    withdraw_refusal = None
    try:
        withdraw_question: str | None = amend.withdrawal_question(conn, draft_id)
    except amend.ChangeError as e:  # not (or no longer) in Lever, or held there twice
        withdraw_question, withdraw_refusal = None, str(e)
    return DraftView(
        record=rec,
        own_feedback=[f.describe(now_ms) for f in own],
        withdraw_question=withdraw_question,
        withdraw_refusal=withdraw_refusal,
        template=rec.template or (current[1] if current else None),
        template_drifted=bool(current and rec.template_version and current[0] != rec.template_version),
        candidate=opp[0] if opp else "A candidate not in the cache yet",  # the id is in Technical details
        headline=opp[1] if opp else None,
        interview=interview,
        author=author_text,
        author_id=author_id,
        author_problem=author_problem,
        service_author=service,
        other_authors=authors.choices(cache_view.users(conn), rec.interviewer_email, service_account),
        audit=drafts.audit_trail(conn, draft_id)[-3:],
        status=queue.status(conn, draft_id),
    )


def _without_ids(warning: str, interview_id: str | None) -> str:
    """The author's warnings name the interview by its Lever id (for the log); the window says "this"."""
    return warning.replace(f"interview {interview_id}", "this interview") if interview_id else warning


def draft_outcome(conn: sa.Connection, draft_id: str) -> DraftOutcome | None:
    rec = drafts.get(conn, draft_id)
    return None if rec is None else DraftOutcome(rec, queue.status(conn, draft_id))


def save_values(
    conn: sa.Connection, draft_id: str, values: dict[str, Any], reviewer: str, confirmed: list[str] | None = None
) -> None:
    """Keep the reviewer's edits and confirmations (and mark a fresh draft as being reviewed)."""
    rec = drafts.get(conn, draft_id)
    if rec is None or rec.state not in REVIEWABLE | {DraftState.AMENDING}:
        return
    if rec.state == DraftState.RECEIVED:
        drafts.transition(conn, draft_id, DraftState.IN_REVIEW, actor=reviewer, event="opened")
    more = {} if confirmed is None else {"confirmed_json": drafts.dumps(sorted(confirmed))}
    drafts.update_fields(conn, draft_id, values_json=drafts.dumps(values), **more)


class DiscardError(Exception):
    """The draft cannot be discarded; the message says why, in one line."""


def discard(conn: sa.Connection, draft_id: str, reviewer: str) -> DraftRecord:
    """The draft will never be sent to Lever; the audit trail says who decided so."""
    rec = drafts.get(conn, draft_id)
    if rec is None:
        raise DiscardError(f"No draft with id {draft_id}.")
    if rec.state == DraftState.DISCARDED:
        raise DiscardError(f"Draft {draft_id} is already discarded.")
    try:
        discarded = drafts.transition(conn, draft_id, DraftState.DISCARDED, actor=reviewer, event="discarded")
    except TransitionError as e:  # e.g. in flight or submitted (withdraw it instead)
        raise DiscardError(str(e)) from None
    # An entry never sent (approved, then stopped before its POST: the author's own form, a changed
    # template) waits for nothing now; left behind, the outbox page listed it as "Discarded" for good.
    conn.execute(sa.delete(outbox).where(outbox.c.draft_id == draft_id, outbox.c.sent_at.is_(None)))
    return discarded
