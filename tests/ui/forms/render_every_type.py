"""Render the every-field-type form with its AI draft applied, for eyeballing and the docs.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/ui/forms/render_every_type.py OUT.png [dark]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication

from lever_desktop.forms import FeedbackForm
from lever_desktop.ui.forms import FeedbackFormWidget
from lever_desktop.ui.theme import dark_palette

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def main(out: str, dark: bool = False) -> None:
    app = QApplication.instance() or QApplication([])
    app.setStyle("Fusion")
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    form = FeedbackForm.from_template(json.loads((FIXTURES / "templates/every_type.json").read_text()))
    form.apply_draft(json.loads((FIXTURES / "drafts/every_type_draft.json").read_text()))
    widget = FeedbackFormWidget(form, confidence_threshold=0.6)
    widget.row("f-rating").ai_badge.setChecked(True)  # show one evidence list opened
    widget.row("f-summary").editor.text.setFocus()
    widget.resize(900, 400)
    widget.show()
    widget.resize(900, widget.sizeHint().height())
    app.processEvents()
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    widget.grab().save(out)
    print(out, widget.size().width(), "x", widget.size().height())
    print("\n".join(widget.blocking_reasons()))
    widget.close()


if __name__ == "__main__":
    main(sys.argv[1], dark=len(sys.argv) > 2 and sys.argv[2] == "dark")
