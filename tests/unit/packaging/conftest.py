"""packaging/ holds build scripts, not a package: make its modules importable here."""

import sys
from pathlib import Path

PACKAGING = Path(__file__).resolve().parents[3] / "packaging"
if str(PACKAGING) not in sys.path:
    sys.path.insert(0, str(PACKAGING))
