"""Template drift: what changed since the draft was written, and does each answer still apply."""

from __future__ import annotations

import copy

from lever_desktop.forms import compare_templates, draft_values


def fields_of(template):
    return template["data"]["fields"]


def test_identical_templates_have_no_drift(every_type_template):
    drift = compare_templates(every_type_template, copy.deepcopy(every_type_template), {"f-rating": "3 - Hire"})
    assert not drift.has_drift
    assert drift.for_field("f-rating").applies is True
    assert drift.for_field("f-code").applies is None  # no draft answer


def test_added_removed_renamed_and_requirement_changes(every_type_template):
    new = copy.deepcopy(every_type_template)
    fs = fields_of(new)
    fs[:] = [f for f in fs if f["id"] != "f-code"]
    fs.append({"id": "f-new-req", "type": "yes-no", "text": "Reference checked?", "required": 1})
    fs.append({"id": "f-new-opt", "type": "text", "text": "Anything else?", "required": 0})
    next(f for f in fs if f["id"] == "f-headline")["text"] = "Headline"
    next(f for f in fs if f["id"] == "f-start")["required"] = True
    drift = compare_templates(every_type_template, new, {"f-code": "print(1)", "f-headline": "Strong"})
    by_id = {f.field_id: f for f in drift.changed}
    assert by_id["f-code"].changes == ("removed",) and by_id["f-code"].applies is False
    assert by_id["f-new-req"].changes == ("added-required",) and by_id["f-new-req"].applies is None
    assert "answer it before approving" in by_id["f-new-req"].notes[0]
    assert by_id["f-new-opt"].changes == ("added-optional",)
    assert by_id["f-headline"].changes == ("renamed",) and by_id["f-headline"].applies is True
    assert "now reads “Headline”" in by_id["f-headline"].notes[0]
    assert by_id["f-start"].changes == ("now-required",)
    assert [f.field_id for f in drift.fields][-1] == "f-code"  # removed fields come last


def test_options_changed_applies_only_if_the_answer_survived(every_type_template):
    new = copy.deepcopy(every_type_template)
    level = next(f for f in fields_of(new) if f["id"] == "f-level")
    level["options"] = [{"text": "Senior"}, {"text": "Staff"}, {"text": "Principal"}]
    kept = compare_templates(every_type_template, new, {"f-level": "Senior"}).for_field("f-level")
    gone = compare_templates(every_type_template, new, {"f-level": "Junior"}).for_field("f-level")
    assert kept.changes == gone.changes == ("options-changed",)
    assert kept.applies is True and gone.applies is False
    assert "Options removed: Junior, Mid-level." in gone.notes[0] and "Options added: Principal." in gone.notes[0]
    assert "no longer fits" in gone.notes[-1]


def test_type_change_invalidates_the_answer(every_type_template):
    new = copy.deepcopy(every_type_template)
    next(f for f in fields_of(new) if f["id"] == "f-culture")["type"] = "yes-no"
    drift = compare_templates(every_type_template, new, {"f-culture": 3}).for_field("f-culture")
    assert drift.changes == ("type-changed",) and drift.applies is False


def test_scorecard_rows_changed(every_type_template):
    answer = {"f-skills": [{"score": 4, "comment": ""}, {"score": 3, "comment": ""}, {"score": 2, "comment": ""}]}
    renamed_row = copy.deepcopy(every_type_template)
    skills = next(f for f in fields_of(renamed_row) if f["id"] == "f-skills")
    skills["scores"][2]["text"] = "Collaboration"
    drift = compare_templates(every_type_template, renamed_row, answer).for_field("f-skills")
    assert drift.changes == ("scorecard-changed",) and drift.applies is False  # same count, other skill
    assert "Skills removed: Communication." in drift.notes[0]

    reordered = copy.deepcopy(every_type_template)
    skills = next(f for f in fields_of(reordered) if f["id"] == "f-skills")
    skills["scores"].reverse()
    assert compare_templates(every_type_template, reordered, answer).for_field("f-skills").notes == (
        "The skills were reordered.",
    )

    described = copy.deepcopy(every_type_template)
    next(f for f in fields_of(described) if f["id"] == "f-skills")["scores"][0]["description"] = "New bar"
    drift = compare_templates(every_type_template, described, answer).for_field("f-skills")
    assert drift.applies is True and drift.notes == ("Skill descriptions changed.",)
    assert drift.as_dict()["changes"] == ["scorecard-changed"]


def test_a_whole_draft_checked_against_a_newer_template(every_type_template, every_type_draft):
    new = copy.deepcopy(every_type_template)
    next(f for f in fields_of(new) if f["id"] == "f-langs")["options"].pop(0)  # "Python" retired
    drift = compare_templates(every_type_template, new, draft_values(every_type_draft))
    assert [(f.field_id, f.applies) for f in drift.changed] == [("f-langs", False)]
    assert drift.for_field("f-rating").applies is False  # "3" was never valid: flagged, not hidden
    assert drift.for_field("f-summary").applies is True
