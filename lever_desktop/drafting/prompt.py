"""The prompt: instructions, the interview's context from the cache, and the transcript.

The user message carries the transcript between a line ``<transcript>`` and a line
``</transcript>`` as ``Transcript.text`` renders it — the contract the sandbox model reads.
With ``anonymize`` every name of the candidate becomes "the candidate" in everything sent
(context, speakers and what was said), so the evidence check runs on that same text.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from lever_desktop.drafting import tool_schema
from lever_desktop.drafting.providers import Request
from lever_desktop.drafting.transcript import Transcript

ANONYMOUS = "the candidate"

SYSTEM = """You draft interview feedback for the interviewer, who will review and correct every answer \
before anything is submitted. Answer only from what the transcript shows; do not guess.
Record the form with the record_feedback_draft tool, one entry per question you can answer, \
always every required question:
- value: exactly in the format the tool's schema gives (an option's exact text, a score 1-4, ...);
- confidence: 0 to 1, how clearly the transcript supports the answer (low when it barely does);
- evidence: one to three short quotes copied word for word from the transcript (what was said, \
without the time or the speaker's name);
- rationale: one or two sentences on why.
Judge the candidate on the job's needs only, never on age, gender, origin, religion, health or \
family, even if the transcript mentions them."""


@dataclass(frozen=True)
class Context:
    """What the cache knows about the interview, all optional."""

    candidate: str | None = None
    headline: str | None = None
    postings: tuple[str, ...] = ()
    interview: str | None = None  # the interview's subject
    interview_at: int | None = None  # ms
    interviewer: str | None = None
    template_name: str | None = None
    names: tuple[str, ...] = field(default=())  # the candidate's names to hide when anonymising


def build(
    template: dict[str, Any],
    transcript: Transcript,
    context: Context,
    *,
    anonymize: bool = False,
    problems: list[str] | None = None,
) -> tuple[Request, Transcript]:
    """The request and the transcript as it is sent (anonymised or not): evidence is checked
    against what the model saw. ``problems``: what was wrong with the last answer, to fix."""
    # The transcript is data between two marker lines: a line of it that reads "</transcript>"
    # would end it early and pass what follows to the model as our instructions.
    transcript = replace(
        transcript,
        lines=tuple(
            replace(line, speaker=_unmark(line.speaker), text=_unmark(line.text))
            if _MARKER.search(f"{line.speaker or ''} {line.text}")
            else line
            for line in transcript.lines
        ),
    )
    if anonymize:
        hide = _hider(context.names or ((context.candidate,) if context.candidate else ()))
        transcript = replace(
            transcript,
            lines=tuple(
                replace(line, speaker=hide(line.speaker) if line.speaker else line.speaker, text=hide(line.text))
                for line in transcript.lines
            ),
        )
        # Every text of the context, not just the name: Lever's interview subjects name the candidate.
        context = replace(
            context,
            candidate=ANONYMOUS,
            headline=_maybe(hide, context.headline),
            postings=tuple(map(hide, context.postings)),
            interview=_maybe(hide, context.interview),
            interviewer=_maybe(hide, context.interviewer),
            template_name=_maybe(hide, context.template_name),
        )
    parts = [f"Draft the feedback form “{context.template_name or 'Interview feedback'}” for this interview."]
    facts = [
        ("Candidate", context.candidate),
        ("Candidate's headline", context.headline),
        ("Applied for", "; ".join(context.postings) or None),
        ("Interview", context.interview),
        ("Interview date", _day(context.interview_at)),
        ("Interviewer", context.interviewer),
    ]
    parts += [f"{k}: {v}" for k, v in facts if v]
    if problems:
        parts.append(
            "Your previous answer could not be used as it was. Fix these problems and record the "
            "whole form again:\n" + "\n".join(f"- {p}" for p in problems)
        )
    parts += ["<transcript>", transcript.text, "</transcript>"]
    return Request(system=SYSTEM, user="\n".join(parts), tool=tool_schema.tool(template)), transcript


_MARKER = re.compile(r"<(\s*/?\s*transcript\b[^<>]*)>", re.IGNORECASE)


def _unmark(text: str | None) -> str | None:
    return _MARKER.sub(r"‹\1›", text) if text else text


def _maybe(hide: Any, text: str | None) -> str | None:
    return hide(text) if text else text


def _day(ms: int | None) -> str | None:
    return None if ms is None else datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d")


def names_of(full_name: str | None) -> tuple[str, ...]:
    """The full name and each part of it of two letters or more ("Ada Lovelace", "Ada", "Lovelace")."""
    if not full_name or not full_name.strip():
        return ()
    full = " ".join(unicodedata.normalize("NFC", full_name).split())
    # "Jean-Luc" is also said "Jean" or "Luc"; the hyphenated whole is kept too.
    parts = [p for p in re.split(r"[\s,\-‐]+", full) if len(p.strip(".")) >= 2]
    hyphenated = [p for p in re.split(r"[\s,]+", full) if "-" in p or "‐" in p]
    return (full, *dict.fromkeys(hyphenated + parts))


def _hider(names: tuple[str, ...]) -> Any:
    """Replaces the names however a transcript writes them: in either Unicode form (a Mac's
    "Zoë" is "Zoe" + a combining mark), with a straight or curly apostrophe ("O’Brien"), and with
    spaces or hyphens between the parts of a name ("Jean Luc" for "Jean-Luc")."""
    names = tuple(sorted({unicodedata.normalize("NFC", n) for n in names if n}, key=len, reverse=True))
    if not names:
        return lambda text: text
    alternatives = (_APOSTROPHE.sub("['’ʼ]", _GAP.sub(r"[\\s\\-‐]+", re.escape(n))) for n in names)
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(['’ʼ]s)?(?!\w)", re.IGNORECASE)
    return lambda text: pattern.sub(lambda m: ANONYMOUS + (m.group(1) or ""), unicodedata.normalize("NFC", text))


_APOSTROPHE = re.compile(r"['’ʼ]")
_GAP = re.compile(r"(?:\\[\s\-]|‐)+")  # an escaped space or hyphen (re.escape's "\ ", "\-"), or a Unicode hyphen
