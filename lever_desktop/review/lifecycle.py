"""The life of a draft, from the AI pipeline to one feedback form in Lever.

    received -> in_review -> approved -> submitting -> submitted
                     \\            \\           \\-> needs_attention (rejected by Lever,
                      \\            \\               template changed, author unresolved)
                       \\-> discarded \\-> back to review / needs_attention before sending

``submitting`` means "a POST may be in flight": a draft only leaves it once
Lever's answer is known or reads of the opportunity's feedback, across a
settle window, proved the form is not there. While those reads run the reviewer
sees the sub-status *checking* ("Checking whether Lever stored it…"); a
submitted draft whose approval Lever holds twice shows *duplicate in Lever*. Every transition is written to the audit trail in the same
transaction as the state change (see ``drafts.transition``).
"""

from __future__ import annotations

from enum import StrEnum


class DraftState(StrEnum):
    RECEIVED = "received"
    IN_REVIEW = "in_review"
    APPROVED = "approved"
    SUBMITTING = "submitting"
    SUBMITTED = "submitted"
    NEEDS_ATTENTION = "needs_attention"
    DISCARDED = "discarded"
    # After submission (review/amend.py): the form is edited (PUT) or withdrawn (DELETE).
    AMENDING = "amending"
    AMEND_QUEUED = "amend_queued"
    WITHDRAWING = "withdrawing"
    WITHDRAWN = "withdrawn"


class AttentionReason(StrEnum):
    REJECTED_BY_LEVER = "rejected_by_lever"
    TEMPLATE_CHANGED = "template_changed"
    AUTHOR_UNRESOLVED = "author_unresolved"
    # Lever anonymised the candidate: the draft's text is gone from this computer, nothing is sent.
    OPPORTUNITY_ANONYMISED = "opportunity_anonymised"
    UNSENDABLE_TEXT = "unsendable_text"  # stored before intake refused such text; never sent
    # The author's own form for this interview appeared in Lever after approval (review/own_feedback.py).
    OWN_FEEDBACK_EXISTS = "own_feedback_exists"
    # An amendment found the submitted form deleted in Lever (review/amend.py).
    FORM_GONE = "form_gone"
    OPPORTUNITY_GONE = "opportunity_gone"  # Lever answers 404: deleted or merged after approval


# What a reviewer reads for each reason (CLI, drafts list, outbox page, review pane).
ATTENTION_WORDS = {
    AttentionReason.REJECTED_BY_LEVER: "Lever rejected the form",
    AttentionReason.TEMPLATE_CHANGED: "The feedback template changed in Lever; review again",
    AttentionReason.AUTHOR_UNRESOLVED: "No Lever user to author it as",
    AttentionReason.OPPORTUNITY_GONE: "This candidate no longer exists in Lever",
    AttentionReason.OPPORTUNITY_ANONYMISED: "Lever anonymised this candidate; nothing is sent",
    AttentionReason.UNSENDABLE_TEXT: "The form holds text Lever cannot take (control characters)",
    AttentionReason.OWN_FEEDBACK_EXISTS: "The interviewer has their own feedback in Lever for this interview",
    AttentionReason.FORM_GONE: "The submitted form was deleted in Lever",
}

# Sub-statuses shown in place of the state (see ``queue.STATUS_SQL``).
CHECKING = "checking"  # submitting, and an answer was lost: re-reading Lever before any re-send
DUPLICATE = "duplicate_in_lever"  # submitted, and Lever holds a second form from this approval
EDITED = "edited"  # in review, and the reviewer changed or confirmed an AI answer (the drafts list)
UNDO_GRACE = "undo_grace"  # approved, and still inside its Undo grace: nothing sent yet
STATUS_WORDS = {
    "received": "To review",
    "in_review": "To review",
    "needs_attention": "Needs attention",
    EDITED: "Edited",
    UNDO_GRACE: "Approved (Undo)",
    "approved": "Queued",
    "submitting": "Sending…",
    "submitted": "Submitted",
    "discarded": "Discarded",
    CHECKING: "Checking whether Lever stored it…",
    DUPLICATE: "Duplicate in Lever",
    "amending": "Amending",
    "amend_queued": "Amendment queued",
    "withdrawing": "Withdrawing…",
    "withdrawn": "Withdrawn",
}


def attention_words(reason: str | None) -> str:
    try:
        return ATTENTION_WORDS[AttentionReason(reason)]
    except ValueError:
        return str(reason or "").replace("_", " ")


S = DraftState
ALLOWED: dict[DraftState, frozenset[DraftState]] = {
    S.RECEIVED: frozenset({S.IN_REVIEW, S.APPROVED, S.NEEDS_ATTENTION, S.DISCARDED}),
    S.IN_REVIEW: frozenset({S.APPROVED, S.NEEDS_ATTENTION, S.DISCARDED}),
    # Approved but not yet sent: the reviewer may take it back, and the
    # pre-send template check may send it back.
    S.APPROVED: frozenset({S.SUBMITTING, S.IN_REVIEW, S.NEEDS_ATTENTION, S.DISCARDED}),
    # In flight: only Lever's answer (or a reconciliation read) moves it on.
    # Back to approved means "proved not stored, send again".
    S.SUBMITTING: frozenset({S.SUBMITTED, S.APPROVED, S.NEEDS_ATTENTION}),
    S.NEEDS_ATTENTION: frozenset({S.IN_REVIEW, S.APPROVED, S.DISCARDED}),
    S.SUBMITTED: frozenset(),
    S.DISCARDED: frozenset(),
}

# -- after submission: amend (PUT) and withdraw (DELETE), see review/amend.py -------------------
#
#   submitted -> amending -> amend_queued -> submitted (Lever holds the edit)
#        \          \             \-> amending (Lever refused the edit) / needs_attention (form gone)
#         \-> withdrawing <-/ -> withdrawn (DELETE answered 204, or 404: already gone)
#                     \-> submitted (Lever refused to delete it)
#
# ``amend_queued`` and ``withdrawing`` are durable intents committed before the request leaves;
# PUT and DELETE are idempotent, so an unsure attempt is re-read and simply sent again.
ALLOWED[S.SUBMITTED] = frozenset({S.AMENDING, S.WITHDRAWING})
ALLOWED[S.AMENDING] = frozenset({S.AMEND_QUEUED, S.SUBMITTED, S.WITHDRAWING})
ALLOWED[S.AMEND_QUEUED] = frozenset({S.SUBMITTED, S.AMENDING, S.NEEDS_ATTENTION})
ALLOWED[S.WITHDRAWING] = frozenset({S.WITHDRAWN, S.SUBMITTED})
ALLOWED[S.WITHDRAWN] = frozenset()

# States in which the reviewer may still edit values and approve.
REVIEWABLE = frozenset({S.RECEIVED, S.IN_REVIEW, S.NEEDS_ATTENTION})
# States whose outbox row is live.
QUEUED = frozenset({S.APPROVED, S.SUBMITTING})
# States whose outbox row carries a change to a submitted form (a PUT or a DELETE).
CHANGES = frozenset({S.AMEND_QUEUED, S.WITHDRAWING})


class TransitionError(Exception):
    """A transition the lifecycle does not allow; the message says what state the draft is in."""

    def __init__(self, draft_id: str, current: DraftState, target: DraftState) -> None:
        self.draft_id, self.current, self.target = draft_id, current, target
        allowed = ", ".join(sorted(ALLOWED[current])) or "nothing (final)"
        super().__init__(
            f"Draft {draft_id} is {current.value.replace('_', ' ')}; it cannot become "
            f"{target.value.replace('_', ' ')} (allowed next: {allowed})."
        )


def check_transition(draft_id: str, current: str, target: str) -> DraftState:
    cur, tgt = DraftState(current), DraftState(target)
    if tgt not in ALLOWED[cur]:
        raise TransitionError(draft_id, cur, tgt)
    return tgt
