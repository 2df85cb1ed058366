"""A feedback form built from a Lever template: answers, AI provenance and approval rules.

Answers are held as wire values (Lever's ``fieldValues`` formats). Invalid values — typically
from the AI — are kept so the reviewer sees them, but never reach ``field_values()``.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from .definitions import parse_field, unwrap_template
from .field import FieldError, FormField
from .provenance import Provenance, draft_entries, parse_confidence, parse_evidence
from .registry import kind_for

DEFAULT_CONFIDENCE_THRESHOLD = 0.6


class FormNotReady(ValueError):
    """``field_values()`` was asked for while some answer cannot be sent."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("The form cannot be sent yet: " + "; ".join(str(e) for e in errors))


class ReadOnlyField(ValueError):
    pass


@dataclass(frozen=True)
class Approval:
    ok: bool
    reasons: list[str] = field(default_factory=list)


class FeedbackForm:
    def __init__(self, template: dict[str, Any], fields: list[FormField]) -> None:
        self.template = template
        self.template_id: str = str(template.get("id") or "")
        self.title: str = str(template.get("text") or "Feedback")
        self.instructions: str = str(template.get("instructions") or "")
        self.fields = fields
        self._by_id = {f.id: f for f in fields}
        self.notices: list[str] = []  # things the reviewer should know that block nothing

    @classmethod
    def from_template(cls, template: dict[str, Any]) -> FeedbackForm:
        template = unwrap_template(template)
        raw_fields = template.get("fields")
        fields: list[FormField] = []
        seen: set[str] = set()
        for index, raw in enumerate(raw_fields if isinstance(raw_fields, list) else []):
            definition = parse_field(raw, index)
            if definition.id in seen:  # a duplicate id could not be told apart on the wire
                definition = parse_field({**definition.raw, "id": None}, index)
            seen.add(definition.id)
            fields.append(FormField(definition, kind_for(definition)))
        return cls(template, fields)

    # -- answers -------------------------------------------------------------------------
    def field(self, field_id: str) -> FormField:
        try:
            return self._by_id[field_id]
        except KeyError:
            raise KeyError(f"The template has no field {field_id!r}.") from None

    def get(self, field_id: str) -> Any:
        return copy.deepcopy(self.field(field_id).value)

    def set(self, field_id: str, value: Any) -> None:
        """The reviewer's answer as a wire value (validated by ``errors()``, not here)."""
        target = self.field(field_id)
        if not target.supported:
            raise ReadOnlyField(f"“{target.label}” cannot be edited in Lever Desktop.")
        if target.value != value or type(target.value) is not type(value):
            target.value = copy.deepcopy(value)
            target.confirmed = False

    def set_widget_value(self, field_id: str, widget_value: Any) -> None:
        self.set(field_id, self.field(field_id).kind.from_widget(widget_value))

    def widget_value(self, field_id: str) -> Any:
        target = self.field(field_id)
        return target.kind.to_widget(target.value)

    def revert(self, field_id: str) -> None:
        """Back to the AI's answer (which then needs confirming again if it was unsure)."""
        target = self.field(field_id)
        if target.provenance is not None:
            self.set(field_id, target.provenance.ai_value)
            target.confirmed = False

    def accept_suggestion(self, field_id: str) -> bool:
        target = self.field(field_id)
        suggestion = target.suggestion
        if suggestion is None:
            return False
        self.set(field_id, suggestion)
        return True

    def confirm(self, field_id: str, confirmed: bool = True) -> None:
        self.field(field_id).confirmed = confirmed

    # -- checks --------------------------------------------------------------------------
    def errors(self) -> list[FieldError]:
        return [e for f in self.fields if (e := f.error()) is not None]

    def field_values(self, strict: bool = True) -> list[dict[str, Any]]:
        """Exactly the POST ``fieldValues``: answered fields in template order.

        Optional empty fields are omitted (never ``""`` or ``"null"``). With ``strict`` (the
        default) any error raises ``FormNotReady``; otherwise invalid answers are left out.
        """
        if strict and (errors := self.errors()):
            raise FormNotReady(errors)
        return [entry for f in self.fields if (entry := f.wire_entry()) is not None]

    def needs_confirmation(self, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD) -> list[FormField]:
        return [f for f in self.fields if f.needs_confirmation(threshold)]

    def attention(self, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD) -> list[FormField]:
        """Fields the reviewer still has to look at, in form order."""
        return [
            f
            for f in self.fields
            if f.error() is not None or f.needs_confirmation(threshold) or f.suggestion is not None
        ]

    def can_approve(self, threshold: float = DEFAULT_CONFIDENCE_THRESHOLD) -> Approval:
        reasons = [str(e) for e in self.errors()]
        for f in self.needs_confirmation(threshold):
            assert f.provenance is not None
            confidence = f.provenance.confidence
            how_sure = "no confidence given" if confidence is None else f"AI confidence {confidence:.0%}"
            reasons.append(f"{f.label}: {how_sure} — confirm or change this answer.")
        return Approval(not reasons, reasons)

    # -- drafts --------------------------------------------------------------------------
    def apply_draft(self, draft: dict[str, Any]) -> list[str]:
        """Fill the form from an AI draft document; returns notices about what did not fit.

        Every field's previous answer and provenance is replaced: a draft is a fresh start.
        """
        entries, notices = draft_entries(draft)
        template_id = draft.get("templateId")
        if template_id and self.template_id and template_id != self.template_id:
            notices.append(f"The draft was written for template {template_id}, this form is {self.template_id}.")
        for f in self.fields:
            f.value, f.provenance, f.confirmed = None, None, False
        seen: set[str] = set()
        for entry in entries:
            target = self._by_id.get(entry["id"])
            if target is None:
                notices.append(
                    f"The draft answers a question that is not on this form ({entry['id']}): "
                    f"{_short(entry.get('value'))}"
                )
                continue
            if target.id in seen:
                notices.append(f"The draft answers “{target.label}” twice; the last answer is used.")
            seen.add(target.id)
            self._apply_entry(target, entry)
        self.notices = notices
        return list(notices)

    @staticmethod
    def _apply_entry(target: FormField, entry: dict[str, Any]) -> None:
        value = copy.deepcopy(entry.get("value"))
        kind = target.kind
        problem = None if kind.is_empty(value) else kind.validate(value)
        target.value = value
        target.provenance = Provenance(
            ai_value=copy.deepcopy(value),
            confidence=parse_confidence(entry.get("confidence")),
            evidence=parse_evidence(entry.get("evidence")),
            rationale=str(entry.get("rationale") or ""),
            ai_problem=problem,
            suggestion=kind.suggest(value) if problem and kind.supported else None,
        )

    # -- persistence of the reviewer's work ------------------------------------------------
    def state(self) -> dict[str, Any]:
        """The reviewer's answers and confirmations as plain JSON data."""
        return {
            "values": {f.id: copy.deepcopy(f.value) for f in self.fields if f.supported},
            "confirmed": [f.id for f in self.fields if f.confirmed],
        }

    def restore(self, state: dict[str, Any]) -> None:
        """Re-apply ``state()`` (after ``apply_draft``); unknown field ids are ignored."""
        for field_id, value in (state.get("values") or {}).items():
            if field_id in self._by_id and self._by_id[field_id].supported:
                self.set(field_id, value)
        for field_id in state.get("confirmed") or []:
            if field_id in self._by_id:
                self._by_id[field_id].confirmed = True


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"
