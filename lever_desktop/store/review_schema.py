"""Tables of the review layer: drafts, their audit trail, and the submission outbox.

They live on the store's shared ``metadata`` (migration ``0002_review``).
JSON documents are kept as text: SQLite has no JSON column type worth the
portability cost, and the review layer always reads them whole.
Times are epoch milliseconds, like Lever's.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, String, Table, Text

from lever_desktop.store.schema import metadata

Ms = BigInteger  # epoch milliseconds, as in the cache tables

drafts = Table(
    "drafts",
    metadata,
    Column("draft_id", String, primary_key=True),  # the pipeline's idempotency key
    Column("state", String, nullable=False),
    Column("attention_reason", String),
    Column("source", String, nullable=False),  # relay | file | sandbox | ...
    Column("opportunity_id", String, nullable=False),
    Column("template_id", String, nullable=False),
    # The template version the draft was linked (and later approved) against:
    # a fingerprint of its fields plus the whole definition, so review works
    # offline and drift is detectable even after the cache moves on.
    Column("template_version", String),
    Column("template_json", Text),
    Column("panel_id", String),
    Column("interview_id", String),
    Column("interviewer_email", String, nullable=False),
    Column("document", Text, nullable=False),  # the document exactly as received
    Column("values_json", Text),  # the reviewer's current values {field id: value}
    Column("confirmed_json", Text),  # [field id]: unsure AI answers the reviewer confirmed (0003)
    Column("flags_json", Text, nullable=False, server_default="[]"),
    Column("author_json", Text),  # who perform_as resolved to at approval
    Column("readback_json", Text),  # differences Lever's stored form shows vs approved
    Column("lever_feedback_id", String),
    Column("received_at", Ms, nullable=False),
    Column("updated_at", Ms, nullable=False),
)
Index(None, drafts.c.state)
Index(None, drafts.c.opportunity_id)

draft_audit = Table(
    "draft_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("draft_id", String, ForeignKey("drafts.draft_id", ondelete="CASCADE"), nullable=False),
    Column("at", Ms, nullable=False),
    Column("actor", String, nullable=False),  # reviewer email, "outbox", "intake"
    Column("event", String, nullable=False),
    Column("from_state", String),
    Column("to_state", String),
    # AI values vs approved values, the chosen author, Lever's answer, ...
    Column("detail_json", Text, nullable=False, server_default="{}"),
)
Index(None, draft_audit.c.draft_id, draft_audit.c.id)

outbox = Table(
    "outbox",
    metadata,
    Column("draft_id", String, ForeignKey("drafts.draft_id", ondelete="CASCADE"), primary_key=True),
    Column("opportunity_id", String, nullable=False),
    Column("perform_as", String, nullable=False),  # Lever user id
    # The exact POST body; its completedAt is fixed at approval so a
    # reconciliation read can recognise the form after an ambiguous failure.
    Column("payload_json", Text, nullable=False),
    Column("completed_at", Ms, nullable=False),
    Column("template_version", String),
    Column("approved_at", Ms, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("next_attempt_at", Ms, nullable=False, server_default="0"),
    Column("last_error", Text),
    Column("sent_at", Ms),
    Column("lever_feedback_id", String),
    # The approval's Undo grace ends then: never sent before, whatever wakes the outbox (0003).
    Column("send_after", Ms),
)
Index(None, outbox.c.next_attempt_at)

# Outbox-wide state (e.g. paused after 401/403), one JSON value per key.
review_meta = Table(
    "review_meta",
    metadata,
    Column("key", String, primary_key=True),
    Column("value_json", Text, nullable=False),
)
