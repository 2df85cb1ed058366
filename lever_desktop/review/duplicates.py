"""Removing a second form that Lever stored from one approval ("duplicate in Lever").

The outbox never sends while a first request could still land (see ``outbox``),
but a Lever that stores a request later than the settle window can still end
with two forms. Any read that sees them marks the draft; the reviewer then
removes the extra one here, after confirming (CLI ``drafts remove-duplicate``,
the review pane's button). Only a form the outbox recorded as a duplicate of
this draft can be deleted, never the one recorded as submitted, and the
deletion is written to the draft's audit trail with who asked for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection

from lever_desktop.lever import errors as le
from lever_desktop.lever import paths
from lever_desktop.lever.api import LeverAPI
from lever_desktop.review import cache_view, drafts, queue
from lever_desktop.review.lifecycle import DraftState
from lever_desktop.store import Store


class DuplicateError(Exception):
    """The form cannot be removed as a duplicate of this draft; the message says why."""


@dataclass(frozen=True)
class Duplicate:
    draft_id: str
    feedback_id: str  # the extra form, to delete
    kept_feedback_id: str  # the form recorded as submitted, kept
    opportunity_id: str
    perform_as: str
    candidate: str
    template: str

    @property
    def path(self) -> str:
        return paths.feedback_form(self.opportunity_id, self.feedback_id)

    def question(self, *, ids: bool = True) -> str:
        """The confirmation a person answers before the DELETE; the window's leaves Lever's ids out."""
        if not ids:
            return (
                f"Delete the duplicate {self.template} form for {self.candidate} from Lever? "
                "The form recorded as submitted stays."
            )
        return (
            f"Delete the duplicate {self.template} form {self.feedback_id} for {self.candidate} from Lever? "
            f"Form {self.kept_feedback_id} stays."
        )


def find(conn: Connection, draft_id: str, feedback_id: str) -> Duplicate:
    rec = drafts.get(conn, draft_id)
    if rec is None:
        raise DuplicateError(f"No draft with id {draft_id}.")
    extra = queue.duplicates_of(conn, draft_id)
    if rec.state != DraftState.SUBMITTED or feedback_id not in extra:
        known = ", ".join(extra) or "none"
        raise DuplicateError(
            f"Form {feedback_id} is not a duplicate recorded for draft {draft_id} (recorded duplicates: {known})."
        )
    if feedback_id == rec.lever_feedback_id:  # never the submitted one, whatever the record says
        raise DuplicateError(f"Form {feedback_id} is the one recorded as submitted for draft {draft_id}.")
    [entry] = queue.entries(conn, [DraftState.SUBMITTED], [draft_id])
    opp = cache_view.opportunity(conn, rec.opportunity_id)
    tpl = rec.template_name or rec.template_id
    return Duplicate(
        draft_id,
        feedback_id,
        str(rec.lever_feedback_id),
        rec.opportunity_id,
        entry.perform_as,
        (opp or {}).get("name") or f"candidate {rec.opportunity_id}",
        str(tpl),
    )


async def remove(store: Store, client: LeverAPI, draft_id: str, feedback_id: str, *, actor: str) -> Duplicate:
    """DELETE the extra form in Lever (as its author) and record who removed it."""
    dup = await store.call(find, draft_id, feedback_id)
    detail: dict[str, Any] = {"keptFeedbackId": dup.kept_feedback_id}
    try:
        await client.delete(dup.path, params={"perform_as": dup.perform_as})
    except le.LeverNotFound:
        detail["alreadyGone"] = True  # deleted in Lever meanwhile: nothing left to remove
    await store.call(queue.record_duplicate_removed, draft_id, feedback_id, actor, detail)
    return dup
