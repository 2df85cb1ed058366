"""Migration 0002_review builds exactly the tables review_schema declares."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from lever_desktop import paths
from lever_desktop.store import Store, review_schema, schema


def test_migrated_review_tables_match_their_declaration():
    with Store.open():
        pass
    engine = sa.create_engine(f"sqlite:///{paths.database_path()}")
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = compare_metadata(ctx, schema.metadata)
            names = set(sa.inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert diffs == []
    assert {t.name for t in (review_schema.drafts, review_schema.draft_audit, review_schema.outbox)} <= names
