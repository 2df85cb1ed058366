"""Things that happen in the account: stage moves, archiving, interviews, template edits.

Each change emits the webhooks Lever would emit. Completed interviews also produce an
AI draft (the drafting pipeline's job, simulated here), kept for the admin API and
posted to the relay's ``/drafts`` when one is configured.
"""

from __future__ import annotations

import random
from typing import Any

from lever_desktop.sandbox import drafts, webhooks
from lever_desktop.sandbox import templates as tpl
from lever_desktop.sandbox.catalog import DAY_MS, INTERVIEW_STAGE_FROM
from lever_desktop.sandbox.state import HOUR_MS, SandboxState, now_ms

LIVE_POOL_SCAN = 400  # the newest opportunities the clock keeps busy


class Activity:
    def __init__(
        self, state: SandboxState, relay_url: str | None = None, relay_ingest_token: str | None = None
    ) -> None:
        self.state, self.relay_url, self.relay_ingest_token = state, relay_url, relay_ingest_token
        self._drift_turn = 0

    def _contact_ids(self, row: int) -> dict[str, str]:
        contact = self.state.opps.contact_of(row)
        return {"candidateId": contact, "contactId": contact}

    def _ids(self, row: int) -> dict[str, str]:
        return {"opportunityId": self.state.opps.id_of(row), **self._contact_ids(row)}

    # -- opportunity changes ------------------------------------------------------
    def change_stage(self, row: int, stage_id: str, user_id: str | None = None) -> None:
        st, opps = self.state, self.state.opps
        index = next((i for i, s in enumerate(st.catalog.stages) if s["id"] == stage_id), None)
        if index is None:
            raise ValueError(f"unknown stage {stage_id}")
        with st.lock:
            from_stage = opps.stage_id(row)
            at = max(now_ms(), (opps.updated[row] or 0) + 1)
            changes = list(opps.changes(row))
            changes.append(
                {
                    "toStageId": stage_id,
                    "toStageIndex": index,
                    "userId": user_id or st.catalog.users[opps.owner[row]]["id"],
                    "updatedAt": at,
                }
            )
            opps.stage_changes[row] = changes
            opps.stage[row] = index
            opps.updated[row] = at
        webhooks.emit(st, "candidateStageChange", {**self._ids(row), "toStageId": stage_id, "fromStageId": from_stage})

    def set_archived(self, row: int, reason_id: str | None) -> None:
        st, opps = self.state, self.state.opps
        index = -1
        if reason_id is not None:
            index = next((i for i, r in enumerate(st.catalog.archive_reasons) if r["id"] == reason_id), None)
            if index is None:
                raise ValueError(f"unknown archive reason {reason_id}")
        with st.lock:
            before = opps.archived_obj(row)
            at = max(now_ms(), (opps.updated[row] or 0) + 1)
            opps.archive[row] = index
            opps.archived_at[row] = at
            opps.updated[row] = at
            after = opps.archived_obj(row)
        webhooks.emit(st, "candidateArchiveChange", {**self._ids(row), "fromArchived": before, "toArchived": after})
        if index >= 0 and st.catalog.archive_reasons[index]["type"] == "hired":
            webhooks.emit(st, "candidateHired", self._ids(row))

    def new_application(self, posting_id: str | None = None, name: str | None = None) -> int:
        """A candidate applies to a posting (the first one unless named): a new contact and its
        opportunity, so ``contactCreated`` then ``applicationCreated``."""
        st, cat = self.state, self.state.catalog
        posting = (
            0 if posting_id is None else next((i for i, p in enumerate(cat.postings) if p["id"] == posting_id), None)
        )
        if posting is None:
            raise ValueError(f"unknown posting {posting_id}")
        name = None if name is None else _person_name(name)
        owner = next(i for i, u in enumerate(cat.users) if u["deactivatedAt"] is None)
        with st.lock:
            row = st.opps.add(now_ms(), posting, owner, name)
        webhooks.emit(st, "contactCreated", self._contact_ids(row))
        webhooks.emit(st, "applicationCreated", {**self._ids(row), "postingId": cat.postings[posting]["id"]})
        return row

    def rename_contact(self, row: int, name: str) -> None:
        """The candidate's contact is renamed (as a recruiter fixing a typo would): ``contactUpdated``.

        Its data carries only the contact's ids, as Lever documents nothing more for it; the
        app has to find the opportunities of that contact itself."""
        st, opps = self.state, self.state.opps
        name = _person_name(name)
        with st.lock:
            opps.renamed[row] = name
            opps.updated[row] = max(now_ms(), (opps.updated[row] or 0) + 1)
        webhooks.emit(st, "contactUpdated", self._contact_ids(row))

    def anonymize(self, row: int) -> None:
        """Lever's data-protection flow removes the candidate's personal data (``isAnonymized``).

        Lever documents no webhook for it: the app sees it when it next reads the opportunity,
        by its new ``updatedAt``. Panels and feedback stay as they were, so a client that stores
        them again for an anonymised candidate shows up in tests."""
        opps = self.state.opps
        with self.state.lock:
            opps.anonymized.add(row)
            opps.updated[row] = max(now_ms(), (opps.updated[row] or 0) + 1)

    def delete(self, row: int, user_id: str | None = None) -> None:
        st = self.state
        by = user_id or st.catalog.users[0]["id"]
        with st.lock:
            st.deleted_rows.add(row)
            st.deleted.append({"id": st.opps.id_of(row), "deletedAt": now_ms(), "deletedBy": by})
        webhooks.emit(st, "candidateDeleted", {**self._ids(row), "deletedBy": by})

    # -- interviews ------------------------------------------------------------------
    def _live_rows(self) -> list[int]:
        opps, st = self.state.opps, self.state
        low = max(0, opps.count - LIVE_POOL_SCAN)
        return [
            r
            for r in range(opps.count - 1, low - 1, -1)
            if opps.has_interviews(r) and opps.archive[r] < 0 and r not in st.deleted_rows
        ]

    def upcoming(self) -> list[tuple[int, dict[str, Any], dict[str, Any]]]:
        """Interviews not yet completed in the live pool, soonest first."""
        st = self.state
        found = []
        for row in self._live_rows():
            for panel in st.details_of(row).panels:
                for iv in panel["interviews"]:
                    if iv["id"] not in st.completed_interviews and iv["date"] >= st.anchor_ms and not iv["canceledAt"]:
                        found.append((row, panel, iv))
        return sorted(found, key=lambda t: (t[2]["date"], t[2]["id"]))

    def schedule_interview(self, row: int | None = None) -> tuple[int, dict[str, Any]]:
        st = self.state
        rows = [row] if row is not None else self._live_rows()
        if not rows:
            raise LookupError("no opportunity in an interview stage")
        with st.lock:
            target = rows[st.rng.randrange(len(rows))]
            template = st.rng.choice(st.offerable_templates())
            start = now_ms() + st.rng.randrange(1, 4) * DAY_MS + 10 * HOUR_MS
            panel = st._add_panel(target, st.details_of(target), st.rng, start, template, past=False)
        for iv in panel["interviews"]:
            webhooks.emit(
                st, "interviewCreated", {**self._ids(target), "panelId": panel["id"], "interviewId": iv["id"]}
            )
        return target, panel

    def delete_interview(self, row: int, interview_id: str) -> None:
        """An interview is removed from its panel (the panel too, once empty): ``interviewDeleted``."""
        st = self.state
        with st.lock:
            found = st.find_interview(row, interview_id)
            if found is None:
                raise LookupError(f"no interview {interview_id} on that opportunity")
            panel, iv = found
            panel["interviews"].remove(iv)
            if not panel["interviews"]:
                st.details_of(row).panels.remove(panel)
        webhooks.emit(st, "interviewDeleted", {**self._ids(row), "panelId": panel["id"], "interviewId": interview_id})

    def complete_interview(
        self, row: int | None = None, interview_id: str | None = None, flaw: str | None = "auto"
    ) -> dict[str, Any]:
        """Mark an interview as happened just now and draft its feedback."""
        st = self.state
        if interview_id is not None and row is None:
            raise LookupError("an interviewId needs its opportunityId")
        if interview_id is not None and row is not None:
            found = st.find_interview(row, interview_id)
            if found is None:
                raise LookupError(f"no interview {interview_id} on that opportunity")
            panel, iv = found
        else:
            queue = self.upcoming()
            if not queue:
                self.schedule_interview()
                queue = self.upcoming()
            row, panel, iv = queue[0]
        with st.lock:
            st.completed_interviews.add(iv["id"])
            iv["date"] = now_ms() - iv["duration"] * 60_000
            template = st.templates[iv["feedbackTemplate"]]
            kind = drafts.choose_flaw(st.rng) if flaw == "auto" else flaw
            doc, flaws = drafts.make_draft(
                rng=st.rng,
                template=template,
                opportunity_id=st.opps.id_of(row),
                panel_id=panel["id"],
                interview_id=iv["id"],
                interviewer_email=iv["interviewers"][0]["email"],
                now_ms=now_ms(),
                flaw=kind,
            )
            record = {"draft": doc, "flaws": flaws}
            st.drafts.append(record)
        webhooks.emit(st, "interviewUpdated", {**self._ids(row), "panelId": panel["id"], "interviewId": iv["id"]})
        if self.relay_url:
            webhooks.queue_draft(st, self.relay_url, self.relay_ingest_token, doc)
        return record

    # -- templates -------------------------------------------------------------------
    def drift_template(self, template_id: str | None = None, kind: str = "change") -> dict[str, Any]:
        """A new version of the template: ``change`` alters what its forms send, ``reword``
        only how it reads (``templates.reword``)."""
        if kind not in ("change", "reword"):
            raise ValueError(f"unknown drift kind {kind!r} (change | reword)")
        st = self.state
        with st.lock:
            if template_id is None:
                offerable = st.offerable_templates()
                template_id = str(offerable[self._drift_turn % len(offerable)]["id"])
                self._drift_turn += 1
            current = st.templates.get(template_id)
            if current is None or not tpl.is_offerable(current):
                raise LookupError(f"no editable template {template_id}")
            new = (
                tpl.reword(current, now_ms())
                if kind == "reword"
                else tpl.drift(
                    current, random.Random(f"drift:{st.seed}:{len(st.template_versions[template_id])}"), now_ms()
                )
            )
            st.templates[template_id] = new
            st.template_versions[template_id].append(new)
        return new

    def random_live_row(self) -> int | None:
        rows = [r for r in self._live_rows() if self.state.opps.stage[r] < len(self.state.catalog.stages) - 1]
        return rows[self.state.rng.randrange(len(rows))] if rows else None

    def advance_someone(self) -> int | None:
        row = self.random_live_row()
        if row is not None:
            nxt = min(self.state.opps.stage[row] + 1, len(self.state.catalog.stages) - 1)
            self.change_stage(row, self.state.catalog.stages[max(nxt, INTERVIEW_STAGE_FROM)]["id"])
        return row


def _person_name(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("name must be a non-empty string")
    return value.strip()
