"""Read an interview transcript file (WebVTT, SRT, plain text, .docx) into a ``Transcript``."""

from __future__ import annotations

import os

from lever_desktop.drafting.transcript import Transcript


def read_transcript(path: str | os.PathLike[str]) -> Transcript:
    raise NotImplementedError
