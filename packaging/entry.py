"""Entry script of the frozen app (both lever-desktop and lever-desktop-console).

Not ``lever_desktop/__main__.py``: PyInstaller puts the entry script's directory
on its search path, and inside the package that would let our ``secrets.py``,
``log.py`` and ``resources.py`` shadow the standard library's modules of the
same name for every third-party import.
"""

import multiprocessing
import sys

from lever_desktop.cli import main

if __name__ == "__main__":
    # A no-op unless something starts a process pool; then it stops the child
    # from re-running the app on Windows and macOS.
    multiprocessing.freeze_support()
    sys.exit(main())
