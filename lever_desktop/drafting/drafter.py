"""Draft one interview's feedback with a model: template + transcript (+ cached context) -> a draft.

The result goes through the same intake as a relay draft (``review.intake.receive_draft``), so
near misses get the same one-click fixes and flags; what the model claims as evidence is checked
against the transcript first (``evidence``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from lever_desktop.drafting.providers import Provider
from lever_desktop.drafting.transcript import Transcript


@dataclass
class DraftOutcome:
    """What one drafting run produced; ``draft_id`` is None when nothing reached review."""

    draft_id: str | None
    problems: list[str] = field(default_factory=list)
    provider: str = ""
    model: str = ""
    input_tokens: int = 0
    output_tokens: int = 0
    evidence_kept: int = 0
    evidence_dropped: int = 0


async def draft_interview(session: Any, *, opportunity_id: str, interview_id: str | None = None,
                          template_id: str | None = None, transcript: Transcript, anonymize: bool = False,
                          provider: Provider | None = None) -> DraftOutcome:
    """Ask the provider for a draft and hand it to intake; never raises for a model's fault
    (the outcome's ``problems`` say what went wrong), raises DraftingError when nothing can be sent."""
    raise NotImplementedError


async def preview_request(session: Any, *, opportunity_id: str, interview_id: str | None = None,
                          template_id: str | None = None, transcript: Transcript, anonymize: bool = False,
                          provider: Provider | None = None) -> str:
    """The exact request ``draft_interview`` would send, as text ("Show what will be sent")."""
    raise NotImplementedError
