"""One shape for every interview transcript: (start ms, speaker, text) lines.

Readers for WebVTT, SRT, plain text and .docx all produce a ``Transcript``; everything after
(prompt building, evidence checks) reads only this.
"""

from __future__ import annotations

from dataclasses import dataclass


class TranscriptError(ValueError):
    """A file that cannot be read as a transcript; the message is one plain sentence for the
    recruiter ("transcript.vtt is empty", "… is not UTF-8 or UTF-16 text")."""


@dataclass(frozen=True, slots=True)
class Line:
    start_ms: int | None  # None when the source has no timestamps (plain text, .docx)
    speaker: str | None  # None when the source does not say who spoke
    text: str


@dataclass(frozen=True, slots=True)
class Transcript:
    lines: tuple[Line, ...]
    source: str = ""  # the file name it was read from, for messages and the draft's record

    @property
    def text(self) -> str:
        """The whole transcript as the model reads it, one line per utterance."""
        return "\n".join(_render(line) for line in self.lines)


def _render(line: Line) -> str:
    stamp = ""
    if line.start_ms is not None:
        s = line.start_ms // 1000
        stamp = f"[{s // 3600:02d}:{s % 3600 // 60:02d}:{s % 60:02d}] "
    who = f"{line.speaker}: " if line.speaker else ""
    return f"{stamp}{who}{line.text}"
