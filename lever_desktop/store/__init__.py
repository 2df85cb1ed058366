"""The local SQLite cache: schema, migrations and repositories returning plain objects.

``Store`` and ``StoreError`` are loaded on first use: the window's first look at the cache
(``store/reader.py``, ``store/candidates.py``) runs before SQLAlchemy is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lever_desktop.store.db import Store
    from lever_desktop.store.migrate import StoreError

__all__ = ["Store", "StoreError"]


def __getattr__(name: str) -> Any:
    if name == "Store":
        from lever_desktop.store.db import Store

        return Store
    if name == "StoreError":
        from lever_desktop.store.migrate import StoreError

        return StoreError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
