"""Build a 60-question feedback form offscreen; goal: median <= 50 ms. Flip Next/Previous
between two drafts of that template in the review pane; goal: median <= 16 ms (issue #16.3).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python -m pytest tests/bench/bench_form_build.py -s
 or: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/bench_form_build.py
     BENCH_BEFORE=/tmp/old  (a `git worktree add /tmp/old <commit>`) adds that commit's figures
     beside this tree's, from fresh processes taking turns, medians of 3 (``before_and_after``)
Prints the median build time (form model + AI draft + widget, laid out: the first screen of
questions, as the reviewer first sees it; the rows below stream in after, a few per turn of the
event loop, and "every row at once" times them all built in one go), as wall-clock time and
as CPU time of the GUI thread (steadier on a busy machine), and the ratio to building a plain
QWidget form (a QLabel and a QLineEdit per question) in the same run.

Then, side by side in the same run, a switch between drafts A and B of the template in a shown
``DraftEditor``, from the form model to the review pane repainted: "before" builds a fresh form
widget each time (the old path, kept here), "after" loads the draft into the form built for
the template (``BuiltForms``); "first build" is the after path for a template not yet built.
"until idle" adds what the event loop still does after that repaint (the rows' own layouts, the
paint it asked for, the old path's deleteLater): what a key press really costs before the next.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication, QFormLayout, QLabel, QLineEdit, QWidget

from lever_desktop.forms import FeedbackForm
from lever_desktop.ui.draft_editor import DraftEditor
from lever_desktop.ui.forms import FeedbackFormWidget
from lever_desktop.ui.forms.built_forms import BuiltForms

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ROUNDS = 25
GOAL_MS = 50.0
FLIP_GOAL_MS = 16.0
THRESHOLD = 0.6


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


def other_draft(template: dict[str, Any], draft: dict[str, Any]) -> dict[str, Any]:
    """Draft B of the same template: other words in every text answer, other confidence (other
    answers to confirm), some without evidence; choices as in A."""
    types = {f["id"]: f["type"] for f in template["fields"]}
    entries = []
    for i, entry in enumerate(draft["fields"]):
        entry = {**entry, "confidence": 0.3 if i % 3 == 0 else 0.97}
        if types[entry["id"]] in ("text", "textarea", "code"):
            entry["value"] = f"Draft B: {entry['value'][::-1]}"
        if i % 4 == 0:
            entry["evidence"], entry["rationale"] = [], ""
        entries.append(entry)
    return {**draft, "draftId": "draft-b", "fields": entries}


def flip_ms(template: dict[str, Any], drafts: list[dict[str, Any]], reuse: bool) -> tuple[float, float, float]:
    """(wall, CPU, wall until the event loop is idle) medians of showing the next draft in a
    shown review pane, repainted."""
    app = QApplication.instance()
    editor = DraftEditor()
    editor.resize(1250, 800)
    editor.show()
    built = BuiltForms(lambda _widget: None)
    if reuse:
        editor.keep_form = built.holds

    def show(draft: dict[str, Any]) -> None:
        form = FeedbackForm.from_template(template)
        form.apply_draft(draft)
        if reuse:
            widget = built.widget_for(template["id"], form, THRESHOLD)
        else:
            widget = FeedbackFormWidget(form, confidence_threshold=THRESHOLD)
        editor.set_form(widget)
        widget.layout().activate()
        editor.form_scroll.viewport().repaint()

    show(drafts[-1])
    app.processEvents()
    wall, cpu, idle = [], [], []
    for i in range(ROUNDS * 2):
        start, start_cpu = time.perf_counter(), time.thread_time()
        show(drafts[i % len(drafts)])
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        app.processEvents()  # the old path's deleteLater, as between two key presses
        idle.append((time.perf_counter() - start) * 1000)
    built.clear()
    editor.close()
    editor.deleteLater()
    app.processEvents()
    return statistics.median(wall), statistics.median(cpu), statistics.median(idle)


def first_build_ms(template: dict[str, Any], draft: dict[str, Any]) -> tuple[float, float]:
    """The after path for a template not built yet: a cache miss, laid out and repainted."""
    app = QApplication.instance()
    editor = DraftEditor()
    editor.resize(1250, 800)
    editor.show()
    app.processEvents()
    wall, cpu = [], []
    for _ in range(ROUNDS):
        built = BuiltForms(lambda _widget: None)
        editor.keep_form = built.holds
        start, start_cpu = time.perf_counter(), time.thread_time()
        form = FeedbackForm.from_template(template)
        form.apply_draft(draft)
        widget = built.widget_for(template["id"], form, THRESHOLD)
        editor.set_form(widget)
        widget.layout().activate()
        editor.form_scroll.viewport().repaint()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.thread_time() - start_cpu) * 1000)
        built.clear()
        app.processEvents()
    editor.close()
    editor.deleteLater()
    app.processEvents()
    return statistics.median(wall), statistics.median(cpu)


def run_flips() -> dict[str, float]:
    template, draft = sixty_field_template()
    drafts = [draft, other_draft(template, draft)]
    flip_ms(template, drafts, reuse=False)  # warm-up
    before = flip_ms(template, drafts, reuse=False)
    after = flip_ms(template, drafts, reuse=True)
    first = first_build_ms(template, draft)
    print(
        f"\nNext/Previous between 2 drafts of the 60-field template, {ROUNDS * 2} switches each, "
        f"review pane repainted (goal: median <= {FLIP_GOAL_MS:.0f} ms; first build <= {GOAL_MS:.0f} ms)"
    )
    print("  path                              median wall   median GUI-thread CPU   wall until idle")
    print(f"  before: fresh form each switch    {before[0]:8.1f} ms   {before[1]:8.1f} ms   {before[2]:8.1f} ms")
    print(f"  after : built form reused         {after[0]:8.1f} ms   {after[1]:8.1f} ms   {after[2]:8.1f} ms")
    print(f"  after : first build of template   {first[0]:8.1f} ms   {first[1]:8.1f} ms")
    print(f"  switch speed-up: {before[0] / after[0]:.1f}x wall, {before[1] / after[1]:.1f}x CPU")
    return {
        "before_ms": before[0],
        "after_ms": after[0],
        "after_idle_ms": after[2],
        "first_build_ms": first[0],
        "before_cpu_ms": before[1],
        "after_cpu_ms": after[1],
        "first_build_cpu_ms": first[1],
    }


def run() -> dict[str, float]:
    app = QApplication.instance() or QApplication([])
    template, draft = sixty_field_template()

    def feedback_form() -> QWidget:
        form = FeedbackForm.from_template(template)
        form.apply_draft(draft)
        return FeedbackFormWidget(form, confidence_threshold=0.6)

    def whole_form() -> QWidget:
        widget = feedback_form()
        widget.rows  # noqa: B018 - the rows below the first screen, which otherwise stream in after
        return widget

    median_ms(feedback_form)  # warm-up: imports, fonts, style polish caches
    base_wall, base_cpu = median_ms(plain_form)
    wall, cpu = median_ms(feedback_form)
    whole_wall, _ = median_ms(whole_form)
    print(f"\n60-field feedback form with AI draft, {ROUNDS} builds (goal: median <= {GOAL_MS:.0f} ms)")
    print(f"  ours : median {wall:6.1f} ms wall, {cpu:6.1f} ms GUI-thread CPU")
    print(
        f"  plain: median {base_wall:6.1f} ms wall, {base_cpu:6.1f} ms GUI-thread CPU "
        "(QFormLayout, 60 QLabel + QLineEdit rows)"
    )
    print(f"  ratio: {wall / base_wall:.1f}x wall, {cpu / base_cpu:.1f}x CPU")
    print(f"  every row built at once (the rest streams in after the first screen): {whole_wall:6.1f} ms wall")
    del app
    return {"median_ms": wall, "median_cpu_ms": cpu, "baseline_ms": base_wall, "whole_ms": whole_wall}


BEFORE_AND_AFTER = (  # (label, figure) in the order of the table
    ("build, 60 fields", "median_ms"),
    ("  same, GUI-thread CPU", "median_cpu_ms"),
    ("  every row at once", "whole_ms"),
    ("  plain QFormLayout, 60 rows", "baseline_ms"),
    ("switch, built form reused", "after_ms"),
    ("  same, until idle", "after_idle_ms"),
    ("first build in the pane", "first_build_ms"),
    ("  same, GUI-thread CPU", "first_build_cpu_ms"),
)


def before_and_after(before: str, runs: int = 3) -> dict[str, dict[str, float]]:
    """This tree and ``before`` (a worktree of an older commit) in fresh processes taking turns,
    so both columns share the machine's load; medians of ``runs``."""
    trees = {"before": before, "after": str(Path(__file__).resolve().parents[2])}
    figures: dict[str, dict[str, list[float]]] = {name: {} for name in trees}
    for _ in range(runs):
        for name, tree in trees.items():
            env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": tree}
            env.pop("BENCH_BEFORE", None)
            out = subprocess.run(
                [sys.executable, __file__, "--json"], capture_output=True, text=True, env=env, timeout=600
            )
            if out.returncode != 0:
                raise RuntimeError(out.stderr[-3000:])
            for key, value in json.loads(out.stdout.strip().splitlines()[-1]).items():
                figures[name].setdefault(key, []).append(value)
    medians = {name: {k: statistics.median(v) for k, v in f.items()} for name, f in figures.items()}
    print(
        f"\nbefore ({before}) and after (this tree), median of {runs} fresh processes each, taking turns "
        f"(wall unless marked CPU; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})"
    )
    print(f"  {'':28}{'before':>10}{'after':>10}  after/before")
    for label, key in BEFORE_AND_AFTER:
        b, a = medians["before"].get(key), medians["after"][key]
        cells = f"{b:7.1f} ms{a:7.1f} ms  {a / b:.2f}x" if b else f"{'-':>10}{a:7.1f} ms"
        print(f"  {label:28}{cells}")
    return medians


def test_bench_form_build(qapp):
    figures = run()
    assert figures["median_ms"] > 0


def test_bench_draft_flip(qapp):
    figures = run_flips()
    assert figures["after_ms"] > 0


def test_bench_before_and_after():
    if not os.environ.get("BENCH_BEFORE"):
        import pytest

        pytest.skip("BENCH_BEFORE=<a worktree of an older commit> compares it with this tree")
    medians = before_and_after(os.environ["BENCH_BEFORE"])
    assert medians["after"]["after_ms"] > 0


if __name__ == "__main__":
    if "--json" in sys.argv:  # a child of before_and_after: the figures on the last line
        figures = {**run(), **run_flips()}
        print(json.dumps(figures))
    elif os.environ.get("BENCH_BEFORE"):
        before_and_after(os.environ["BENCH_BEFORE"])
    else:
        run()
        run_flips()
