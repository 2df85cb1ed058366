"""A hostile draft and template render as literal text: no heading, link or image painted
into the review pane (QLabel's AutoText and Qt's tooltips would render HTML)."""

from __future__ import annotations

import copy

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QLabel, QWidget

HOSTILE = (
    "<h1 style='color:red'>APPROVED BY HIRING MANAGER</h1><img src='file:///etc/x.png'>"
    "<a href='https://evil.example/'>open</a>"
)
MARK = "APPROVED BY HIRING MANAGER"


def _hostile(template, draft):
    template, draft = copy.deepcopy(template), copy.deepcopy(draft)
    tpl = template["data"]
    tpl["text"] = f"Onsite {HOSTILE}"
    tpl["instructions"] = f"Be fair. {HOSTILE}"
    for f in tpl["fields"]:
        f["text"] = f"{f['text']} {HOSTILE}"
        f["description"] = HOSTILE
        if f["type"] == "currency":
            f["currency"] = HOSTILE
        if f["type"] == "code":
            f["language"] = HOSTILE
        for score in f.get("scores", []):
            score["description"] = HOSTILE
    for f in draft["fields"]:
        f["evidence"] = [{"quote": HOSTILE, "atMs": 61_000}]
        f["rationale"] = HOSTILE
        if f["id"] == "f-level":
            f["value"] = HOSTILE  # not an option: the validation message quotes it
    draft["fields"].append({"id": "f-gone", "value": HOSTILE})  # a notice quotes it
    return template, draft


def _shown_as_written(rich: str) -> str:
    doc = QTextDocument()
    doc.setHtml(rich)
    return doc.toPlainText()


def test_hostile_text_in_every_review_widget_is_shown_literally(
    qtbot, make_form, every_type_template, every_type_draft
):
    widget = make_form(*_hostile(every_type_template, every_type_draft))
    for row in widget.rows:
        if row.ai_badge is not None and row.ai_badge.isCheckable():
            qtbot.mouseClick(row.ai_badge, Qt.MouseButton.LeftButton)
            assert row.evidence.isVisible()
    labels = widget.findChildren(QLabel)
    showing = [label for label in labels if MARK in label.text()]
    # title, instructions, the notice, each question and description, quotes, rationales,
    # the validation message, currency code and code language
    assert len(showing) >= 4 * len(widget.rows)
    for label in showing:
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in labels if "<" in label.text())
    level = widget.row("f-level")
    assert level.message.isVisible() and level.message.text().startswith("⚠ “<h1 style='color:red'>APPROVED")
    evidence = level.evidence.findChildren(QLabel)
    assert [label.text() for label in evidence][:2] == [f"“{HOSTILE}”  — at 1:01", f"Why: {HOSTILE}"]
    assert evidence[2].text().startswith("The AI's answer could not be used as is: “<h1")
    tips = [w.toolTip() for w in widget.findChildren(QWidget) if MARK in w.toolTip()]
    assert tips, "the scorecard's skill descriptions are tooltips"
    for tip in tips:
        assert _shown_as_written(tip) == HOSTILE  # escaped: Qt shows the markup as text
