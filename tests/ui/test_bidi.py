"""Lever's text cannot reorder what a recruiter reads: directional formatting characters (an RLO in a
candidate's name) are shown as a visible mark wherever the window shows outside text, while the cache
and what is sent to Lever keep them."""

from __future__ import annotations

from typing import NamedTuple

import httpx
import test_flows
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QMessageBox
from test_flows import TIMEOUT, run

from lever_desktop.forms import FeedbackForm
from lever_desktop.store import candidates
from lever_desktop.ui.draft_editor import DraftEditor
from lever_desktop.ui.drafts_filter import DraftsFilterBar
from lever_desktop.ui.forms.form_widget import FeedbackFormWidget
from lever_desktop.ui.pages import CandidatesPage, DuePage, make_table, profile_html
from lever_desktop.ui.plain import SHOWN_AT_MOST, at_most, plain_label, plain_message_box, plain_tooltip
from lever_desktop.ui.table_models import Column, RowsModel, format_ms

shell, desktop = test_flows.shell, test_flows.desktop  # fixtures: the window on the sandbox

RLO, LRI, PDI, MARK = "\u202e", "\u2066", "\u2069", "\ufffd"
# "Mallory " then RLO: drawn as "Mallory ecila", a name meant to pass for another.
NAME = f"Mallory {RLO}ecila"
SHOWN_NAME = f"Mallory {MARK}ecila"
HEBREW = "דוד כהן 2024 (Tel Aviv)"  # right to left, with digits and brackets: no control character
FEEDBACK = f"Strong on {RLO}sgnirts{PDI} and {LRI}the rest{PDI}: hire."


def test_a_name_with_an_override_is_shown_marked_in_the_list_profile_and_review_header_and_sent_as_drafted(
    desktop, sandbox, qtbot, tmp_path
):
    doc = test_flows.sandbox_draft(sandbox, None)
    opportunity = doc["opportunityId"]
    with httpx.Client(base_url=sandbox.admin_url) as admin:
        admin.post(f"/opportunities/{opportunity}/contact", json={"name": NAME}).raise_for_status()
    with qtbot.waitSignal(desktop.controller.sync.finished, timeout=TIMEOUT):
        desktop.window.sync_action.trigger()
    cached = run(qtbot, desktop.session.store.call(candidates.candidate_profile, opportunity))
    assert cached["name"] == NAME  # the cache keeps what Lever holds

    # The candidate list: the cell and its tooltip.
    page = desktop.controller.candidates.page
    model = desktop.controller.candidates.model
    page.search.setText("Mallory")

    def name_cell() -> str | None:  # read afresh: a model index does not outlive the list's refill
        row = model.row_of(opportunity)
        return model.index(row, model.column_of("name")).data() if row >= 0 else None

    qtbot.waitUntil(lambda: name_cell() not in (None, "…"), timeout=TIMEOUT)
    assert name_cell() == SHOWN_NAME

    # The profile pane.
    page.table.selectRow(model.row_of(opportunity))
    qtbot.waitUntil(lambda: "Mallory" in page.profile.toPlainText(), timeout=TIMEOUT)
    assert SHOWN_NAME in page.profile.toPlainText() and RLO not in page.profile.toPlainText()

    # The review page's header, for a draft whose answer holds directional characters of its own.
    text_field = next(f for f in doc["fields"] if isinstance(f["value"], str) and f["id"] in _text_fields(sandbox, doc))
    text_field["value"] = FEEDBACK
    test_flows.import_and_open(desktop, qtbot, tmp_path, doc)
    editor = desktop.controller.drafts.editor
    assert editor.title.text().startswith(SHOWN_NAME) and RLO not in editor.title.text()
    drafts_list = desktop.controller.drafts.list.model
    row = drafts_list.row_of(doc["draftId"])
    listed = [drafts_list.index(row, c).data() for c in range(drafts_list.columnCount())]
    assert SHOWN_NAME in listed and NAME not in listed  # the drafts list names the candidate too

    # What the reviewer submits is the draft's text, byte for byte.
    test_flows.fix_flagged_values(desktop, qtbot)
    qtbot.waitUntil(editor.approve.isEnabled, timeout=TIMEOUT)
    qtbot.mouseClick(editor.approve, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Submitted to Lever" in editor.outcome.text(), timeout=TIMEOUT)
    [stored] = [f for f in test_flows.lever_forms(sandbox, opportunity) if f.get("interview") == doc["interviewId"]]
    sent = next(f["value"] for f in stored["fields"] if f["id"] == text_field["id"])
    assert sent.encode() == FEEDBACK.encode()
    assert run(qtbot, desktop.session.store.call(candidates.candidate_profile, opportunity))["name"] == NAME


def _text_fields(sandbox, doc) -> set[str]:
    with httpx.Client(base_url=sandbox.base_url, auth=(sandbox.api_key, "")) as lever:
        template = lever.get(f"/feedback_templates/{doc['templateId']}").raise_for_status().json()["data"]
    return {f["id"] for f in template["fields"] if f["type"] in ("text", "textarea")}


def test_a_right_to_left_name_without_controls_is_shown_exactly_as_it_is(qtbot):
    assert at_most(HEBREW) == HEBREW and plain_tooltip(HEBREW) == HEBREW
    label = plain_label(HEBREW)
    qtbot.addWidget(label)
    assert label.text() == HEBREW
    model = RowsModel([Column("Name", "name")], key="name")
    model.set_rows([_Row(HEBREW)])
    assert model.index(0, 0).data() == HEBREW and model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == HEBREW
    import html

    assert f"<h2 style='margin-bottom:0'>{html.escape(HEBREW)}</h2>" in profile_html(_profile(HEBREW))


def test_labels_filled_later_and_the_review_header_show_the_mark(qtbot):
    editor = DraftEditor()
    qtbot.addWidget(editor)
    editor.set_header(NAME, f"Staff engineer {RLO}OEC", "Onsite", f"{LRI}eve@x.com", None, "today")
    assert editor.title.text() == f"{SHOWN_NAME} — Staff engineer {MARK}OEC"
    assert editor.meta.text() == f"Onsite · interviewer {MARK}eve@x.com · received today"
    editor.set_own_feedback([f"{NAME} submitted feedback for this interview"])
    assert RLO not in editor.own_feedback.text()
    editor.set_outcome(f"Lever: {NAME} is archived")
    assert editor.outcome.text() == f"Lever: {SHOWN_NAME} is archived"


def test_combo_items_show_the_mark_and_keep_the_value_they_pick(qtbot):
    """A posting titled with U+2066 in the candidates' and the due page's filters, a Lever user's name in
    "Authored as", a draft's interviewer in the drafts filter."""
    posting = f"Engineer {LRI}Berlin"
    page = CandidatesPage(RowsModel([Column("Name", "name", sort="name"), Column("Updated", "updated")], key="name"))
    qtbot.addWidget(page)
    page.set_choices("posting", [("p1", posting)])
    assert page.posting.itemText(1) == f"Engineer {MARK}Berlin" and page.posting.itemData(1) == "p1"
    due = DuePage([Column("Date", "date")])
    qtbot.addWidget(due)
    due.set_choices("posting", [("p1", posting)])
    assert due.posting.itemText(1) == f"Engineer {MARK}Berlin"

    editor = DraftEditor()
    qtbot.addWidget(editor)
    editor.set_authors([(f"{NAME} <m@x.com>", "m@x.com")])
    assert editor.author.itemText(0) == f"{SHOWN_NAME} <m@x.com>" and editor.chosen_author() == "m@x.com"

    bar = DraftsFilterBar()
    qtbot.addWidget(bar)
    rows = RowsModel([Column(f.capitalize(), f) for f in ("state", "interviewer", "form")], key="interviewer")
    rows.set_rows([_Draft("review", NAME, "Onsite")])
    bar.set_choices(rows)
    interviewers = _combo(bar, "Interviewer filter")
    assert interviewers.itemText(1) == SHOWN_NAME and interviewers.itemData(1) == NAME  # filters on what is stored


def test_a_message_box_naming_a_candidate_shows_the_mark(qtbot):
    box = plain_message_box(QMessageBox(QMessageBox.Icon.Warning, "Withdraw from Lever?", f"Withdraw {NAME}'s form?"))
    qtbot.addWidget(box)
    assert box.text() == f"Withdraw {SHOWN_NAME}'s form?"


def test_the_options_of_a_template_show_the_mark_and_the_answer_is_still_the_option(qtbot):
    template = {
        "id": "tpl",
        "text": f"Onsite {RLO}",
        "fields": [
            {"id": "f-drop", "type": "dropdown", "text": "Level", "options": [{"text": f"Senior {LRI}II"}]},
            {"id": "f-mc", "type": "multiple-choice", "text": "Team", "options": [{"text": f"Web {RLO}bew"}]},
        ],
    }
    form = FeedbackForm.from_template(template)
    widget = FeedbackFormWidget(form, confidence_threshold=0.6)
    qtbot.addWidget(widget)
    dropdown, radios = (row.editor for row in widget.rows)
    assert dropdown.combo.itemText(1) == f"Senior {MARK}II"
    assert radios.buttons[0].text() == f"Web {MARK}bew"
    dropdown.combo.setCurrentIndex(1)
    assert dropdown.value() == 0  # the option's index: what is sent is Lever's option, untouched
    assert form.fields[0].definition.option_texts[0] == f"Senior {LRI}II"


def test_a_cut_name_never_splits_a_character_nor_leaves_a_directional_one(qtbot):
    # A control as the last character that fits: shown, marked, nothing cut.
    at_end = at_most("a" * (SHOWN_AT_MOST - 1) + RLO)
    assert len(at_end) == SHOWN_AT_MOST and at_end.endswith(MARK)
    # A control just past the limit: cut off, and an isolate opened before it is marked, not left open.
    cut = at_most(LRI + "b" * SHOWN_AT_MOST + PDI)
    assert cut.startswith(MARK) and cut.endswith("…") and len(cut) == SHOWN_AT_MOST
    assert not {LRI, PDI, RLO} & set(cut)
    # A character outside the BMP (two UTF-16 units in Qt) where the cut falls: kept whole or not at all.
    emoji = at_most("a" * (SHOWN_AT_MOST - 2) + "\U0001f600" + "tail")
    assert emoji.endswith("\U0001f600…")
    label = plain_label(emoji)
    qtbot.addWidget(label)
    assert label.text() == emoji  # Qt holds it whole: no lone surrogate came out of the cut
    # A name of controls only is not blank.
    assert at_most(RLO + LRI + PDI) == MARK * 3
    assert profile_html(_profile(RLO + PDI)).startswith(f"<h2 style='margin-bottom:0'>{MARK}{MARK}</h2>")


class _Row:
    def __init__(self, name: str) -> None:
        self.name = name


class _Draft:
    def __init__(self, state: str, interviewer: str, form: str) -> None:
        self.state, self.interviewer, self.form = state, interviewer, form


def _combo(widget, name: str) -> QComboBox:
    return next(c for c in widget.findChildren(QComboBox) if c.accessibleName() == name)


def _profile(name: str) -> dict:
    return {
        "name": name,
        "headline": None,
        "stage": None,
        "owner": None,
        "email": None,
        "location": None,
        "archived_at": None,
        "tags": [],
        "postings": [],
        "interviews": [],
        "details_synced": True,
        "feedback": [],
    }


class _Event(NamedTuple):
    at: int
    text: str


def test_copying_a_cell_copies_the_name_as_lever_holds_it_not_the_mark(qtbot):
    """Ctrl+C in a list (Qt copies what the cell shows): the name pasted into Lever's search must be the
    one Lever holds, not one with U+FFFD that matches nobody; a time is copied as it is shown."""
    columns = [Column("At", "at", time=format_ms), Column("What", "text")]
    model = RowsModel(columns, key="at")
    model.set_rows([_Event(1_700_000_000_000, f"Moved {NAME} to Onsite")])
    table = make_table(model, columns)
    qtbot.addWidget(table)
    clipboard = QGuiApplication.clipboard()
    for column, copied in ((1, f"Moved {NAME} to Onsite"), (0, format_ms(1_700_000_000_000))):
        table.setCurrentIndex(model.index(0, column))
        clipboard.clear()
        qtbot.keyClick(table, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
        assert clipboard.text() == copied
    assert model.index(0, 1).data() == f"Moved {SHOWN_NAME} to Onsite"  # shown marked all the same


def test_settings_name_the_model_drafts_go_to_with_the_mark(runner, qtbot, monkeypatch):
    """Settings → "Draft with AI sends to" quotes the model from the settings or LEVER_DRAFTER_MODEL, as the
    Draft with AI dialog does: shown marked there too, not drawn reordered."""
    from lever_desktop import config
    from lever_desktop.ui.due_settings import DueSettings

    monkeypatch.setenv("LEVER_DRAFTER_MODEL", f"local {RLO}ledom")
    group = DueSettings(config.Settings(), runner)
    qtbot.addWidget(group)
    qtbot.waitUntil(lambda: "ledom" in group.provider.text(), timeout=TIMEOUT)
    assert f"model local {MARK}ledom," in group.provider.text()


def test_a_time_no_calendar_has_is_shown_as_text_in_the_profile_never_as_markup(qtbot):
    """A cache written by hand (times are stored as found when they are not numbers): the interview's and the
    feedback's time went into the profile's HTML unescaped, where every other field is escaped."""
    from PySide6.QtWidgets import QTextBrowser

    odd = "<img src='x'><b>soon</b>"
    profile = {
        **_profile("Ada"),
        "interviews": [("Onsite", odd, False, "Eve")],
        "feedback": [("Form", "Eve", odd, "Hire")],
    }
    view = QTextBrowser()
    qtbot.addWidget(view)
    view.setHtml(profile_html(profile))
    assert f"Onsite — {odd}" in view.toPlainText() and f"by Eve, {odd}" in view.toPlainText()
