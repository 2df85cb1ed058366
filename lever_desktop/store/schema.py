"""Tables of the local cache (migration 0001) and the shared ``metadata``.

Every table added by a later migration (drafts, audit, outbox, relay...) is
declared on this same ``metadata`` so one schema describes the whole file; a
test compares it with what the migrations build.

Times are Lever's epoch milliseconds (integers). References to Lever objects
(stage, owner, posting, template) are plain indexed columns, not foreign keys:
Lever can name a stage or user the cache has not seen yet (or never will, for
confidential postings), and a cache must never refuse what Lever says. Foreign
keys only tie rows that the cache itself owns to their opportunity, so that
deleting an opportunity (a tombstone) removes its postings links, panels,
interviews and feedback in one statement.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

Ms = sa.BigInteger  # epoch milliseconds


# Names and emails compare case-insensitively (their plain indexes then serve
# ``email = ?`` lookups whatever the case the reviewer or Lever used).
NoCase = sa.String(collation="NOCASE")


opportunities = sa.Table(
    "opportunities",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("name", NoCase),
    sa.Column("headline", sa.String),
    sa.Column("email", NoCase),  # emails[0]
    sa.Column("phone", sa.String),  # phones[0].value
    sa.Column("location", sa.String),
    sa.Column("stage_id", sa.String),
    sa.Column("origin", sa.String),
    sa.Column("sources", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("tags", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("owner_id", sa.String),
    sa.Column("contact_id", sa.String),
    sa.Column("archived_reason_id", sa.String),
    sa.Column("archived_at", Ms),
    sa.Column("confidentiality", sa.String),
    sa.Column("created_at", Ms),
    sa.Column("updated_at", Ms),
    sa.Column("last_interaction_at", Ms),
    # Lower-cased name + every email: what the reviewer's search box matches.
    sa.Column("search_text", sa.String, nullable=False, server_default=""),
    sa.Column("raw", sa.JSON, nullable=False),
    sa.Column("synced_at", Ms, nullable=False),
    # Set once panels/interviews/feedback of this opportunity were fetched.
    sa.Column("details_synced_at", Ms),
)
sa.Index(None, opportunities.c.name)
sa.Index(None, opportunities.c.email)
sa.Index(None, opportunities.c.stage_id)
sa.Index(None, opportunities.c.owner_id)
sa.Index(None, opportunities.c.contact_id)
sa.Index(None, opportunities.c.archived_at)
sa.Index(None, opportunities.c.updated_at)

opportunity_postings = sa.Table(
    "opportunity_postings",
    metadata,
    sa.Column(
        "opportunity_id",
        sa.String,
        sa.ForeignKey("opportunities.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("posting_id", sa.String, primary_key=True),
)
sa.Index(None, opportunity_postings.c.posting_id)

postings = sa.Table(
    "postings",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("text", sa.String),
    sa.Column("state", sa.String),
    sa.Column("team", sa.String),
    sa.Column("department", sa.String),
    sa.Column("location", sa.String),
    sa.Column("commitment", sa.String),
    sa.Column("level", sa.String),
    sa.Column("workplace_type", sa.String),
    sa.Column("hiring_manager_id", sa.String),
    sa.Column("owner_id", sa.String),
    sa.Column("distribution_channels", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("confidentiality", sa.String),
    sa.Column("created_at", Ms),
    sa.Column("updated_at", Ms),
    sa.Column("raw", sa.JSON, nullable=False),
    sa.Column("synced_at", Ms, nullable=False),
)
sa.Index(None, postings.c.state)

stages = sa.Table(
    "stages",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("text", sa.String),
    sa.Column("position", sa.Integer, nullable=False, server_default="0"),  # Lever's pipeline order
    sa.Column("raw", sa.JSON, nullable=False),
    sa.Column("synced_at", Ms, nullable=False),
)

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("name", sa.String),
    sa.Column("username", sa.String),
    sa.Column("email", NoCase),
    sa.Column("access_role", sa.String),
    sa.Column("deactivated_at", Ms),
    sa.Column("created_at", Ms),
    sa.Column("raw", sa.JSON, nullable=False),
    sa.Column("synced_at", Ms, nullable=False),
)
sa.Index(None, users.c.email)

archive_reasons = sa.Table(
    "archive_reasons",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("text", sa.String),
    sa.Column("status", sa.String),
    sa.Column("type", sa.String),
    sa.Column("raw", sa.JSON, nullable=False),
    sa.Column("synced_at", Ms, nullable=False),
)

# One row per (template, version): a draft written against version A keeps
# its form definition after the template is edited in Lever (version B).
feedback_templates = sa.Table(
    "feedback_templates",
    metadata,
    sa.Column("template_id", sa.String, primary_key=True),
    sa.Column("version", sa.String, primary_key=True),  # hash of the definition
    sa.Column("current", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("text", sa.String),
    sa.Column("group_id", sa.String),
    sa.Column("group_name", sa.String),
    sa.Column("stage_id", sa.String),
    sa.Column("instructions", sa.Text),
    sa.Column("is_no_feedback", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", Ms),
    sa.Column("updated_at", Ms),
    sa.Column("fields", sa.JSON, nullable=False),
    sa.Column("raw", sa.JSON, nullable=False),
    sa.Column("first_seen_at", Ms, nullable=False),
    sa.Column("fetched_at", Ms, nullable=False),  # last time Lever confirmed it (1 h TTL)
)
sa.Index(None, feedback_templates.c.template_id, feedback_templates.c.current)

panels = sa.Table(
    "panels",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("opportunity_id", sa.String, sa.ForeignKey("opportunities.id", ondelete="CASCADE"), nullable=False),
    sa.Column("start", Ms),
    sa.Column("end", Ms),
    sa.Column("timezone", sa.String),
    sa.Column("stage_id", sa.String),
    sa.Column("canceled_at", Ms),
    sa.Column("externally_managed", sa.Boolean),
    sa.Column("raw", sa.JSON, nullable=False),
)
sa.Index(None, panels.c.opportunity_id)

interviews = sa.Table(
    "interviews",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("opportunity_id", sa.String, sa.ForeignKey("opportunities.id", ondelete="CASCADE"), nullable=False),
    sa.Column("panel_id", sa.String),
    sa.Column("subject", sa.String),
    sa.Column("date", Ms),
    sa.Column("duration", sa.Integer),
    sa.Column("timezone", sa.String),
    sa.Column("feedback_template_id", sa.String),
    sa.Column("stage_id", sa.String),
    sa.Column("canceled_at", Ms),
    sa.Column("raw", sa.JSON, nullable=False),
)
sa.Index(None, interviews.c.opportunity_id)
sa.Index(None, interviews.c.panel_id)

interview_interviewers = sa.Table(
    "interview_interviewers",
    metadata,
    sa.Column("interview_id", sa.String, sa.ForeignKey("interviews.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.String, primary_key=True),
    sa.Column("email", NoCase),
    sa.Column("name", sa.String),
    sa.Column("feedback_template_id", sa.String),
)
sa.Index(None, interview_interviewers.c.email)
sa.Index(None, interview_interviewers.c.user_id)

feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.String, primary_key=True),
    sa.Column("opportunity_id", sa.String, sa.ForeignKey("opportunities.id", ondelete="CASCADE"), nullable=False),
    sa.Column("type", sa.String),
    sa.Column("text", sa.String),
    sa.Column("base_template_id", sa.String),
    sa.Column("user_id", sa.String),
    sa.Column("panel_id", sa.String),
    sa.Column("interview_id", sa.String),
    sa.Column("created_at", Ms),
    sa.Column("updated_at", Ms),
    sa.Column("completed_at", Ms),
    sa.Column("raw", sa.JSON, nullable=False),
)
sa.Index(None, feedback.c.opportunity_id)
sa.Index(None, feedback.c.interview_id)

tombstones = sa.Table(
    "tombstones",
    metadata,
    sa.Column("opportunity_id", sa.String, primary_key=True),
    sa.Column("deleted_at", Ms),
    sa.Column("deleted_by", sa.String),
    sa.Column("recorded_at", Ms, nullable=False),
)

webhook_deliveries = sa.Table(
    "webhook_deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("dedup_key", sa.String, nullable=False, unique=True),  # Lever's token (or id)
    sa.Column("event", sa.String),
    sa.Column("triggered_at", Ms),
    sa.Column("received_at", Ms, nullable=False),
    sa.Column("body", sa.Text, nullable=False),  # verbatim, for debugging
    sa.Column("verdict", sa.String, nullable=False),
    sa.Column("reason", sa.String),
    sa.CheckConstraint("verdict IN ('accepted', 'rejected')", name="verdict"),
)
sa.Index(None, webhook_deliveries.c.received_at)

sync_state = sa.Table(
    "sync_state",
    metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.JSON),
    sa.Column("updated_at", Ms, nullable=False),
)

# The Activity page's log (store/activity.py): what the window said happened, kept across restarts.
activity = sa.Table(
    "activity",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", Ms, nullable=False),
    sa.Column("kind", sa.String, nullable=False),  # sync, outbox, relay, import, app
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("folded", sa.Text, nullable=False),  # "kind text" case-folded: searched in SQL, any script
)
sa.Index(None, activity.c.at)
