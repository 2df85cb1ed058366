"""The CLI path with the shipped sample drafts: sync, import, approve, dry-run, submit (sandbox seed 1)."""

from __future__ import annotations

import io
import json

import pytest

from lever_desktop import cli, paths
from lever_desktop.resources import resource_path

EVERY = resource_path("samples/draft-every-field-type.json")
PHONE = resource_path("samples/drafts-phone-screen.json")


@pytest.fixture
def lever_env(sandbox, monkeypatch):
    monkeypatch.setenv("LEVER_API_KEY", sandbox.api_key)
    monkeypatch.setenv("LEVER_BASE_URL", sandbox.base_url)
    return sandbox


def _cli(capsys, *argv: str) -> tuple[int, dict]:
    code = cli.main(["--basedir", str(paths.basedir()), *argv])
    out = capsys.readouterr().out
    return code, (json.loads(out) if "--json" in argv and out.strip() else {})


def test_readme_sample_flow_works_as_written(sandbox_factory, monkeypatch, capsys):
    # The README's commands against `lever-sandbox` as it starts by default (seed 1, 500
    # opportunities), from a fresh basedir: the samples name interviews their interviewers
    # have not filled in yet, so approving needs no --add-second-form.
    server = sandbox_factory(opportunities=500)
    monkeypatch.setenv("LEVER_API_KEY", server.api_key)
    monkeypatch.setenv("LEVER_BASE_URL", server.base_url)
    assert _cli(capsys, "sync")[0] == 0
    assert _cli(capsys, "drafts", "import", str(PHONE))[0] == 0
    assert _cli(capsys, "drafts", "import", str(EVERY))[0] == 0
    for draft_id in ("sample-phone-screen-clean", "sample-every-field-type"):
        shown = _cli(capsys, "drafts", "show", draft_id, "--json")[1]
        assert shown["ownFeedback"] == []
        assert _cli(capsys, "drafts", "approve", draft_id)[0] == 0, capsys.readouterr().err
    code, report = _cli(capsys, "submit", "--json")
    assert code == 0 and sorted(report["submitted"]) == ["sample-every-field-type", "sample-phone-screen-clean"]


def test_samples_from_import_to_lever(lever_env, capsys, tmp_path):
    assert _cli(capsys, "sync", "--json")[0] == 0
    code, imported = _cli(capsys, "drafts", "import", str(EVERY), "--json")
    assert code == 0
    code, imported2 = _cli(capsys, "drafts", "import", str(PHONE), "--json")
    flags = {r["draft_id"]: sorted({f["code"] for f in r["flags"]}) for r in imported["results"] + imported2["results"]}
    assert flags == {
        "sample-every-field-type": [],
        "sample-phone-screen-clean": [],
        "sample-phone-screen-flawed": ["invalid_value", "low_confidence"],
        "sample-phone-screen-unknown-interviewer": ["unknown_interviewer"],
    }
    # Importing again changes nothing.
    assert _cli(capsys, "drafts", "import", str(EVERY), "--json")[1]["results"][0]["status"] == "duplicate"

    code, approved = _cli(capsys, "drafts", "approve", "sample-every-field-type", "--json")
    assert code == 0 and "the interviewer" in approved["authoredAs"]
    [choice] = [
        e
        for e in _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]["audit"]
        if e["event"] == "approved"
    ]
    assert choice["detail"]["addSecondForm"] is False
    assert _cli(capsys, "drafts", "approve", "sample-phone-screen-flawed")[0] == 1  # invalid values block it

    code, dry = _cli(capsys, "submit", "--dry-run", "--json")
    [req] = dry["requests"]
    assert req["method"] == "POST" and req["path"].endswith(f"/feedback?perform_as={approved['author']['user_id']}")
    assert req["body"] == approved["request"]["body"]
    assert _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]["state"] == "approved"

    code, report = _cli(capsys, "submit", "--json")
    assert code == 0 and report["submitted"] == ["sample-every-field-type"]
    shown = _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]
    assert shown["state"] == "submitted" and shown["leverFeedbackId"]
    assert [e["event"] for e in shown["audit"]][-2:] == ["submitted", "read_back"]
    listed = _cli(capsys, "drafts", "list", "--state", "submitted", "--json")[1]["drafts"]
    assert [d["draftId"] for d in listed] == ["sample-every-field-type"]

    # A pipeline delivering the same interview again: Ada Lovelace's form is in Lever now, so
    # never a silent second form.
    again = {**json.loads(EVERY.read_text(encoding="utf-8")), "draftId": "sample-every-field-type-again"}
    (tmp_path / "again.json").write_text(json.dumps(again), encoding="utf-8")
    assert _cli(capsys, "drafts", "import", str(tmp_path / "again.json"))[0] == 0
    # `drafts show` reads only the cache, which no sync refreshed: the form sent from here counts.
    shown = _cli(capsys, "drafts", "show", "sample-every-field-type-again", "--json")[1]
    assert [f["feedbackId"] for f in shown["ownFeedback"]] == [
        _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]["leverFeedbackId"]
    ]
    assert "Ada Lovelace submitted feedback for this interview" in shown["ownFeedback"][0]["notice"]
    assert (
        cli.main(["--basedir", str(paths.basedir()), "drafts", "approve", "sample-every-field-type-again", "--offline"])
        == 1
    )
    err = capsys.readouterr().err
    assert "Ada Lovelace submitted feedback for this interview" in err and "--add-second-form" in err
    code, approved = _cli(capsys, "drafts", "approve", "sample-every-field-type-again", "--add-second-form", "--json")
    assert code == 0
    [choice] = [
        e
        for e in _cli(capsys, "drafts", "show", "sample-every-field-type-again", "--json")[1]["audit"]
        if e["event"] == "approved"
    ]
    assert (
        choice["detail"]["addSecondForm"] is True and choice["detail"]["ownFeedback"][0]["authorName"] == "Ada Lovelace"
    )


def test_amend_and_withdraw_from_the_command_line(lever_env, capsys, monkeypatch):
    assert _cli(capsys, "sync", "--json")[0] == 0
    assert _cli(capsys, "drafts", "import", str(EVERY), "--json")[0] == 0
    assert _cli(capsys, "drafts", "approve", "sample-every-field-type", "--json")[0] == 0
    assert _cli(capsys, "submit", "--json")[1]["submitted"] == ["sample-every-field-type"]
    fid = _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]["leverFeedbackId"]

    assert (
        cli.main(["--basedir", str(paths.basedir()), "drafts", "amend", "sample-every-field-type", "--set", "nope"])
        == 1
    )
    assert "expected FIELD=JSON" in capsys.readouterr().err
    text_field = next(
        k
        for k, v in _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]["values"].items()
        if isinstance(v, str) and len(v) > 20
    )
    # Without --json: sentences, one per line (they were once printed one character per line).
    assert (
        cli.main(
            [
                "--basedir",
                str(paths.basedir()),
                "drafts",
                "amend",
                "sample-every-field-type",
                "--set",
                f'{text_field}="Amended from the terminal."',
            ]
        )
        == 0
    )
    said = capsys.readouterr().out.splitlines()
    assert said[0] == f"Draft sample-every-field-type is reopened for amendment (Lever form {fid})."
    assert said[1].startswith("Edit it in the app or with --set FIELD=JSON") and len(said) == 2
    reopened = _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]
    assert reopened["state"] == "amending"
    code, approved = _cli(capsys, "drafts", "approve", "sample-every-field-type", "--json")
    assert code == 0 and approved["request"]["method"] == "PUT" and approved["request"]["path"].endswith(fid)
    [put] = _cli(capsys, "submit", "--dry-run", "--json")[1]["requests"]
    assert put["method"] == "PUT" and put["body"] == approved["request"]["body"]
    assert {"id": text_field, "value": "Amended from the terminal."} in put["body"]["fieldValues"]
    code, report = _cli(capsys, "submit", "--json")
    assert code == 0 and report["amended"] == ["sample-every-field-type"] and report["submitted"] == []

    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: nothing is deleted without --yes
    assert cli.main(["--basedir", str(paths.basedir()), "drafts", "withdraw", "sample-every-field-type"]) == 1
    err = capsys.readouterr().err
    assert "Delete Ada Lovelace's Every field type feedback, submitted " in err and "--yes" in err
    assert _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]["state"] == "submitted"
    assert cli.main(["--basedir", str(paths.basedir()), "drafts", "withdraw", "sample-every-field-type", "--yes"]) == 0
    assert capsys.readouterr().out.splitlines() == ["Deleted from Lever."]
    withdrawn = _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]
    assert withdrawn["state"] == "withdrawn"
    events = [e["event"] for e in _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]["audit"]]
    assert events[-3:] == ["withdraw_requested", "withdraw_sending", "withdrawn"]


def test_remove_duplicate_asks_then_deletes_only_the_extra_form(lever_env, capsys):
    import httpx

    from lever_desktop.review import queue
    from lever_desktop.store import Store

    assert _cli(capsys, "sync", "--json")[0] == 0
    assert _cli(capsys, "drafts", "import", str(EVERY), "--json")[0] == 0
    code, approved = _cli(capsys, "drafts", "approve", "sample-every-field-type", "--json")
    assert _cli(capsys, "submit", "--json")[0] == 0
    kept = _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]["leverFeedbackId"]
    # A first POST whose answer was lost lands after the settle window, and a read records it.
    req = approved["request"]
    with httpx.Client(base_url=lever_env.base_url, auth=(lever_env.api_key, "")) as lever:
        extra = lever.post(req["path"].split("?")[0], params=req["params"], json=req["body"]).json()["data"]["id"]
        store = Store.open()
        try:
            store.call_sync(queue.record_duplicates, "sample-every-field-type", [extra])
        finally:
            store.close()
        shown = _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]
        assert shown["status"] == "duplicate_in_lever" and shown["readBack"]["duplicates"] == [extra]

        base = ["--basedir", str(paths.basedir()), "drafts", "remove-duplicate", "sample-every-field-type"]
        assert cli.main([*base, "--feedback", kept, "--yes"]) == 1  # never the submitted form
        assert f"Form {kept} is not a duplicate recorded" in capsys.readouterr().err
        assert _cli(capsys, "drafts", "remove-duplicate", "sample-every-field-type", "--feedback", extra)[0] == 1
        form_path = f"{req['path'].split('?')[0]}/{extra}"
        assert lever.get(form_path).status_code == 200  # not confirmed: nothing deleted
        code, out = _cli(
            capsys,
            "drafts",
            "remove-duplicate",
            "sample-every-field-type",
            "--feedback",
            extra,
            "--yes",
            "--reviewer",
            "rita",
            "--json",
        )
        assert code == 0 and out == {"draftId": "sample-every-field-type", "deletedFeedbackId": extra, "kept": kept}
        assert lever.get(form_path).status_code == 404
        assert lever.get(f"{req['path'].split('?')[0]}/{kept}").status_code == 200
    shown = _cli(capsys, "drafts", "show", "sample-every-field-type", "--json")[1]
    assert shown["status"] == "submitted"
    assert (shown["audit"][-1]["event"], shown["audit"][-1]["actor"]) == ("duplicate_removed", "rita")


def test_drafts_approve_queues_at_once_or_after_a_grace(lever_env, capsys):
    import sqlalchemy as sa

    from lever_desktop.store import Store

    assert _cli(capsys, "sync")[0] == 0
    assert _cli(capsys, "drafts", "import", str(PHONE))[0] == 0
    with pytest.raises(SystemExit):  # argparse: a clear one-line refusal, nothing approved
        _cli(capsys, "drafts", "approve", "sample-phone-screen-clean", "--grace", "soon")
    assert "'soon' is not a number of seconds" in capsys.readouterr().err
    assert _cli(capsys, "drafts", "approve", "sample-phone-screen-clean", "--grace", "1.5")[0] == 0
    store = Store.open()
    try:
        held = store.call_sync(
            lambda conn: conn.execute(
                sa.text("SELECT send_after - approved_at FROM outbox WHERE draft_id = 'sample-phone-screen-clean'")
            ).scalar()
        )
    finally:
        store.close()
    assert held == 1_500
    code, report = _cli(capsys, "submit", "--json")  # waits out the grace, then sends once
    assert code == 0 and report["submitted"] == ["sample-phone-screen-clean"]


def test_drafts_show_names_each_answer_by_its_question_not_its_field_id(lever_env, capsys):
    """Issue #14.18: `drafts show` listed field UUIDs instead of question labels."""
    assert _cli(capsys, "sync")[0] == 0
    assert _cli(capsys, "drafts", "import", str(EVERY))[0] == 0
    assert cli.main(["--basedir", str(paths.basedir()), "drafts", "show", "sample-every-field-type"]) == 0
    out = capsys.readouterr().out
    field_ids = [f["id"] for f in json.loads(EVERY.read_text(encoding="utf-8"))["fields"]]
    assert not [fid for fid in field_ids if fid in out]
    assert '  Seniority: "Staff"' in out and "  Code written: " in out, out
