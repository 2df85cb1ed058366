"""Alembic environment for the local cache.

Migrations run programmatically from ``lever_desktop.store.migrate`` on the
store's own database thread, which hands its open connection in
``config.attributes["connection"]``; there is no alembic.ini and no
command-line use. (This directory has no ``__init__.py`` on purpose: it is
package data, never imported as a module.)
"""

from __future__ import annotations

from alembic import context

from lever_desktop.store.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable by running alembic by hand
    raise RuntimeError("Run migrations through lever_desktop.store.migrate, not the alembic CLI.")

# SQLite cannot ALTER most things in place: batch mode rebuilds tables for later migrations.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
