"""0003 review truth: an approval's Undo grace, and the reviewer's confirmations.

- ``outbox.send_after``: the approval's Undo grace ends then; nothing sends the entry before
  it (not a wake-up, not "Lever is back"), and it is written with the approval itself, so a
  crash during the grace neither loses the approval nor sends it early. NULL: no grace.
- ``drafts.confirmed_json``: the fields whose unsure AI answer the reviewer confirmed, kept
  with the values, so the drafts list counts the flags still open and a reopened draft does
  not ask again.

Revision ID: 0003_review_truth
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_review_truth"
down_revision = "0003_activity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as b:
        b.add_column(sa.Column("send_after", sa.BigInteger(), nullable=True))
    with op.batch_alter_table("drafts") as b:
        b.add_column(sa.Column("confirmed_json", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts") as b:
        b.drop_column("confirmed_json")
    with op.batch_alter_table("outbox") as b:
        b.drop_column("send_after")
