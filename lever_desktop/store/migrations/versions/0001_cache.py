"""0001 cache: the first schema of the local cache (Lever objects, webhooks, sync state).

Frozen: this file describes the schema as it was first shipped and must never
change once released. Tests migrate a saved database of it
(tests/fixtures/db/0001_cache.sqlite3) to head.

How to add a migration (e.g. 0002_review for drafts/audit/outbox, 0003_relay):
1. Declare the new tables/columns on the shared ``metadata`` of
   ``lever_desktop/store/schema.py`` (directly, or in your own module built on
   ``from lever_desktop.store.schema import metadata``), so one schema
   describes the file; tests/unit/test_store_migrations.py checks that the
   migrated database matches the declared tables.
2. Add ``versions/NNNN_name.py`` with ``revision = "NNNN"`` and
   ``down_revision`` = the current head ("0001" for the next one); exactly one
   head may exist, so two branches in flight must be chained before landing.
3. Write explicit ``op.*`` calls (never ``metadata.create_all``): a migration is
   history, the schema module is the present. SQLite can't ALTER most
   things: use ``with op.batch_alter_table("t") as b:`` (env.py enables batch
   mode; foreign keys are switched off during migrations so a table rebuild
   never cascades deletes, and checked before commit).
4. Keep ``downgrade()`` honest (drop what upgrade created).
5. Save a fixture of your schema (tests/fixtures/db/NNNN_name.sqlite3, made by
   ``python tests/fixtures/db/make_fixture.py``) once it is stable, so the next
   migration is tested against it.
The store backs the file up (sqlite backup API, ``<db>.pre-<head>-from-<rev>.bak``)
and runs pending migrations at start-up in one transaction.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "archive_reasons",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("status", sa.String(), nullable=True),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("synced_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_archive_reasons")),
    )
    op.create_table(
        "feedback_templates",
        sa.Column("template_id", sa.String(), nullable=False),
        sa.Column("version", sa.String(), nullable=False),
        sa.Column("current", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("group_id", sa.String(), nullable=True),
        sa.Column("group_name", sa.String(), nullable=True),
        sa.Column("stage_id", sa.String(), nullable=True),
        sa.Column("instructions", sa.Text(), nullable=True),
        sa.Column("is_no_feedback", sa.Boolean(), server_default=sa.text("0"), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=True),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("first_seen_at", sa.BigInteger(), nullable=False),
        sa.Column("fetched_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("template_id", "version", name=op.f("pk_feedback_templates")),
    )
    op.create_index(
        op.f("ix_feedback_templates_template_id_current"),
        "feedback_templates",
        ["template_id", "current"],
        unique=False,
    )
    op.create_table(
        "opportunities",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(collation="NOCASE"), nullable=True),
        sa.Column("headline", sa.String(), nullable=True),
        sa.Column("email", sa.String(collation="NOCASE"), nullable=True),
        sa.Column("phone", sa.String(), nullable=True),
        sa.Column("location", sa.String(), nullable=True),
        sa.Column("stage_id", sa.String(), nullable=True),
        sa.Column("origin", sa.String(), nullable=True),
        sa.Column("sources", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("tags", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("owner_id", sa.String(), nullable=True),
        sa.Column("contact_id", sa.String(), nullable=True),
        sa.Column("archived_reason_id", sa.String(), nullable=True),
        sa.Column("archived_at", sa.BigInteger(), nullable=True),
        sa.Column("confidentiality", sa.String(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=True),
        sa.Column("last_interaction_at", sa.BigInteger(), nullable=True),
        sa.Column("search_text", sa.String(), server_default="", nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("synced_at", sa.BigInteger(), nullable=False),
        sa.Column("details_synced_at", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_opportunities")),
    )
    op.create_index(op.f("ix_opportunities_archived_at"), "opportunities", ["archived_at"], unique=False)
    op.create_index(op.f("ix_opportunities_contact_id"), "opportunities", ["contact_id"], unique=False)
    op.create_index(op.f("ix_opportunities_email"), "opportunities", ["email"], unique=False)
    op.create_index(op.f("ix_opportunities_name"), "opportunities", ["name"], unique=False)
    op.create_index(op.f("ix_opportunities_owner_id"), "opportunities", ["owner_id"], unique=False)
    op.create_index(op.f("ix_opportunities_stage_id"), "opportunities", ["stage_id"], unique=False)
    op.create_index(op.f("ix_opportunities_updated_at"), "opportunities", ["updated_at"], unique=False)
    op.create_table(
        "postings",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("state", sa.String(), nullable=True),
        sa.Column("team", sa.String(), nullable=True),
        sa.Column("department", sa.String(), nullable=True),
        sa.Column("location", sa.String(), nullable=True),
        sa.Column("commitment", sa.String(), nullable=True),
        sa.Column("level", sa.String(), nullable=True),
        sa.Column("workplace_type", sa.String(), nullable=True),
        sa.Column("hiring_manager_id", sa.String(), nullable=True),
        sa.Column("owner_id", sa.String(), nullable=True),
        sa.Column("distribution_channels", sa.JSON(), server_default="[]", nullable=False),
        sa.Column("confidentiality", sa.String(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("synced_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_postings")),
    )
    op.create_index(op.f("ix_postings_state"), "postings", ["state"], unique=False)
    op.create_table(
        "stages",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("position", sa.Integer(), server_default="0", nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("synced_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stages")),
    )
    op.create_table(
        "sync_state",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sync_state")),
    )
    op.create_table(
        "tombstones",
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("deleted_at", sa.BigInteger(), nullable=True),
        sa.Column("deleted_by", sa.String(), nullable=True),
        sa.Column("recorded_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("opportunity_id", name=op.f("pk_tombstones")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("username", sa.String(), nullable=True),
        sa.Column("email", sa.String(collation="NOCASE"), nullable=True),
        sa.Column("access_role", sa.String(), nullable=True),
        sa.Column("deactivated_at", sa.BigInteger(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.Column("synced_at", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_email"), "users", ["email"], unique=False)
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("dedup_key", sa.String(), nullable=False),
        sa.Column("event", sa.String(), nullable=True),
        sa.Column("triggered_at", sa.BigInteger(), nullable=True),
        sa.Column("received_at", sa.BigInteger(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("verdict", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=True),
        sa.CheckConstraint("verdict IN ('accepted', 'rejected')", name=op.f("ck_webhook_deliveries_verdict")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint("dedup_key", name=op.f("uq_webhook_deliveries_dedup_key")),
    )
    op.create_index(op.f("ix_webhook_deliveries_received_at"), "webhook_deliveries", ["received_at"], unique=False)
    op.create_table(
        "feedback",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("type", sa.String(), nullable=True),
        sa.Column("text", sa.String(), nullable=True),
        sa.Column("base_template_id", sa.String(), nullable=True),
        sa.Column("user_id", sa.String(), nullable=True),
        sa.Column("panel_id", sa.String(), nullable=True),
        sa.Column("interview_id", sa.String(), nullable=True),
        sa.Column("created_at", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.BigInteger(), nullable=True),
        sa.Column("completed_at", sa.BigInteger(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_feedback_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
    )
    op.create_index(op.f("ix_feedback_interview_id"), "feedback", ["interview_id"], unique=False)
    op.create_index(op.f("ix_feedback_opportunity_id"), "feedback", ["opportunity_id"], unique=False)
    op.create_table(
        "interviews",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("panel_id", sa.String(), nullable=True),
        sa.Column("subject", sa.String(), nullable=True),
        sa.Column("date", sa.BigInteger(), nullable=True),
        sa.Column("duration", sa.Integer(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=True),
        sa.Column("feedback_template_id", sa.String(), nullable=True),
        sa.Column("stage_id", sa.String(), nullable=True),
        sa.Column("canceled_at", sa.BigInteger(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_interviews_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interviews")),
    )
    op.create_index(op.f("ix_interviews_opportunity_id"), "interviews", ["opportunity_id"], unique=False)
    op.create_index(op.f("ix_interviews_panel_id"), "interviews", ["panel_id"], unique=False)
    op.create_table(
        "opportunity_postings",
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("posting_id", sa.String(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_opportunity_postings_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("opportunity_id", "posting_id", name=op.f("pk_opportunity_postings")),
    )
    op.create_index(op.f("ix_opportunity_postings_posting_id"), "opportunity_postings", ["posting_id"], unique=False)
    op.create_table(
        "panels",
        sa.Column("id", sa.String(), nullable=False),
        sa.Column("opportunity_id", sa.String(), nullable=False),
        sa.Column("start", sa.BigInteger(), nullable=True),
        sa.Column("end", sa.BigInteger(), nullable=True),
        sa.Column("timezone", sa.String(), nullable=True),
        sa.Column("stage_id", sa.String(), nullable=True),
        sa.Column("canceled_at", sa.BigInteger(), nullable=True),
        sa.Column("externally_managed", sa.Boolean(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["opportunity_id"],
            ["opportunities.id"],
            name=op.f("fk_panels_opportunity_id_opportunities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panels")),
    )
    op.create_index(op.f("ix_panels_opportunity_id"), "panels", ["opportunity_id"], unique=False)
    op.create_table(
        "interview_interviewers",
        sa.Column("interview_id", sa.String(), nullable=False),
        sa.Column("user_id", sa.String(), nullable=False),
        sa.Column("email", sa.String(collation="NOCASE"), nullable=True),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("feedback_template_id", sa.String(), nullable=True),
        sa.ForeignKeyConstraint(
            ["interview_id"],
            ["interviews.id"],
            name=op.f("fk_interview_interviewers_interview_id_interviews"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interview_id", "user_id", name=op.f("pk_interview_interviewers")),
    )
    op.create_index(op.f("ix_interview_interviewers_email"), "interview_interviewers", ["email"], unique=False)
    op.create_index(op.f("ix_interview_interviewers_user_id"), "interview_interviewers", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_interview_interviewers_user_id"), table_name="interview_interviewers")
    op.drop_index(op.f("ix_interview_interviewers_email"), table_name="interview_interviewers")
    op.drop_table("interview_interviewers")
    op.drop_index(op.f("ix_panels_opportunity_id"), table_name="panels")
    op.drop_table("panels")
    op.drop_index(op.f("ix_opportunity_postings_posting_id"), table_name="opportunity_postings")
    op.drop_table("opportunity_postings")
    op.drop_index(op.f("ix_interviews_panel_id"), table_name="interviews")
    op.drop_index(op.f("ix_interviews_opportunity_id"), table_name="interviews")
    op.drop_table("interviews")
    op.drop_index(op.f("ix_feedback_opportunity_id"), table_name="feedback")
    op.drop_index(op.f("ix_feedback_interview_id"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index(op.f("ix_webhook_deliveries_received_at"), table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index(op.f("ix_users_email"), table_name="users")
    op.drop_table("users")
    op.drop_table("tombstones")
    op.drop_table("sync_state")
    op.drop_table("stages")
    op.drop_index(op.f("ix_postings_state"), table_name="postings")
    op.drop_table("postings")
    op.drop_index(op.f("ix_opportunities_updated_at"), table_name="opportunities")
    op.drop_index(op.f("ix_opportunities_stage_id"), table_name="opportunities")
    op.drop_index(op.f("ix_opportunities_owner_id"), table_name="opportunities")
    op.drop_index(op.f("ix_opportunities_name"), table_name="opportunities")
    op.drop_index(op.f("ix_opportunities_email"), table_name="opportunities")
    op.drop_index(op.f("ix_opportunities_contact_id"), table_name="opportunities")
    op.drop_index(op.f("ix_opportunities_archived_at"), table_name="opportunities")
    op.drop_table("opportunities")
    op.drop_index(op.f("ix_feedback_templates_template_id_current"), table_name="feedback_templates")
    op.drop_table("feedback_templates")
    op.drop_table("archive_reasons")
