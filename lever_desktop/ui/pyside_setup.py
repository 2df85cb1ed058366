"""PySide6 set up for a fast start: done once, before the window's modules are imported.

PySide6 replaces ``import`` with a hook that supports its opt-in ``from __feature__ import snake_case,
true_property``. After every module imported in the process it reads that module's source
(``inspect.getsource``) to see whether the module mentions PySide6, and records it as taking part in
feature switching (0) or not (-1). Started from an installed wheel or a checkout, where sources are
there to read, that was about 300 modules and 85 ms of the window's start: the window's own modules
before its first paint, then SQLAlchemy, pydantic and httpx on a worker thread, holding the GIL from the
candidate list's first reads. (A bundle built by PyInstaller ships no sources: each read fails at once.)

Nothing here, nor any library we use, imports ``__feature__``, so every module's answer is the same: "0,
no feature". ``skip_feature_scan`` gives that answer without reading the source. If a PySide6 release
changes this machinery, nothing is patched and the start is as slow as PySide6 makes it, never wrong.
"""

from __future__ import annotations

import logging
import sys

_log = logging.getLogger(__name__)


def skip_feature_scan() -> bool:
    """Let PySide6 take every module imported from now on as one using no ``__feature__`` (the module's
    docstring), without reading its source. True if done."""
    import PySide6
    import PySide6.QtCore  # loads shiboken's support modules, the hook among them

    feature = sys.modules.get("shibokensupport.feature")
    if feature is None or not callable(getattr(feature, "_mod_uses_pyside", None)):
        _log.debug("PySide6 %s has no feature scan to skip", PySide6.__version__)
        return False
    setattr(feature, "_mod_uses_pyside", _uses_pyside_without_features)  # noqa: B010 - a module of PySide's, not typed
    return True


def _uses_pyside_without_features(_module: object) -> bool:
    return True
