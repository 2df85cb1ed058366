"""The README points only at files in the repository (issue #14.18: it linked to ../shared/...)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
LINK = re.compile(r"\]\(([^)#\s]+)\)")
FILE_IN_CODE = re.compile(r"`((?:[\w.-]+/)+[\w.-]+\.(?:py|md|png|spec|yml|toml|json|sh|ps1))`")


def test_every_link_and_named_file_is_inside_the_repository():
    linked = [t for t in LINK.findall(README) if not re.match(r"[a-z]+://", t)]
    named = FILE_IN_CODE.findall(README)
    assert linked and named
    outside = [t for t in linked + named if ".." in Path(t).parts or not (ROOT / t).resolve().is_relative_to(ROOT)]
    assert outside == []
    missing = [t for t in linked + named if not (ROOT / t).exists()]
    assert missing == []
