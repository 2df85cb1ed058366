"""Amend and withdraw feedback already submitted to Lever (PUT and DELETE on the form).

A submitted draft can be reopened (``amending``), edited and approved again: the
approval then rewrites the draft's outbox row into a durable intent to PUT the new
``fieldValues`` onto the same form, as the same author (``perform_as``), committed
before anything is sent. It can also be withdrawn after a confirmation naming what
will disappear from Lever: the intent to DELETE is committed the same way.

Both requests are idempotent, so the guarantees are simpler than a POST's: after an
unsure attempt (timeout, reset, 5xx after sending, a crash) the form is re-read — if
it already holds the amendment, that is recorded; if it is gone, the reviewer is
told — and the request is simply sent again. A DELETE answered 404 means the form is
already gone: success. Every step is in the draft's audit trail. The outbox's flush
sends these changes after the new forms (``send_changes``), with its own pause and
back-off.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from lever_desktop.lever import errors as le
from lever_desktop.lever import models, paths
from lever_desktop.lever.models import Feedback
from lever_desktop.review import cache_view, drafts, queue, reconcile
from lever_desktop.review.approval import Approval, ApprovalError, checked_values
from lever_desktop.review.authors import Author
from lever_desktop.review.lifecycle import CHANGES, AttentionReason, DraftState
from lever_desktop.review.own_feedback import day_month
from lever_desktop.store import Store
from lever_desktop.store.review_schema import drafts as drafts_t
from lever_desktop.store.review_schema import outbox

_log = logging.getLogger(__name__)


class ChangeError(Exception):
    """The draft cannot be amended or withdrawn as it is; the message says why and what to do."""


@dataclass
class Change:
    """A queued PUT or DELETE of a submitted form."""

    draft_id: str
    state: str
    opportunity_id: str
    perform_as: str
    feedback_id: str
    body: dict[str, Any]  # the whole form as approved last (POST shape); a PUT sends its fieldValues
    attempts: int

    @property
    def path(self) -> str:
        return paths.feedback_form(self.opportunity_id, self.feedback_id)

    @property
    def put_body(self) -> dict[str, Any]:
        return {"fieldValues": self.body.get("fieldValues", [])}

    def request(self) -> dict[str, Any]:
        """The exact request the outbox sends (``submit --dry-run``)."""
        method = "DELETE" if self.state == DraftState.WITHDRAWING else "PUT"
        return {
            "draftId": self.draft_id,
            "method": method,
            "path": f"{self.path}?perform_as={self.perform_as}",
            "params": {"perform_as": self.perform_as},
            "body": self.put_body if method == "PUT" else None,
        }


def _submitted_form(conn: Connection, draft_id: str, allowed: Iterable[str], doing: str) -> tuple[Any, Any]:
    rec = drafts.get(conn, draft_id)
    if rec is None:
        raise ChangeError(f"No draft with id {draft_id}.")
    if rec.state not in set(allowed):
        raise ChangeError(
            f"Draft {draft_id} is {rec.state.replace('_', ' ')}: only feedback submitted to Lever can be {doing}."
        )
    row = conn.execute(select(outbox).where(outbox.c.draft_id == draft_id)).first()
    if row is None or not rec.lever_feedback_id:
        raise ChangeError(f"Draft {draft_id} has no form in Lever to be {doing}.")
    return rec, row


def _sent_values(row: Any) -> dict[str, Any]:
    return {str(f["id"]): f.get("value") for f in json.loads(row.payload_json).get("fieldValues", [])}


# -- amend ----------------------------------------------------------------------------------------


def reopen_tx(conn: Connection, draft_id: str, reviewer: str, values: dict[str, Any] | None) -> None:
    """submitted -> amending: the editor starts from what was sent to Lever (plus ``values``)."""
    rec, row = _submitted_form(conn, draft_id, {DraftState.SUBMITTED, DraftState.AMENDING}, "amended")
    current = _sent_values(row) if rec.state == DraftState.SUBMITTED else rec.current_values()
    current.update(values or {})
    if rec.state == DraftState.SUBMITTED:
        drafts.transition(
            conn,
            draft_id,
            DraftState.AMENDING,
            actor=reviewer,
            event="amend_reopened",
            detail={"feedbackId": rec.lever_feedback_id},
            values_json=drafts.dumps(current),
        )
    else:
        drafts.update_fields(conn, draft_id, values_json=drafts.dumps(current))


async def reopen(store: Store, draft_id: str, *, reviewer: str, values: dict[str, Any] | None = None) -> None:
    """Reopen a submitted draft for amendment (raises ChangeError)."""
    await store.call(reopen_tx, draft_id, reviewer, values)


def cancel_tx(conn: Connection, draft_id: str, reviewer: str) -> None:
    """amending -> submitted, nothing sent: the draft shows what Lever holds again."""
    rec, row = _submitted_form(conn, draft_id, {DraftState.AMENDING}, "left unamended")
    drafts.transition(
        conn,
        draft_id,
        DraftState.SUBMITTED,
        actor=reviewer,
        event="amend_cancelled",
        detail={"feedbackId": rec.lever_feedback_id, "discardedValues": rec.current_values()},
        values_json=drafts.dumps(_sent_values(row)),
    )


async def cancel(store: Store, draft_id: str, *, reviewer: str) -> None:
    """Give up an amendment not yet approved (raises ChangeError)."""
    await store.call(cancel_tx, draft_id, reviewer)


def approve_amendment_tx(conn: Connection, rec: Any, opts: dict[str, Any]) -> Approval | ApprovalError:
    """amending -> amend_queued, with the PUT's body written to the outbox row in the same transaction."""
    row = conn.execute(select(outbox).where(outbox.c.draft_id == rec.draft_id)).first()
    if row is None or not rec.lever_feedback_id:
        return ApprovalError(f"Draft {rec.draft_id} has no form in Lever to amend", code="state")
    if opts["chosen_email"] and rec.author and opts["chosen_email"].casefold() != str(rec.author["email"]).casefold():
        return ApprovalError(
            "A submitted form keeps its author; withdraw it and submit a new draft to change who wrote it",
            code="author_fixed",
        )
    current = cache_view.template(conn, rec.template_id)
    if current is not None and rec.template_version and current[0] != rec.template_version:
        drafts.update_fields(conn, rec.draft_id, template_version=current[0], template_json=drafts.dumps(current[1]))
        drafts.write_audit(
            conn, rec.draft_id, opts["reviewer"], "template_changed", {"from": rec.template_version, "to": current[0]}
        )
        return ApprovalError(
            "The feedback template changed in Lever since this form was submitted; check the "
            "amendment against the new version",
            code="template_changed",
        )
    version, template = current if current is not None else (rec.template_version, rec.template or {})
    values = opts["values"] if opts["values"] is not None else rec.current_values()
    check = checked_values(rec.draft_id, template, values)
    if isinstance(check, ApprovalError):
        return check
    sent = _sent_values(row)
    body = {**json.loads(row.payload_json), "fieldValues": check.field_values}
    put = {"fieldValues": check.field_values}
    drafts.transition(
        conn,
        rec.draft_id,
        DraftState.AMEND_QUEUED,
        actor=opts["reviewer"],
        event="amend_approved",
        detail={
            "feedbackId": rec.lever_feedback_id,
            "sentValues": sent,
            "approvedValues": values,
            "changed": sorted(k for k in set(sent) | set(values) if sent.get(k) != values.get(k)),
            "templateVersion": version,
            "body": put,
        },
        values_json=drafts.dumps(values),
        template_version=version,
        template_json=drafts.dumps(template),
    )
    conn.execute(
        update(outbox)
        .where(outbox.c.draft_id == rec.draft_id)
        .values(
            payload_json=drafts.dumps(body), template_version=version, attempts=0, next_attempt_at=0, last_error=None
        )
    )
    author = Author(**rec.author) if rec.author else Author(row.perform_as, "", row.perform_as, "interviewer")
    return Approval(
        rec.draft_id,
        author,
        "PUT",
        paths.feedback_form(rec.opportunity_id, rec.lever_feedback_id),
        {"perform_as": row.perform_as},
        put,
    )


# -- withdraw -------------------------------------------------------------------------------------


def withdrawal_question(conn: Connection, draft_id: str) -> str:
    """ "Delete Frances Haddad's Phone screen feedback, submitted 3 Dec, from Lever?" (raises ChangeError)."""
    rec, row = _submitted_form(conn, draft_id, {DraftState.SUBMITTED, DraftState.AMENDING}, "withdrawn")
    extra = queue.duplicates_of(conn, draft_id)
    if extra:  # the DELETE names one form: withdrawn, the draft could no longer remove the other one
        raise ChangeError(
            f"Lever holds this form twice (extra form {', '.join(extra)}): remove the duplicate first "
            f"(drafts remove-duplicate {draft_id} --feedback {extra[0]}), then withdraw."
        )
    who = (rec.author or {}).get("name") or rec.interviewer_email
    form = rec.template_name or "feedback"
    completed = json.loads(row.payload_json).get("completedAt")
    when = f", submitted {day_month(completed)}," if isinstance(completed, int) else ""
    return f"Delete {who}'s {form} feedback{when} from Lever?"


def withdraw_tx(conn: Connection, draft_id: str, reviewer: str) -> str:
    """submitted/amending -> withdrawing (the DELETE's durable intent); returns what was confirmed."""
    question = withdrawal_question(conn, draft_id)
    rec = drafts.require(conn, draft_id)
    drafts.transition(
        conn,
        draft_id,
        DraftState.WITHDRAWING,
        actor=reviewer,
        event="withdraw_requested",
        detail={"feedbackId": rec.lever_feedback_id, "confirmed": question},
    )
    conn.execute(
        update(outbox).where(outbox.c.draft_id == draft_id).values(attempts=0, next_attempt_at=0, last_error=None)
    )
    return question


async def withdraw(store: Store, draft_id: str, *, reviewer: str) -> str:
    """Queue the DELETE of a submitted form, after the person confirmed ``withdrawal_question``."""
    return await store.call(withdraw_tx, draft_id, reviewer)


# -- sending (called by Outbox.flush) --------------------------------------------------------------


def changes(conn: Connection, draft_ids: Iterable[str] | None = None, due_at: int | None = None) -> list[Change]:
    q = (
        select(outbox, drafts_t.c.state, drafts_t.c.lever_feedback_id.label("fid"))
        .join(drafts_t, drafts_t.c.draft_id == outbox.c.draft_id)
        .where(drafts_t.c.state.in_([s.value for s in CHANGES]))
        .order_by(outbox.c.next_attempt_at, outbox.c.draft_id)
    )
    if draft_ids is not None:
        q = q.where(outbox.c.draft_id.in_(list(draft_ids)))
    if due_at is not None:
        q = q.where(outbox.c.next_attempt_at <= due_at)
    return [
        Change(
            r.draft_id,
            r.state,
            r.opportunity_id,
            r.perform_as,
            r.fid or r.lever_feedback_id,
            json.loads(r.payload_json),
            r.attempts,
        )
        for r in conn.execute(q)
    ]


def next_due(conn: Connection, draft_ids: Iterable[str] | None = None) -> int | None:
    rows = conn.execute(
        select(outbox.c.next_attempt_at)
        .join(drafts_t, drafts_t.c.draft_id == outbox.c.draft_id)
        .where(
            drafts_t.c.state.in_([s.value for s in CHANGES]),
            *([outbox.c.draft_id.in_(list(draft_ids))] if draft_ids is not None else []),
        )
    )
    return min((r.next_attempt_at for r in rows), default=None)


def _attempt(conn: Connection, draft_id: str, now: int, event: str) -> None:
    conn.execute(update(outbox).where(outbox.c.draft_id == draft_id).values(attempts=outbox.c.attempts + 1))
    drafts.write_audit(conn, draft_id, "outbox", event, {"at": now})


def _finish(
    conn: Connection,
    draft_id: str,
    target: DraftState,
    event: str,
    detail: dict[str, Any],
    reason: AttentionReason | None = None,
) -> None:
    drafts.transition(
        conn,
        draft_id,
        target,
        actor="outbox",
        event=event,
        detail=detail,
        attention_reason=reason.value if reason else None,
    )
    conn.execute(
        update(outbox)
        .where(outbox.c.draft_id == draft_id)
        .values(last_error=None if reason is None else str(detail.get("message") or reason.value))
    )


async def send_changes(box: Any, draft_ids: list[str] | None, due_at: int | None, report: Any) -> None:
    """PUT every due amendment and DELETE every due withdrawal (``box``: the Outbox, for its
    client, store, clock, pause and back-off)."""
    for change in await box.store.call(changes, draft_ids, due_at):
        if change.state == DraftState.WITHDRAWING:
            await _delete(box, change, report)
        else:
            await _put(box, change, report)
        if report.paused:
            return


async def _unsure(box: Any, change: Change, report: Any, e: BaseException, retry_after: float | None = None) -> None:
    await box.store.call(queue.postpone, change.draft_id, box._backoff(change, retry_after), f"{type(e).__name__}: {e}")
    report.retrying.append(change.draft_id)


async def _put(box: Any, change: Change, report: Any) -> None:
    if change.attempts > 0:  # an earlier PUT may have landed: look before sending it again
        try:
            form = models.answered_form(await box.client.get_one(change.path))
        except le.LeverAuthError as e:
            await box._pause(e, report)
            return
        except (le.LeverError, OSError) as e:
            await _unsure(box, change, report, e)
            return
        if form is None or form.deleted:
            await _gone(box, change, report)
            return
        if not reconcile.differences(form, change.body):
            await _amended(box, change, form, report, reconciled=True)
            return
    await box.store.call(_attempt, change.draft_id, box.clock(), "amend_sending")
    change.attempts += 1
    try:
        answer = await box.client.put(change.path, json=change.put_body, params={"perform_as": change.perform_as})
    except le.LeverValidationError as e:
        await box.store.call(
            _finish,
            change.draft_id,
            DraftState.AMENDING,
            "amend_rejected",
            {
                "message": f"Lever rejected the amendment: {e.message}",
                "lever": {"status": e.status, "code": e.code, "message": e.message},
            },
            AttentionReason.REJECTED_BY_LEVER,
        )
        report.rejected.append(change.draft_id)
    except le.LeverNotFound:
        await _gone(box, change, report)
    except le.LeverAuthError as e:
        await box._pause(e, report)
    except le.LeverRateLimited as e:
        await _unsure(box, change, report, e, getattr(e, "retry_after", None))
    except (le.LeverError, OSError) as e:  # unavailable or unsure: the PUT is idempotent, send it again later
        await _unsure(box, change, report, e)
    else:
        await _amended(box, change, models.answered_form(answer), report, reconciled=False)


async def _amended(box: Any, change: Change, form: Feedback | None, report: Any, *, reconciled: bool) -> None:
    await box.store.call(
        _finish,
        change.draft_id,
        DraftState.SUBMITTED,
        "amended",
        {"leverFeedbackId": change.feedback_id, "reconciled": reconciled, "attempts": change.attempts},
    )
    # Compared only when Lever's answer holds the form's fields (a bare acknowledgement says nothing).
    diffs = reconcile.differences(form, change.body) if form is not None and form.has_fields else None
    await box.store.call(
        queue.record_readback,
        change.draft_id,
        diffs,
        None if diffs is not None else "Lever's answer did not include the form",
    )
    report.amended.append(change.draft_id)
    if diffs:
        report.readback_differences[change.draft_id] = diffs
    await _refresh_cache(box, change)


async def _refresh_cache(box: Any, change: Change) -> None:
    """The cache shows the form as Lever now holds it (candidate profile, own-feedback notices)."""
    if box.engine is None:
        return
    try:
        await box.engine.refresh_opportunity(change.opportunity_id)
    except Exception as e:  # noqa: BLE001 - done in Lever either way; the next sync catches up
        _log.info("refreshing %s after changing its feedback failed: %s", change.opportunity_id, e)


async def _gone(box: Any, change: Change, report: Any) -> None:
    await box.store.call(
        _finish,
        change.draft_id,
        DraftState.NEEDS_ATTENTION,
        "form_gone",
        {
            "message": f"The form {change.feedback_id} was deleted in Lever, so it cannot be amended; approve the "
            "draft again to submit it as a new form, or discard it.",
            "leverFeedbackId": change.feedback_id,
        },
        AttentionReason.FORM_GONE,
    )
    report.rejected.append(change.draft_id)


async def _delete(box: Any, change: Change, report: Any) -> None:
    await box.store.call(_attempt, change.draft_id, box.clock(), "withdraw_sending")
    change.attempts += 1
    try:
        await box.client.delete(change.path, params={"perform_as": change.perform_as})
    except le.LeverNotFound:  # already gone (an earlier unsure attempt, or someone in Lever): done
        await _withdrawn(box, change, report, already_gone=True)
    except le.LeverValidationError as e:
        await box.store.call(
            _finish,
            change.draft_id,
            DraftState.SUBMITTED,
            "withdraw_refused",
            {
                "message": f"Lever refused to delete the form: {e.message}",
                "lever": {"status": e.status, "code": e.code, "message": e.message},
            },
        )
        report.rejected.append(change.draft_id)
    except le.LeverAuthError as e:
        await box._pause(e, report)
    except le.LeverRateLimited as e:
        await _unsure(box, change, report, e, getattr(e, "retry_after", None))
    except (le.LeverError, OSError) as e:  # a DELETE is idempotent: send it again later (404 then = done)
        await _unsure(box, change, report, e)
    else:
        await _withdrawn(box, change, report, already_gone=False)


async def _withdrawn(box: Any, change: Change, report: Any, *, already_gone: bool) -> None:
    await box.store.call(
        _finish,
        change.draft_id,
        DraftState.WITHDRAWN,
        "withdrawn",
        {"leverFeedbackId": change.feedback_id, "alreadyGone": already_gone, "attempts": change.attempts},
    )
    report.withdrawn.append(change.draft_id)
    await _refresh_cache(box, change)
