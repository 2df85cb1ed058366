"""Build a 60-question feedback form offscreen; goal: median <= 50 ms.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench/bench_form_build.py -s
 or: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_form_build.py
Prints the median build time (form model + AI draft + widget, laid out), as wall-clock time and
as CPU time of the GUI thread (steadier on a busy machine), and the ratio to building a plain
QWidget form (a QLabel and a QLineEdit per question) in the same run.
"""

from __future__ import annotations

import json
import os
import statistics
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QLineEdit, QWidget  # noqa: E402

from lever_desktop.forms import FeedbackForm  # noqa: E402
from lever_desktop.ui.forms import FeedbackFormWidget  # noqa: E402

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROUNDS = 25
GOAL_MS = 50.0


def sixty_field_template() -> tuple[dict[str, Any], dict[str, Any]]:
    """Every field type, repeated to 60 questions, with an AI draft answering all of them."""
    base = json.loads((FIXTURES / "templates/every_type.json").read_text())["data"]
    draft = json.loads((FIXTURES / "drafts/every_type_draft.json").read_text())
    answers = {f["id"]: f for f in draft["fields"]}
    fields, entries = [], []
    for i in range(60):
        source = base["fields"][i % len(base["fields"])]
        if source["type"] == "score-system" and i:
            source = base["fields"][1]  # a template has exactly one overall rating
        fid = f"{source['id']}-{i}"
        fields.append({**source, "id": fid})
        entries.append({**answers[source["id"]], "id": fid})
    return {**base, "fields": fields}, {**draft, "fields": entries}


def median_ms(build) -> tuple[float, float]:
    """(wall, GUI-thread CPU) medians in milliseconds."""
    app = QApplication.instance()
    wall, cpu = [], []
    for _ in range(ROUNDS):
        start, start_cpu = time.perf_counter(), time.thread_time()
        widget = build()
        widget.resize(900, 700)
        widget.layout().activate()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        widget.deleteLater()
        app.processEvents()
    return statistics.median(wall), statistics.median(cpu)


def plain_form() -> QWidget:
    widget = QWidget()
    layout = QFormLayout(widget)
    for i in range(60):
        layout.addRow(QLabel(f"Question {i}"), QLineEdit())
    return widget


def run() -> dict[str, float]:
    app = QApplication.instance() or QApplication([])
    template, draft = sixty_field_template()

    def feedback_form() -> QWidget:
        form = FeedbackForm.from_template(template)
        form.apply_draft(draft)
        return FeedbackFormWidget(form, confidence_threshold=0.6)

    median_ms(feedback_form)  # warm-up: imports, fonts, style polish caches
    base_wall, base_cpu = median_ms(plain_form)
    wall, cpu = median_ms(feedback_form)
    print(f"\n60-field feedback form with AI draft, {ROUNDS} builds (goal: median <= {GOAL_MS:.0f} ms)")
    print(f"  ours : median {wall:6.1f} ms wall, {cpu:6.1f} ms GUI-thread CPU")
    print(f"  plain: median {base_wall:6.1f} ms wall, {base_cpu:6.1f} ms GUI-thread CPU "
          "(QFormLayout, 60 QLabel + QLineEdit rows)")
    print(f"  ratio: {wall / base_wall:.1f}x wall, {cpu / base_cpu:.1f}x CPU")
    del app
    return {"median_ms": wall, "median_cpu_ms": cpu, "baseline_ms": base_wall}


def test_bench_form_build(qapp):
    figures = run()
    assert figures["median_ms"] > 0


if __name__ == "__main__":
    run()
