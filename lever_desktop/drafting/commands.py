"""``drafts create``: draft one interview's feedback with the configured model, headless.

It joins the review layer's ``drafts`` command (the draft lands in the same review queue);
``--dry-run`` prints the exact request and sends the model nothing (it may read from Lever
what the cache lacks about the interview, as any draft's intake does).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from typing import Any

from lever_desktop.drafting.drafter import (
    DraftingError,
    draft_interview,
    preview_request,
)
from lever_desktop.drafting.providers import (
    ProviderConfigError,
    describe,
    provider_from_settings,
)
from lever_desktop.drafting.readers import read_transcript
from lever_desktop.drafting.transcript import TranscriptError
from lever_desktop.review.commands import EXIT_ERROR, _emit, _fail, _run, _session
from lever_desktop.untrusted import echo


def register(sub: argparse._SubParsersAction) -> None:
    drafts = sub.choices["drafts"]  # review.commands registers it first (cli.COMMAND_MODULES)
    actions = next(a for a in drafts._actions if isinstance(a, argparse._SubParsersAction))
    cr = actions.add_parser(
        "create", help="draft an interview's feedback from its transcript with the configured model"
    )
    cr.add_argument("--opportunity", required=True, metavar="ID")
    cr.add_argument("--interview", metavar="ID", help="the interview (its interviewer's template is the default)")
    cr.add_argument("--template", metavar="ID", help="the feedback template (default: the interview's)")
    cr.add_argument("--transcript", required=True, metavar="FILE", help=".vtt, .srt, .txt or .docx")
    cr.add_argument("--anonymize", action="store_true", help='send "the candidate" instead of the candidate\'s name')
    cr.add_argument("--dry-run", action="store_true", help="print the exact request; send the model nothing")
    cr.add_argument("--json", action="store_true")
    cr.set_defaults(func=lambda a: _run(_create(a)))


async def _create(args: argparse.Namespace) -> int:
    try:
        transcript = read_transcript(args.transcript)
    except TranscriptError as e:
        _fail(str(e))
        return EXIT_ERROR
    # A dry run may read what the cache lacks from Lever (as intake would), but sends the model nothing.
    async with _session("optional") as session:
        try:
            provider = provider_from_settings(session.settings)
            options: dict[str, Any] = {
                "opportunity_id": args.opportunity,
                "interview_id": args.interview,
                "template_id": args.template,
                "transcript": transcript,
                "anonymize": args.anonymize,
                "provider": provider,
            }
            if args.dry_run:
                request = await preview_request(session, **options)
                _emit(
                    args,
                    {"sendsTo": describe(provider), "request": json.loads(request)},
                    [f"# would send to {describe(provider)}", *request.splitlines()],
                )
                return 0
            outcome = await draft_interview(session, **options)
        except (DraftingError, ProviderConfigError) as e:
            _fail(str(e))
            return EXIT_ERROR
    if outcome.draft_id is None:
        if args.json:
            _emit(args, asdict(outcome), [])
        for problem in outcome.problems:
            _fail(problem)
        return EXIT_ERROR
    _emit(args, asdict(outcome), [outcome.draft_id])
    if not args.json:
        echo(
            f"{describe(provider)}; {outcome.input_tokens} tokens in, {outcome.output_tokens} out; "
            f"evidence: {outcome.evidence_kept} quotes verified, {outcome.evidence_dropped} not in the transcript",
            *outcome.problems,
            file=sys.stderr,
        )
    return 0
