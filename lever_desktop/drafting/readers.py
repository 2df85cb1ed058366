"""Read an interview transcript file (WebVTT, SRT, plain text, .docx) into a ``Transcript``.

The format is told by the content, not the name (a Zoom export saved as .txt is still WebVTT);
only a Word file is recognised by its zip signature. Parsing is done by maintained libraries
(``webvtt-py``, ``srt``, ``python-docx``); what they leave — who spoke — is read here: a Teams
``<v Speaker>`` voice tag, or a "Speaker: text" prefix as Zoom and most plain-text exports write it.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import zipfile
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path

from lever_desktop.drafting.transcript import Line, Transcript, TranscriptError

_MS = timedelta(milliseconds=1)
MAX_BYTES = 20 * 1024 * 1024  # a 3-hour transcript is ~1 MB; a larger file is not a transcript

# "[00:01:02]", "(1:02)", "00:01:02.500", "1:02 -": a time at the start of a line.
_LEADING_TIME = re.compile(r"^[\[(]?((?:\d{1,2}:)?\d{1,2}:\d{2})(?:[.,](\d{1,3}))?[\])]?(?:\s*[-–—:]?\s+|$)")
# "Jane Doe  0:03" or "Speaker 1 00:01:02" on a line of its own (Otter, Teams .docx): a header for
# the paragraphs below it.
_HEADER = re.compile(r"^(\S.{0,60}?)\s+[\[(]?((?:\d{1,2}:)?\d{1,2}:\d{2})[\])]?$")
_SPEAKER = re.compile(r"^([^\W\d_][^:]{0,47}?)\s*:\s+(\S.*)$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # tab is kept; other C0 controls become spaces
_SPACES = re.compile(r"\s+")
_HTML = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE)
# A .docx is a zip: python-docx reads every part whole into memory, so a 1 MB file that
# unpacks to gigabytes (a zip bomb) must be refused by the sizes its directory declares (zipfile
# never unpacks a member past its declared size).
MAX_DOCX_UNPACKED = 200 * 1024 * 1024


def read_transcript(path: str | os.PathLike[str]) -> Transcript:
    """The transcript in ``path``; raises TranscriptError with one sentence naming the file."""
    name = Path(path).name
    data = _read_bytes(path, name)
    if data.startswith(b"PK\x03\x04"):
        return Transcript(_docx_lines(data, name), source=name)
    return parse_text(decode(data, name), name)


def parse_text(text: str, name: str = "transcript") -> Transcript:
    """A transcript from decoded text: WebVTT, SRT or plain text, told by the content."""
    # Old Mac exports end lines with a lone CR (the SRT parser reads none of them), and a file
    # re-saved by a second tool may carry a second BOM before "WEBVTT".
    stripped = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff").strip()
    if not stripped:
        raise TranscriptError(f"{name} is empty.")
    if _HTML.match(stripped):  # a sign-in or error page saved in place of the export
        raise TranscriptError(f"{name} is a web page (HTML), not a transcript; download the transcript file itself.")
    if stripped.startswith(("{", "[")) and _is_json(stripped):
        raise TranscriptError(f"{name} is JSON data, not a transcript (a draft file goes to 'drafts import').")
    if stripped.startswith("%PDF"):
        raise TranscriptError(f"{name} is a PDF; export the transcript as .vtt, .srt, .txt or .docx.")
    if stripped.startswith("WEBVTT"):
        raws = _vtt(stripped, name)
    elif _looks_like_srt(stripped):
        raws = _srt(stripped, name)
    else:
        raws = _plain(stripped.splitlines())
    lines = _with_speakers(raws)
    if not lines:
        raise TranscriptError(f"{name} has no spoken lines.")
    return Transcript(tuple(lines), source=name)


def decode(data: bytes, name: str) -> str:
    """Text as transcripts are saved: UTF-8 (with or without a BOM) or UTF-16 with a BOM."""
    if not data.strip():
        raise TranscriptError(f"{name} is empty.")
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):  # before UTF-16: its BOM starts alike
        try:
            return data.decode("utf-32")
        except UnicodeDecodeError:
            raise TranscriptError(f"{name} says it is UTF-32 text but is not; save it as UTF-8.") from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise TranscriptError(f"{name} says it is UTF-16 text but is not; save it as UTF-8.") from None
    if b"\x00" in data[:4096]:
        raise TranscriptError(f"{name} is not a transcript: it holds binary data, not text.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise TranscriptError(
            f"{name} is not UTF-8 or UTF-16 text (byte {e.start} cannot be read); save it as UTF-8."
        ) from None


def _read_bytes(path: str | os.PathLike[str], name: str) -> bytes:
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the read, a device never end
            raise TranscriptError(f"{name} is not a regular file; give the path of a transcript file.")
        if st.st_size > MAX_BYTES:
            raise TranscriptError(
                f"{name} is too large ({st.st_size / 2**20:.1f} MB) to be a transcript; "
                f"at most {MAX_BYTES // 2**20} MB."
            )
        with open(path, "rb") as f:
            return f.read(MAX_BYTES + 1)
    except OSError as e:
        raise TranscriptError(f"{name} cannot be read: {e.strerror or e}.") from None


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


# --- formats -------------------------------------------------------------------------------------
# Each yields (start ms or None, voice-tag speaker or None, text) before speakers are read.
_Raw = tuple[int | None, str | None, str]


def _vtt(text: str, name: str) -> list[_Raw]:
    import webvtt
    from webvtt.errors import MalformedCaptionError, MalformedFileError

    try:
        captions = webvtt.WebVTT.from_string(text).captions
    except (MalformedFileError, MalformedCaptionError) as e:
        raise TranscriptError(f"{name} is not a valid WebVTT file ({e}).") from None
    return [(c.start_time.in_milliseconds(), c.voice, c.text) for c in captions]


def _looks_like_srt(text: str) -> bool:
    head = text[:300].splitlines()[:3]
    return len(head) >= 2 and head[0].strip().isdigit() and "-->" in head[1]


def _srt(text: str, name: str) -> list[_Raw]:
    import srt

    try:
        subtitles = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as e:
        raise TranscriptError(f"{name} is not a valid SRT file ({e}).") from None
    return [(s.start // _MS, None, s.content) for s in subtitles]


def _plain(lines: Iterable[str]) -> list[_Raw]:
    """Plain text or a Word document's paragraphs: optional times and speaker headers."""
    out: list[_Raw] = []
    at: int | None = None  # the last time seen: lines below a time started no earlier
    header: str | None = None  # speaker of an "Name  0:03" header, for the paragraphs below it
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if (m := _HEADER.match(line)) and not _LEADING_TIME.match(line) and ":" not in m.group(1):
            header, at = m.group(1).strip(), _ms(m.group(2))
            continue
        if m := _LEADING_TIME.match(line):
            at = _ms(m.group(1), m.group(2))
            line = line[m.end() :].strip()
            if not line:
                continue
        out.append((at, header, line))
    return out


def _docx_lines(data: bytes, name: str) -> tuple[Line, ...]:
    import docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        unpacked = 0  # python-docx says below that it is not a Word document
    if unpacked > MAX_DOCX_UNPACKED:
        raise TranscriptError(
            f"{name} unpacks to {unpacked / 2**20:,.0f} MB, far more than a transcript; "
            "it is not a Word document that can be read."
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # noqa: BLE001 - python-docx raises many kinds (BadZipFile, KeyError, ...)
        raise TranscriptError(
            f"{name} is not a Word document that can be read ({type(e).__name__}); "
            "export the transcript as .docx, .vtt, .srt or .txt."
        ) from None
    texts = [part for p in document.paragraphs for part in p.text.splitlines()]
    lines = _with_speakers(_plain(texts))
    if not lines:
        raise TranscriptError(f"{name} has no spoken lines.")
    return tuple(lines)


# --- speakers ------------------------------------------------------------------------------------


def _ms(clock: str, fraction: str | None = None) -> int:
    parts = [int(p) for p in clock.split(":")]
    while len(parts) < 3:
        parts.insert(0, 0)
    h, m, s = parts
    return ((h * 60 + m) * 60 + s) * 1000 + (int(fraction.ljust(3, "0")) if fraction else 0)


def _label(text: str) -> tuple[str, str] | None:
    """("Jane Doe", "rest") when a line starts like a speaker's name and a colon."""
    m = _SPEAKER.match(text)
    if not m:
        return None
    words = m.group(1).split()
    # A name is short and capitalised ("Jane van Dijk", "Speaker 1", "INTERVIEWER"); a sentence
    # with a colon ("So the answer is: yes") is not.
    if len(words) > 4 or not words[0][0].isupper() or sum(not w[0].isupper() and not w[0].isdigit() for w in words) > 1:
        return None
    return m.group(1), m.group(2)


def _with_speakers(raws: list[_Raw]) -> list[Line]:
    """Lines with who spoke: a voice tag or header wins, else a "Name:" prefix that recurs."""
    cleaned = [(at, who, _clean(text)) for at, who, text in raws]
    labels = [None if who else _label(text) for _, who, text in cleaned]
    counts = Counter(label[0] for label in labels if label)
    # A prefix said once in a long transcript is more likely a sentence ("Note: ...") than a name.
    recurring = {name for name, n in counts.items() if n > 1 or len(cleaned) < 4}
    out: list[Line] = []
    for (at, who, text), label in zip(cleaned, labels, strict=True):
        if label and label[0] in recurring:
            who, text = label
        if text:  # a voice tag's name is the file's text too: no control characters, single spaces
            out.append(Line(at, _clean(who) or None if who else None, text))
    return out


def _clean(text: str) -> str:
    """One line of plain text: cue line breaks and control characters become single spaces."""
    return _SPACES.sub(" ", _CONTROL.sub(" ", text)).strip()
