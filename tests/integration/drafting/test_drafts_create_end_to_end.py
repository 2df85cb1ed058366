"""From a transcript file to a feedback form stored in the (Lever) sandbox, headless: `drafts create`
with Claude's API played by the sandbox model, then approve and submit; Lever's stored form holds
exactly the drafted values. And `--dry-run` sends the model nothing."""

from __future__ import annotations

import json

import httpx
import pytest

from lever_desktop import cli, paths

OPPORTUNITY = "312888df-f46c-48b0-8293-ea473bd5a49b"  # resources/samples/draft-every-field-type.json (seed 1)
INTERVIEW = "4bb6a367-9bcb-475a-94b6-2b62f0135640"
TEMPLATE = "27a5c2de-d4ad-463a-9d4e-f67cf74254df"  # "Every field type"


@pytest.fixture
def env(sandbox, sandbox_model, monkeypatch):
    monkeypatch.setenv("LEVER_API_KEY", sandbox.api_key)
    monkeypatch.setenv("LEVER_BASE_URL", sandbox.base_url)
    monkeypatch.setenv("ANTHROPIC_BASE_URL", sandbox_model.anthropic_base_url)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test-key-1234")
    monkeypatch.setenv("LEVER_DRAFTER_MODEL", "claude-sandbox")
    return sandbox


def run(capsys, *argv: str) -> tuple[int, object, str]:
    code = cli.main(["--basedir", str(paths.basedir()), *argv])
    captured = capsys.readouterr()
    out = json.loads(captured.out) if "--json" in argv and captured.out.strip() else captured.out
    return code, out, captured.err


def create(transcript_file, *extra: str) -> list[str]:
    return [
        "drafts",
        "create",
        "--opportunity",
        OPPORTUNITY,
        "--interview",
        INTERVIEW,
        "--template",
        TEMPLATE,
        "--transcript",
        str(transcript_file),
        *extra,
    ]


def test_transcript_to_a_form_stored_in_lever_with_exact_values(env, sandbox_model, transcript_file, capsys):
    assert run(capsys, "sync")[0] == 0
    code, draft_id, err = run(capsys, *create(transcript_file))
    assert code == 0, err
    draft_id = draft_id.strip()
    assert draft_id.startswith("ai-") and "\n" not in draft_id
    assert "Claude (Anthropic API), model claude-sandbox, data goes to 127.0.0.1" in err
    assert "sk-ant-test-key" not in err

    shown = run(capsys, "drafts", "show", draft_id, "--json")[1]
    drafted = shown["aiValues"]
    assert shown["interviewerEmail"] == "ada.lovelace@sandbox.example.com"  # the one who has not written theirs
    assert len(drafted) == 13 and not [f for f in shown["flagsDetail"] if f["code"] != "low_confidence"]
    code, _, err = run(capsys, "drafts", "approve", draft_id)
    assert code == 0, err
    code, report, err = run(capsys, "submit", "--json")
    assert code == 0 and report["submitted"] == [draft_id], err
    feedback_id = run(capsys, "drafts", "show", draft_id, "--json")[1]["leverFeedbackId"]

    with httpx.Client(base_url=env.base_url, auth=(env.api_key, "")) as lever:
        [form] = [
            f for f in lever.get(f"/opportunities/{OPPORTUNITY}/feedback").json()["data"] if f["id"] == feedback_id
        ]
    assert (form["baseTemplateId"], form["interview"]) == (TEMPLATE, INTERVIEW)
    assert {f["id"]: f.get("value") for f in form["fields"]} == drafted  # every value, exactly as drafted
    assert len(sandbox_model.service.requests_json()["recent"]) == 1  # one request to the model


def test_dry_run_prints_the_request_and_sends_the_model_nothing(env, sandbox_model, tmp_path, capsys):
    assert run(capsys, "sync")[0] == 0
    with httpx.Client(base_url=env.base_url, auth=(env.api_key, "")) as lever:
        name = lever.get(f"/opportunities/{OPPORTUNITY}").json()["data"]["name"]
    first, last = name.split()[0], name.split()[-1]
    transcript = tmp_path / "call.srt"
    transcript.write_text(
        f"1\n00:00:04,000 --> 00:00:06,000\nAna: Welcome, {first}! Is it {name}?\n\n"
        f"2\n00:00:07,000 --> 00:00:09,000\n{name}: Yes, {last} is right.\n"
    )
    code, out, err = run(capsys, *create(transcript, "--dry-run", "--json", "--anonymize"))
    assert code == 0, err
    assert out["sendsTo"] == "Claude (Anthropic API), model claude-sandbox, data goes to 127.0.0.1"
    request = out["request"]
    assert request["model"] == "claude-sandbox" and request["tool_choice"]["name"] == "record_feedback_draft"
    assert (
        "<transcript>\n[00:00:04] Ana: Welcome, the candidate! Is it the candidate?\n"
        "[00:00:07] the candidate: Yes, the candidate is right.\n</transcript>"
    ) in request["messages"][0]["content"]
    assert first not in json.dumps(request) and last not in json.dumps(request)
    assert sandbox_model.service.requests_json()["counts"] == {}  # the model was not asked
    assert run(capsys, "drafts", "list", "--json")[1]["drafts"] == []


def test_a_bad_transcript_is_one_line_and_exit_1(env, tmp_path, capsys):
    path = tmp_path / "call.json"
    path.write_text('{"not": "a transcript"}')
    code, _, err = run(capsys, *create(path))
    assert (
        code == 1
        and err == "lever-desktop: call.json is JSON data, not a transcript (a draft file goes to 'drafts import').\n"
    )


def test_a_sample_transcript_with_the_interviews_own_template_every_quote_verified(env, capsys):
    from lever_desktop.sandbox.transcripts import sample_transcripts

    [sample] = [s for s in sample_transcripts() if s.template == "Every field type"]
    assert run(capsys, "sync")[0] == 0
    code, out, err = run(
        capsys,
        "drafts",
        "create",
        "--opportunity",
        sample.opportunity_id,
        "--interview",
        sample.interview_id,
        "--transcript",
        str(sample.path),
        "--json",
    )
    assert code == 0, err
    assert out["draft_id"] and out["evidence_kept"] > 0 and out["evidence_dropped"] == 0 and out["problems"] == []
    shown = run(capsys, "drafts", "show", out["draft_id"], "--json")[1]
    assert shown["templateId"] == TEMPLATE  # no --template: the interview's own form
    assert not [f for f in shown["flagsDetail"] if f["code"] != "low_confidence"]


def test_anonymize_hides_the_name_however_the_transcript_writes_it_in_what_the_model_received(
    env, sandbox_model, tmp_path, capsys
):
    import unicodedata

    name = "Zoë O'Brien-Lévy"  # as Lever has it (NFC, a straight apostrophe, a hyphen)
    with httpx.Client(base_url=env.admin_url) as admin:
        admin.post(f"/opportunities/{OPPORTUNITY}/contact", json={"name": name}).raise_for_status()
    assert run(capsys, "sync")[0] == 0
    said = unicodedata.normalize("NFD", "Welcome, Zoë! Is it O’Brien Lévy, or Lévy?")  # a Mac's .docx, a curly ’
    transcript = tmp_path / "call.srt"
    transcript.write_text(
        f"1\n00:00:04,000 --> 00:00:06,000\nAna: {said}\n\n"
        f"2\n00:00:07,000 --> 00:00:09,000\nZoë O’Brien-Lévy: Yes, O’Brien-Lévy is right.\n"
    )
    code, draft_id, err = run(capsys, *create(transcript, "--anonymize"))
    assert code == 0, err
    with httpx.Client(base_url=sandbox_model.admin_url) as model:
        [body] = [r["body"] for r in model.get("/requests").json()["recent"]]
    sent = unicodedata.normalize("NFC", json.dumps(body, ensure_ascii=False))
    assert not [part for part in ("Zoë", "Brien", "Lévy") if part in sent], sent
    assert (
        "[00:00:04] Ana: Welcome, the candidate! Is it the candidate, or the candidate?\n"
        "[00:00:07] the candidate: Yes, the candidate is right."
    ) in body["messages"][0]["content"]
