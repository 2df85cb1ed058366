"""Transcript readers: every export we meet, read into (start ms, speaker, text); bad files refused
with one clear sentence."""

from __future__ import annotations

import os
import zipfile

import docx
import pytest

from lever_desktop.drafting.readers import read_transcript
from lever_desktop.drafting.transcript import Line, TranscriptError

ZOOM = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
Jane Recruiter: Thanks for joining, tell me about yourself.

2
00:00:05.500 --> 00:00:09.000
Alex Candidate: I have built distributed systems
for eight years.

3
00:01:10.250 --> 00:01:12.000
Jane Recruiter: Great.
"""

TEAMS = """WEBVTT

3f2a9c1e-1/10-0
00:00:01.000 --> 00:00:04.000
<v Jane Recruiter>Thanks for joining.</v>

3f2a9c1e-1/11-0
01:01:05.120 --> 01:01:09.000
<v Alex Candidate>I led the migration to Kafka.</v>
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
Jane: Hello there.

2
00:00:05,000 --> 00:00:07,000
Alex: Hi! Glad to be here.
"""


def write(tmp_path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return str(path)


def test_zoom_webvtt_speakers_from_the_text_and_cue_lines_joined(tmp_path):
    t = read_transcript(write(tmp_path, "zoom.vtt", ZOOM))
    assert t.lines == (
        Line(1000, "Jane Recruiter", "Thanks for joining, tell me about yourself."),
        Line(5500, "Alex Candidate", "I have built distributed systems for eight years."),
        Line(70250, "Jane Recruiter", "Great."),
    )
    assert t.source == "zoom.vtt"
    assert t.text.splitlines()[1] == "[00:00:05] Alex Candidate: I have built distributed systems for eight years."


def test_teams_webvtt_speakers_from_voice_tags(tmp_path):
    t = read_transcript(write(tmp_path, "teams.vtt", TEAMS))
    assert t.lines == (
        Line(1000, "Jane Recruiter", "Thanks for joining."),
        Line(3665120, "Alex Candidate", "I led the migration to Kafka."),
    )


def test_the_format_is_told_by_the_content_not_the_name(tmp_path):
    assert read_transcript(write(tmp_path, "export.txt", ZOOM)).lines[0].start_ms == 1000
    assert read_transcript(write(tmp_path, "subs.txt", SRT)).lines[1] == Line(5000, "Alex", "Hi! Glad to be here.")


def test_srt(tmp_path):
    t = read_transcript(write(tmp_path, "a.srt", SRT))
    assert t.lines == (Line(1000, "Jane", "Hello there."), Line(5000, "Alex", "Hi! Glad to be here."))


def test_plain_text_with_timestamps_in_every_common_shape(tmp_path):
    text = "[00:00:01] Jane: Hello\n[1:02] Alex: I like Python.\nJane: Why?\n00:02:00 Alex: It reads well.\n(1:02:03) Jane: Thanks\n"
    t = read_transcript(write(tmp_path, "notes.txt", text))
    assert t.lines == (
        Line(1000, "Jane", "Hello"),
        Line(62000, "Alex", "I like Python."),
        Line(62000, "Jane", "Why?"),  # no time of its own: it started no earlier than the last one
        Line(120000, "Alex", "It reads well."),
        Line(3723000, "Jane", "Thanks"),
    )


def test_plain_text_without_speakers_or_times(tmp_path):
    t = read_transcript(write(tmp_path, "notes.txt", "We talked about Kafka.\n\nThe answer is: yes, twice.\n"))
    assert t.lines == (Line(None, None, "We talked about Kafka."), Line(None, None, "The answer is: yes, twice."))


def test_a_sentence_with_a_colon_is_not_a_speaker(tmp_path):
    text = "Jane: Hi\nAlex: Hello\nJane: So\nAlex: So the answer is: queues.\nNote: one-off remark\nJane: Bye\n"
    t = read_transcript(write(tmp_path, "t.txt", text))
    assert t.lines[3] == Line(None, "Alex", "So the answer is: queues.")
    assert t.lines[4] == Line(None, None, "Note: one-off remark")  # said once in a long transcript: not a name


def test_speaker_headers_with_times_as_otter_and_teams_docx_write_them(tmp_path):
    text = "Jane Recruiter  0:03\nThanks for joining.\nHow are you?\n\nAlex Candidate  1:02:05\nFine, thanks.\n"
    t = read_transcript(write(tmp_path, "otter.txt", text))
    assert t.lines == (
        Line(3000, "Jane Recruiter", "Thanks for joining."),
        Line(3000, "Jane Recruiter", "How are you?"),
        Line(3725000, "Alex Candidate", "Fine, thanks."),
    )


def test_docx_meet_style(tmp_path):
    d = docx.Document()
    for p in (
        "Interview transcript",
        "00:00:01",
        "Jane Recruiter: Hello Alex.",
        "00:00:07",
        "Alex Candidate: Hi, I write Go.",
        "Jane Recruiter: Nice.",
        "Alex Candidate: Thanks.",
    ):
        d.add_paragraph(p)
    path = tmp_path / "meet.docx"
    d.save(path)
    t = read_transcript(path)
    assert t.lines == (
        Line(None, None, "Interview transcript"),
        Line(1000, "Jane Recruiter", "Hello Alex."),
        Line(7000, "Alex Candidate", "Hi, I write Go."),
        Line(7000, "Jane Recruiter", "Nice."),
        Line(7000, "Alex Candidate", "Thanks."),
    )


def test_utf8_bom_and_utf16_with_bom(tmp_path):
    assert read_transcript(write(tmp_path, "a.vtt", "\ufeff" + ZOOM)).lines[0].speaker == "Jane Recruiter"
    t = read_transcript(write(tmp_path, "b.txt", "Jane: Grüße\nAlex: Ça va\n".encode("utf-16")))
    assert t.lines == (Line(None, "Jane", "Grüße"), Line(None, "Alex", "Ça va"))


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
@pytest.mark.parametrize(("name", "content"), [("a.srt", SRT), ("a.vtt", ZOOM), ("a.txt", "Jane: Hello.\nAlex: Hi!\n")])
def test_windows_and_old_mac_line_endings_read_the_same(tmp_path, name, content, newline):
    expected = read_transcript(write(tmp_path, "lf-" + name, content)).lines
    assert read_transcript(write(tmp_path, name, content.replace("\n", newline))).lines == expected


def test_utf32_and_a_second_bom_read_as_text(tmp_path):
    t = read_transcript(write(tmp_path, "a.txt", "Jane: Grüße\nAlex: Ça va\n".encode("utf-32")))
    assert t.lines == (Line(None, "Jane", "Grüße"), Line(None, "Alex", "Ça va"))
    twice = read_transcript(write(tmp_path, "b.vtt", ("\ufeff" + ZOOM).encode("utf-8-sig")))
    assert twice.lines == read_transcript(write(tmp_path, "c.vtt", ZOOM)).lines


def test_a_docx_that_unpacks_to_gigabytes_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.docx"
    document = docx.Document()
    document.add_paragraph("Jane: Hello.")
    document.save(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as z, z.open("word/media/padding.bin", "w") as member:
        for _ in range(300):  # 300 MB of zeros, ~300 KB on disk; python-docx would read it whole
            member.write(bytes(2**20))
    assert path.stat().st_size < 2**20
    with pytest.raises(TranscriptError, match=r"bomb.docx unpacks to 30\d MB, far more than a transcript"):
        read_transcript(path)


def test_control_characters_become_spaces(tmp_path):
    t = read_transcript(write(tmp_path, "a.txt", "Jane: Hello\x1b[31m there\x07\nAlex: Hi\n"))
    assert t.lines[0].text == "Hello [31m there"
    voices = read_transcript(
        write(
            tmp_path,
            "b.vtt",
            "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n"
            "<v Ana\x07\x1b[2J   Lee>Hello\n\n00:00:03.000 --> 00:00:04.000\n"
            "<v \x1b>Bye\n",
        )
    )
    assert [line.speaker for line in voices.lines] == ["Ana [2J Lee", None]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty.txt is empty."),
        (b"  \n\n\t \n", "empty.txt is empty."),
        ("Jane: h\xe9llo".encode("latin-1"), "is not UTF-8 or UTF-16 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "holds binary data, not text"),
        (b'{"schema": "lever-desktop/draft@1"}', "is JSON data, not a transcript"),
        (b"%PDF-1.7\n...", "is a PDF"),
        (b"WEBVTT\n\n00:00:0x.000 --> 00:00:02.000\nhello\n", "has no spoken lines"),  # no cue could be read
        (b"WEBVTT\n\nNOTE only a note\n", "has no spoken lines"),
        (b"PK\x03\x04 not really a zip", "is not a Word document that can be read"),
        (b"<!DOCTYPE html>\n<html><body>Sign in to Zoom</body></html>", "is a web page (HTML), not a transcript"),
        (b"\n<HTML>\n<head><title>404</title></head>", "is a web page (HTML), not a transcript"),
    ],
)
def test_bad_files_get_one_clear_sentence(tmp_path, content, message):
    with pytest.raises(TranscriptError) as e:
        read_transcript(write(tmp_path, "empty.txt", content))
    assert message in str(e.value)
    assert "\n" not in str(e.value)


def test_a_directory_or_a_fifo_is_refused_without_blocking(tmp_path):
    with pytest.raises(TranscriptError, match="not a regular file"):
        read_transcript(tmp_path)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "pipe.vtt"
        os.mkfifo(fifo)
        with pytest.raises(TranscriptError, match="not a regular file"):
            read_transcript(fifo)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(TranscriptError, match="gone.vtt cannot be read"):
        read_transcript(tmp_path / "gone.vtt")


def test_the_sandbox_sample_transcripts_read_with_every_speaker_and_time():
    from lever_desktop.sandbox.transcripts import sample_transcripts

    samples = sample_transcripts()
    assert {s.path.suffix for s in samples} >= {".vtt", ".srt", ".txt"}
    for sample in samples:
        t = read_transcript(sample.path)
        assert len(t.lines) > 10 and all(line.start_ms is not None and line.speaker for line in t.lines)
        assert {line.speaker for line in t.lines} == {sample.candidate, *sample.interviewers}, sample.path.name
        assert [line.start_ms for line in t.lines] == sorted(line.start_ms for line in t.lines)
