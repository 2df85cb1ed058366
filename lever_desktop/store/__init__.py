"""The local SQLite cache: schema, migrations and repositories returning plain objects."""

from lever_desktop.store.db import Store
from lever_desktop.store.migrate import StoreError

__all__ = ["Store", "StoreError"]
