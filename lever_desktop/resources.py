"""Find bundled resources (icons, .desktop file, sample drafts, stylesheets).

Resolved through the package, never relative to the executable: a frozen build
(PyInstaller 6 puts data under ``_internal/``) and wheels carry them as
``lever_desktop/_resources``; a source checkout uses the top-level ``resources/``.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def resources_dir() -> Path:
    for candidate in (_PKG / "_resources", _PKG.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Lever Desktop's resources are missing from this installation.")


def resource_path(name: str) -> Path:
    """Path of a resource such as ``icons/lever-desktop.svg``; raises if it is missing."""
    path = resources_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"missing resource {name!r} (looked in {resources_dir()})")
    return path
