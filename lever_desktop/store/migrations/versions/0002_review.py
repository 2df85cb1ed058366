"""0002 review: drafts, their audit trail, the submission outbox and outbox-wide state.

Frozen once released (see 0001 for how to add the next migration). The
tables are declared in lever_desktop/store/review_schema.py.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("draft_id", sa.String(), nullable=False),
        sa.Column("state", sa.String(), nullable=False),
        sa.Column("attention_reason", sa.String(), nullable=True),
        sa.Column("source", sa.String(), nullable=False),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("template_id", sa.String(), nullable=False),
        sa.Column("template_version", sa.String(), nullable=True),
        sa.Column("template_json", sa.Text(), nullable=True),
        sa.Column("panel_id", sa.String(), nullable=True),
        sa.Column("interview_id", sa.String(), nullable=True),
        sa.Column("interviewer_email", sa.String(), nullable=False),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("values_json", sa.Text(), nullable=True),
        sa.Column("flags_json", sa.Text(), server_default="[]", nullable=False),
        sa.Column("author_json", sa.Text(), nullable=True),
        sa.Column("readback_json", sa.Text(), nullable=True),
        sa.Column("lever_feedback_id", sa.String(), nullable=True),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("draft_id", name=op.f("pk_drafts")),
    )
    op.create_index(op.f("ix_drafts_opportunity_id"), "drafts", ["opportunity_id"], unique=False)
    op.create_index(op.f("ix_drafts_state"), "drafts", ["state"], unique=False)
    op.create_table(
        "review_meta",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_review_meta")),
    )
    op.create_table(
        "draft_audit",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("draft_id", sa.String(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("actor", sa.String(), nullable=False),
        sa.Column("event", sa.String(), nullable=False),
        sa.Column("from_state", sa.String(), nullable=True),
        sa.Column("to_state", sa.String(), nullable=True),
        sa.Column("detail_json", sa.Text(), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.draft_id"], name=op.f("fk_draft_audit_draft_id_drafts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_audit")),
    )
    op.create_index(op.f("ix_draft_audit_draft_id_id"), "draft_audit", ["draft_id", "id"], unique=False)
    op.create_table(
        "outbox",
        sa.Column("draft_id", sa.String(), nullable=False),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("perform_as", sa.String(), nullable=False),
        sa.Column("payload_json", sa.Text(), nullable=False),
        sa.Column("completed_at", sa.BigInteger(), nullable=False),
        sa.Column("template_version", sa.String(), nullable=True),
        sa.Column("approved_at", sa.BigInteger(), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_attempt_at", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.BigInteger(), nullable=True),
        sa.Column("lever_feedback_id", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.draft_id"], name=op.f("fk_outbox_draft_id_drafts"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("draft_id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_next_attempt_at"), "outbox", ["next_attempt_at"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_next_attempt_at"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_index(op.f("ix_draft_audit_draft_id_id"), table_name="draft_audit")
    op.drop_table("draft_audit")
    op.drop_table("review_meta")
    op.drop_index(op.f("ix_drafts_state"), table_name="drafts")
    op.drop_index(op.f("ix_drafts_opportunity_id"), table_name="drafts")
    op.drop_table("drafts")
