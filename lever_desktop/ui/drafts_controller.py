"""Drafts to review: the list, the editor, approve / discard, J/K, payload preview, remove a duplicate.

Approving only writes the outbox (it works offline); the outbox controller
sends it and reports back, and the editor then shows the outcome. Opening a
draft also asks Lever (in the background) whether its author already filled in
the form; a submitted draft can be amended or withdrawn from Lever.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QHeaderView, QMessageBox, QSplitter

from lever_desktop.lever import paths
from lever_desktop.lever.errors import LeverError
from lever_desktop.messages import explain_or_generic, in_words
from lever_desktop.review import amend, authors, checks, duplicates, editing, intake, lists
from lever_desktop.review.approval import ApprovalError, UndoError, approve, build_body, still_in_grace, undo
from lever_desktop.review.drafts import now_ms
from lever_desktop.review.lifecycle import EDITED, REVIEWABLE, STATUS_WORDS, DraftState, attention_words
from lever_desktop.ui.draft_editor import DraftEditor
from lever_desktop.ui.drafts_filter import DraftsFilterBar, DraftsFilterProxy
from lever_desktop.ui.pages import TablePage
from lever_desktop.ui.plain import plain_message_box, plain_tooltip
from lever_desktop.ui.table_models import KEY_ROLE, Column, format_ms, format_ms_short
from lever_desktop.ui.tasks import TaskRunner, dialog_result
from lever_desktop.ui.undo_bar import UndoBar


class ReviewRow(NamedTuple):
    """One line of the drafts list."""

    draft_id: str
    candidate: str | None
    form: str | None
    flags: int | None  # checks still open (review/checks.py); None (an empty cell, not "0") when none
    state: str
    received: int | None
    interviewer: str | None
    reviewable: bool = False  # the reviewer can still edit and approve it (where Approve moves on to)


# Who and where it stands first: at the window's minimum width the list shows candidate, flags
# and state in full, and the rest is a scroll away.
COLUMNS = (
    Column("Candidate", "candidate"),
    Column("⚠", "flags"),
    Column("State", "state"),
    Column("Form", "form"),
    Column("Received", "received", time=format_ms_short),
    Column("Interviewer", "interviewer"),
)
# Every column takes what its contents need (a short list: cheap): none cuts its text.
FITTED = ("candidate", "flags", "state", "form", "received", "interviewer")
TO_REVIEW = frozenset({*REVIEWABLE, EDITED})  # the list's statuses of drafts still under review


class DraftsController(QObject):
    approved = Signal(str)  # draft id: the outbox should wake up
    changed = Signal()  # counts may have changed
    loaded = Signal(str)  # draft id now in the editor (tests wait on it)
    own_feedback_checked = Signal(str)  # draft id whose author's forms were just re-read from Lever

    def __init__(self, session, runner: TaskRunner, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.runner = runner
        self.list = TablePage(
            COLUMNS,
            key="draft_id",
            title="Drafts waiting for your review, oldest first.",
            sort=("received", Qt.SortOrder.AscendingOrder),
            fit_columns=False,
            proxy=DraftsFilterProxy,
        )
        self.filters = DraftsFilterBar()
        self.list.body.insertWidget(1, self.filters)  # under the title, over the table
        self._refiltering = False
        self.editor = DraftEditor()
        self.page = QSplitter(Qt.Orientation.Horizontal)
        self.page.addWidget(self.list)
        self.page.addWidget(self.editor)
        self.page.setSizes([450, 800])
        self.form = None
        self._form_draft_id: str | None = None  # the draft self.form holds (self.draft_id may be next's)
        self._built = None  # BuiltForms
        self._flags: list[tuple[str, dict[str, Any]]] = []  # (message, flag) of the open draft's checks
        self._notes: list[str] = []  # flags on no field and the form's notices: shown, not counted
        self._refreshable = False  # a note a re-read of Lever may clear
        # Approve's Undo: the window places the bar; the grace itself is stored with the approval.
        self.undo_bar = UndoBar()
        self.undo_bar.undoRequested.connect(self.undo_approval)
        self.view: editing.DraftView | None = None
        self.draft_id: str | None = None
        self._save_timer = QTimer(self, singleShot=True, interval=400)
        self._save_timer.timeout.connect(self._save_values)
        self.list.table.selectionModel().currentRowChanged.connect(self._selected)
        self.filters.changed.connect(self._refilter)
        # Like the candidates' search: pages are stacked, so only the one shown takes Ctrl+F.
        QShortcut(
            QKeySequence.StandardKey.Find,
            self.list,
            self.filters.search.setFocus,
            context=Qt.ShortcutContext.WindowShortcut,
        )
        self.editor.approveRequested.connect(self.approve_current)
        self.editor.discardRequested.connect(self.discard_current)
        self.editor.amendRequested.connect(self.amend_current)
        self.editor.withdrawRequested.connect(self.withdraw_current)
        self.editor.secondFormToggled.connect(
            lambda _on: self.editor.approve.setEnabled(self._editable() and self._can_approve())
        )
        self.editor.removeDuplicateRequested.connect(self.remove_duplicate_current)
        self.editor.refreshRequested.connect(self.refresh_current)
        self.editor.nextRequested.connect(lambda: self.step(1))
        self.editor.previousRequested.connect(lambda: self.step(-1))
        self.editor.show_payload.toggled.connect(lambda on: on and self._update_payload())
        self.editor.authorChoiceChanged.connect(self._author_chosen)
        for key, delta in (("J", 1), ("K", -1)):
            # Text fields take J/K as typing (they override shortcuts for printable keys).
            QShortcut(
                QKeySequence(key),
                self.page,
                lambda d=delta: self.step(d),
                context=Qt.ShortcutContext.WidgetWithChildrenShortcut,
            )
        header = self.list.table.horizontalHeader()
        header.setStretchLastSection(False)  # a stretched interviewer column was cut to the view's width
        for field in FITTED:
            header.setSectionResizeMode(self.list.model.column_of(field), QHeaderView.ResizeMode.ResizeToContents)

    # -- list ----------------------------------------------------------------
    def reload(self) -> None:
        def fill(rows: list[tuple]) -> None:
            keep = self.draft_id
            # A row leaving the filter as it changes (the open draft turned "Edited" under a "To review"
            # filter) makes Qt move the current row to a neighbour: that must not open the neighbour.
            was, self._refiltering = self._refiltering, True
            try:
                self.list.model.set_rows(
                    [
                        ReviewRow(
                            draft_id,
                            name,
                            form,
                            flags or None,
                            lists.DRAFT_STATE_LABELS.get(state) or state,
                            received,
                            who,
                            state in TO_REVIEW,
                        )
                        for draft_id, name, form, who, flags, received, state in rows
                    ]
                )
                self.filters.set_choices(self.list.model)
            finally:
                self._refiltering = was
            if keep and keep in self.list.model.keys():
                self._select(keep, load=False)
                if self.list.table.currentIndex().data(KEY_ROLE) != keep:
                    self.list.table.selectionModel().clear()  # filtered out: no other row pretends to be open
            elif rows and self.draft_id is None:
                self._select(rows[0][0])
            elif not rows:
                self.editor.set_empty(self._empty_text())
            self.changed.emit()

        self.runner.run(
            self.session.store.call(
                lists.review_list, int(time.time() * 1000), self.session.settings.confidence_threshold
            ),
            owner=self.page,
            on_success=fill,
            name="load drafts",
            latest="load drafts",
        )

    def _empty_text(self) -> str:
        poller = getattr(self.session, "poller", None)
        if poller is not None and not poller.caught_up:  # drafts may be on their way from the relay
            return "Looking for drafts on the relay…"
        return "No drafts to review. New ones arrive from the relay, or drop draft files here."

    def relay_read(self) -> None:
        """The relay's feed was read: an empty list may now say that there is nothing to review."""
        if self.list.model.rowCount() == 0:
            self.reload()

    def _select(self, draft_id: str, *, load: bool = True) -> None:
        row = self.list.model.keys().index(draft_id)
        proxy_index = self.list.proxy.mapFromSource(self.list.model.index(row, 0))
        self.list.table.blockSignals(not load)
        self.list.table.setCurrentIndex(proxy_index)
        self.list.table.blockSignals(False)

    def show_draft(self, draft_id: str) -> None:
        """Bring ``draft_id`` into the editor (the outbox page's "Open the draft"), listed or not."""
        if draft_id in self.list.model.keys():
            self._select(draft_id)
        if draft_id != self.draft_id:
            self.open(draft_id)

    def _refilter(self) -> None:
        """Apply the search and filters; the draft in the editor stays there (and selected, when
        it is still listed): filtering never opens another draft."""
        was, self._refiltering = self._refiltering, True
        try:
            proxy = self.list.proxy
            assert isinstance(proxy, DraftsFilterProxy)
            proxy.set_query(self.filters.query())
            if self.draft_id is not None and self.draft_id in self.list.model.keys():
                self._select(self.draft_id, load=False)
            if (
                not self.list.table.currentIndex().isValid()
                or self.list.table.currentIndex().data(KEY_ROLE) != self.draft_id
            ):
                self.list.table.selectionModel().clear()  # filtered out: no other row pretends to be open
        finally:
            self._refiltering = was

    def _selected(self, current, _previous=None) -> None:
        if not current.isValid() or self._refiltering:
            return
        draft_id = current.data(KEY_ROLE)
        if draft_id and draft_id != self.draft_id:
            self.open(draft_id)

    def step(self, delta: int) -> None:
        table = self.list.table
        row = table.currentIndex().row() + delta
        if 0 <= row < self.list.proxy.rowCount():
            table.setCurrentIndex(self.list.proxy.index(row, 0))

    # -- editor --------------------------------------------------------------
    def open(self, draft_id: str) -> None:
        self._flush_pending_save()
        self.draft_id = draft_id
        service = self.session.settings.service_account_email
        self.runner.run(
            self.session.store.call(editing.draft_view, draft_id, service),
            owner=self.editor,
            on_success=lambda v: self._show(draft_id, v),
            name="open draft",
        )

    def _check_lever_for_own_feedback(self, draft_id: str, opportunity_id: str) -> None:
        """Re-read the opportunity's feedback from Lever: the interviewer may have written theirs
        since the last sync. Offline, the cache's answer stands (and the outbox checks again)."""
        engine = self.session.engine
        if engine is None or getattr(engine, "state", None) == "offline":
            return

        async def check() -> list[str] | None:
            try:
                await engine.refresh_opportunity(opportunity_id)
            except Exception:  # noqa: BLE001 - unreachable now: the pre-send check still guards
                return None
            view = await self.session.store.call(editing.draft_view, draft_id, None)
            return None if view is None else view.own_feedback

        def show(notices: list[str] | None) -> None:
            if notices is None or draft_id != self.draft_id or self.view is None:
                return
            if notices != self.view.own_feedback:
                self.view.own_feedback = notices
                self.editor.set_own_feedback(notices)
                self.editor.approve.setEnabled(self._editable() and self._can_approve())
            self.own_feedback_checked.emit(draft_id)

        self.runner.run(check(), owner=self.editor, on_success=show, name="check Lever for the author's feedback")

    def _show(self, draft_id: str, view: editing.DraftView | None) -> None:
        if draft_id != self.draft_id:
            return  # the reviewer moved on meanwhile
        self.view = view
        if view is None or view.template is None:
            self.form = None
            self.editor.set_empty(
                "This draft's feedback form is not in the cache yet: sync (Ctrl+R), then open it again."
            )
            return
        from lever_desktop.forms import FeedbackForm

        rec = view.record
        form = FeedbackForm.from_template(view.template)
        notices = form.apply_draft(rec.document)
        form.restore({"values": rec.values or {}, "confirmed": rec.confirmed})
        self.form, self._form_draft_id = form, draft_id
        widget = self._built_forms().widget_for(rec.template_id, form, self.session.settings.confidence_threshold)
        interview = view.interview or {}
        self.editor.set_header(
            view.candidate,
            view.headline,
            form.title,
            rec.interviewer_email,
            interview.get("subject"),
            format_ms(rec.received_at),
        )
        labels = {f.id: f.label for f in form.fields}
        self._flags = [(_flag_text(f, labels), f) for f in rec.flags if checks.is_check(f, form)]
        notes = [f for f in rec.flags if not checks.is_check(f, form)]
        self._notes = [_flag_text(f, labels) for f in notes] + notices
        self._refreshable = rec.state in REVIEWABLE and any(f.get("code") in checks.REFRESHABLE for f in notes)
        self.editor.set_form(widget)
        self._refresh_flags()
        # The interviewer first; when Lever has no such user, the reviewer picks who authors it.
        choices: list[tuple[str, str | None]] = [(view.author or "Choose who authors it…", None)]
        if view.service_author:
            choices.append((f"Service account: {view.service_author}", self.session.settings.service_account_email))
        self.editor.set_authors(choices + list(view.other_authors), view.author_problem or "")
        self.editor.set_own_feedback(view.own_feedback)
        self._set_state_actions(rec.state)
        self.show_state(rec.state, rec.attention_reason, rec.lever_feedback_id, rec.readback, view.status)
        self._update_payload()
        self.loaded.emit(draft_id)
        if rec.state in REVIEWABLE:
            self._check_lever_for_own_feedback(draft_id, rec.opportunity_id)

    def _built_forms(self):
        """Built forms kept per template (ui/forms/built_forms.py); made on first use so the
        form widgets are imported only once a draft is opened."""
        if self._built is None:
            from lever_desktop.ui.forms.built_forms import BuiltForms

            def wire(widget) -> None:
                widget.valuesChanged.connect(self._values_changed)
                widget.approvableChanged.connect(self._approvable_changed)

            self._built = BuiltForms(wire)
            self.editor.keep_form = self._built.holds
        return self._built

    def _editable(self) -> bool:
        return self.view is not None and self.view.record.state in REVIEWABLE | {DraftState.AMENDING}

    def _set_state_actions(self, state: str) -> None:
        """What the reviewer may do in this state: edit and approve; or amend / withdraw a sent form."""
        editable = state in REVIEWABLE | {DraftState.AMENDING}
        self.editor.set_actions_enabled(editable, approvable=self._can_approve())
        self.editor.author.setEnabled(state in REVIEWABLE)  # a form in Lever keeps its author
        self.editor.approve.setText("Send amendment" if state == DraftState.AMENDING else "Approve")
        # not offered greyed out where it can never apply (sent, withdrawn, discarded, in the
        # outbox): at the window's minimum size the after-submission buttons need its room
        self.editor.approve.setVisible(editable)
        self.editor.set_after_submission(
            amend=state in (DraftState.SUBMITTED, DraftState.AMENDING),
            # one change at a time: Withdraw is offered again once the amendment is sent or cancelled
            # (beside "Cancel amendment" and "Send amendment" the bar did not fit the minimum size)
            withdraw=state == DraftState.SUBMITTED,
        )
        self.editor.amend.setText("Cancel amendment" if state == DraftState.AMENDING else "Amend")
        if self.editor.form_widget is not None:
            self.editor.form_widget.setEnabled(editable)

    def _can_approve(self) -> bool:
        """Also explains itself: the Approve button's tooltip lists what still blocks it."""
        if self.form is None or self.view is None:
            return False
        reasons = list(self.form.can_approve(self.session.settings.confidence_threshold).reasons)
        amending = self.view.record.state == DraftState.AMENDING  # the form in Lever keeps its author
        if not self.view.author and not amending and self.editor.chosen_author() is None:
            reasons.append(f"Choose who authors it: {self.view.author_problem}")
        if self.view.own_feedback and not self.editor.second_form.isChecked():
            reasons.append(
                f"{self.view.own_feedback[-1]}: read theirs in Lever; tick “Add this as a second "
                "form” to send yours as well, or discard this draft"
            )
        self.editor.approve.setToolTip(
            "Approve and submit to Lever (Ctrl+Enter)"
            if not reasons
            else plain_tooltip("Before approving:\n• " + "\n• ".join(reasons))
        )
        return not reasons

    def show_state(
        self, state: str, reason: str | None, feedback_id: str | None, readback: Any, status: str | None = None
    ) -> None:
        readback = readback or {}
        extra = list(readback.get("duplicates") or [])
        text = {
            "approved": ("Approved — queued for Lever. It goes out as soon as Lever is reachable.", "warn"),
            "submitting": ("Sending to Lever…", "warn"),
            "checking": (
                STATUS_WORDS["checking"] + " Its answer was lost; it is not sent again while Lever may "
                "still be storing it.",
                "warn",
            ),
            # Lever's form ids are in Technical details; the line says what happened in words.
            "submitted": ("✔ Submitted to Lever.", "ok"),
            "duplicate_in_lever": (
                f"Duplicate in Lever: Lever holds {1 + len(extra)} copies of this form from this "
                "approval. Remove the extra one.",
                "error",
            ),
            "needs_attention": (f"Needs attention: {attention_words(reason)}.", "error"),
            "discarded": ("Discarded.", "info"),
            "amending": (
                "Amending the form in Lever: edit, then Send amendment."
                + (f" Needs attention: {attention_words(reason)}." if reason else ""),
                "error" if reason else "info",
            ),
            "amend_queued": ("Amendment queued — it goes to Lever as soon as Lever is reachable.", "warn"),
            "withdrawing": ("Withdrawing from Lever…", "warn"),
            "withdrawn": ("Withdrawn: the form was deleted from Lever.", "info"),
        }.get(status or state)
        self.editor.remove_duplicate.setVisible(state == "submitted" and bool(extra))
        if text is not None and state == "submitted" and readback.get("differences"):
            text = (text[0] + " Lever's stored form differs from what you approved: see Activity.", "warn")
        elif text is not None and state == "submitted" and readback.get("error"):
            text = (text[0] + " (It could not be read back to compare: " + in_words(str(readback["error"])) + ")", "ok")
        self.editor.set_outcome(*(text or ("", "info")))

    def _refresh_flags(self) -> None:
        """A flag on a field counts as checked once that field no longer needs the reviewer."""
        form, threshold = self.form, self.session.settings.confidence_threshold
        self.editor.set_flags(
            [(text, form is not None and not checks.check_open(flag, form, threshold)) for text, flag in self._flags],
            self._notes,
            self._refreshable,
        )

    def _values_changed(self) -> None:
        self._refresh_flags()
        self.editor.approve.setEnabled(self._can_approve())
        self._save_timer.start()
        if self.editor.show_payload.isChecked():
            self._update_payload()

    def _author_chosen(self) -> None:
        self.editor.approve.setEnabled(self._editable() and self._can_approve())
        if self.editor.show_payload.isChecked():
            self._update_payload()

    def _approvable_changed(self, ok: bool) -> None:
        self.editor.approve.setEnabled(ok and self._can_approve())

    def values(self) -> dict[str, Any]:
        return {e["id"]: e["value"] for e in self.form.field_values(strict=False)} if self.form else {}

    def _flush_pending_save(self) -> None:
        if self._save_timer.isActive():
            self._save_timer.stop()
            self._save_values()

    def _save_values(self) -> None:
        if self.form is not None and self._form_draft_id is not None:
            # Then the list re-reads: its ⚠ count and State follow the edit (dataChanged, no reset).
            self.runner.run(
                self._save_now(), owner=self.page, on_success=lambda _none: self.reload(), name="save review"
            )

    def _save_now(self):
        """The open draft's values, read now: the task runs after the reviewer may have moved
        on to another draft, whose id must not receive these values."""
        draft_id, form, store = self._form_draft_id, self.form, self.session.store

        async def save() -> None:
            if form is None or draft_id is None or store is None:
                return
            state = form.state()
            values = {k: v for k, v in state["values"].items() if v is not None}
            await store.call(editing.save_values, draft_id, values, self.session.reviewer, state["confirmed"])

        return save()

    async def aclose(self) -> None:
        """Quitting: keep the edits of the open draft, and stop the save timer."""
        if self._save_timer.isActive():
            self._save_timer.stop()
            await self._save_now()

    def _update_payload(self) -> None:
        if self.form is None or self.view is None:
            return
        rec = self.view.record
        errors = [str(e) for e in self.form.errors()]
        if rec.state == DraftState.AMENDING:  # an edit of the form Lever holds: a PUT as its author
            author = (rec.author or {}).get("user_id") or "(the form's author)"
            self.editor.set_payload(
                {
                    "method": "PUT",
                    "path": paths.feedback_form(rec.opportunity_id, rec.lever_feedback_id or ""),
                    "params": {"perform_as": author},
                    "body": {"fieldValues": self.form.field_values(strict=False)},
                    **({"notYetValid": errors} if errors else {}),
                }
            )
            return
        if rec.lever_feedback_id and rec.state not in REVIEWABLE:  # what Lever holds, in its ids
            self.editor.set_payload(
                {
                    "leverFeedbackId": rec.lever_feedback_id,
                    "draftId": rec.draft_id,
                    "opportunityId": rec.opportunity_id,
                    "duplicates": (rec.readback or {}).get("duplicates") or [],
                    "author": rec.author,
                }
            )
            return
        body = build_body(
            rec.template_id,
            rec.panel_id,
            rec.interview_id,
            int(time.time() * 1000),
            self.form.field_values(strict=False),
        )
        chosen = self.editor.chosen_author()
        author = self.view.author_id if chosen is None else f"(the Lever user {chosen})"
        self.editor.set_payload(
            {
                "method": "POST",
                "path": paths.feedback(rec.opportunity_id),
                "params": {"perform_as": author or "(no Lever user found)"},
                "body": body,
                **({"notYetValid": errors} if errors else {}),
            }
        )

    # -- actions -------------------------------------------------------------
    def _on_screen(self) -> str | None:
        """The draft whose view is on screen, or None while the next one is still being read (Next,
        then Ctrl+Enter at once): the answers, author and questions shown are then the previous
        draft's, and an action must never apply them to the draft being opened."""
        if self.draft_id is None or self.view is None or self.view.record.draft_id != self.draft_id:
            return None
        return self.draft_id

    def approve_current(self) -> None:
        if self.form is None or self.draft_id is None or not self.editor.approve.isEnabled():
            return
        if self._form_draft_id != self.draft_id or self._on_screen() is None:
            return
        second = self.editor.second_form.isVisible() and self.editor.second_form.isChecked()
        self.runner.run(
            self.approve_draft(self.draft_id, self.values(), self.editor.chosen_author(), second),
            owner=self.editor,
            name="approve draft",
        )

    async def approve_draft(
        self, draft_id: str, values: dict[str, Any], chosen: str | None, second_form: bool = False
    ) -> None:
        confirm = False
        if chosen:  # not the interviewer: said in words and confirmed (review/authors.py)
            service = chosen.casefold() == (self.session.settings.service_account_email or "").casefold()
            interviewer = self.view.record.interviewer_email if self.view is not None else ""
            box = plain_message_box(
                QMessageBox(
                    QMessageBox.Icon.Question,
                    "Author as the service account?" if service else "Author as someone else?",
                    authors.confirmation(
                        chosen if service else self.editor.author.currentText(), interviewer, service_account=service
                    ),
                    QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                    self.editor,
                )
            )
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
            if await dialog_result(box) != QMessageBox.StandardButton.Yes:
                return
            confirm = service
        self.editor.approve.setEnabled(False)
        grace_s = self.session.settings.undo_grace_seconds
        try:
            result = await approve(
                self.session.store,
                draft_id,
                reviewer=self.session.reviewer,
                values=values,
                chosen_email=chosen,
                service_account_email=self.session.settings.service_account_email,
                confirm_service_account=confirm,
                add_second_form=second_form,
                grace_ms=int(grace_s * 1000),
            )
        except ApprovalError as e:
            if draft_id != self._on_screen():
                # The reviewer moved on while the cache was busy: said where approvals are told (the
                # bar), naming the draft; never on the next draft's editor, whose next read erased it.
                named = await self.session.store.call(lists.draft_labels, [draft_id])
                self.undo_bar.tell(f"{named.get(draft_id, 'The draft')} was not approved: {e.in_words()}", 10.0)
                self.reload()
                return
            labels = {f.id: f.label for f in self.form.fields} if self.form is not None else {}
            self.editor.set_outcome(e.in_words(labels), "error")
            self.editor.approve.setEnabled(self._can_approve())
            self.reload()
            return
        graced = result.method == "POST" and grace_s > 0
        if draft_id == self.draft_id:
            self.editor.set_outcome(
                f"Amendment approved — sending it to Lever as {result.author.name}…"
                if result.method == "PUT"
                else f"Approved — will be authored as {result.author.in_words()}. Sending…",
                "warn",
            )
            self.editor.set_after_submission(amend=False, withdraw=False)
            focused = QApplication.focusWidget()
            if focused is not None and self.editor.isAncestorOf(focused):
                # the form is locked under the focus, which would go nowhere: J/K, 1-4 and Y/N
                # did nothing on the next draft until a click; the list keeps the keys working
                self.list.table.setFocus(Qt.FocusReason.OtherFocusReason)
            self.editor.set_actions_enabled(False)
            if self.editor.form_widget is not None:
                self.editor.form_widget.setEnabled(False)
        if graced and result.send_after is not None:
            labels = await self.session.store.call(lists.draft_labels, [draft_id])
            # What is left of the stored grace: the store's thread may have kept the approval (and
            # this read) waiting behind a sync, and the outbox counts from the approval, not from here.
            left = (result.send_after - now_ms()) / 1000
            if left > 0:
                self.undo_bar.offer(draft_id, labels.get(draft_id, "the draft"), left)
        self.approved.emit(draft_id)
        if draft_id == self.draft_id:
            self._open_next_to_review(draft_id)
        self.reload()

    def _open_next_to_review(self, after: str) -> None:
        """After approving, the editor moves on to the next draft still to review (in list order,
        wrapping round), or stays on the approved one when none is left."""
        rows = [self.list.proxy.index(r, 0) for r in range(self.list.proxy.rowCount())]
        keys = [i.data(KEY_ROLE) for i in rows]
        start = keys.index(after) if after in keys else -1
        reviewable = {row.draft_id for row in self.list.model.rows() if row.reviewable}
        for index in rows[start + 1 :] + rows[: max(start, 0)]:
            if index.data(KEY_ROLE) in reviewable:
                self.list.table.setCurrentIndex(index)
                return

    def offer_undo_left_over(self) -> None:
        """At start: an approval whose grace outlived the last run (closed, or killed, within it)
        is offered Undo again for what is left of its grace, the newest one, as after Approve."""

        async def offer() -> None:
            graced = await self.session.store.call(still_in_grace, now_ms())
            if not graced or self.undo_bar.draft_id is not None:
                return
            draft_id, send_after = graced[-1]
            labels = await self.session.store.call(lists.draft_labels, [draft_id])
            left = (send_after - now_ms()) / 1000
            if left > 0 and self.undo_bar.draft_id is None:
                self.undo_bar.offer(draft_id, labels.get(draft_id, "the draft"), left)

        self.runner.run(offer(), owner=self.editor, name="offer undo after a restart")

    def undo_approval(self, draft_id: str) -> None:
        """Undo (the bar's button, Ctrl+Z): back to review with its values, unless the outbox claimed it."""
        self.runner.run(self._undo(draft_id), owner=self.editor, name="undo approval")

    async def _undo(self, draft_id: str) -> None:
        self.undo_bar.withdraw(draft_id)
        try:
            await self.session.store.call(undo, draft_id, self.session.reviewer)
        except UndoError as e:
            self.undo_bar.tell(str(e))
            return
        self.open(draft_id)  # back in the editor with its values; the list selects it as it re-reads
        self.reload()

    # -- notes a re-read of Lever may clear (intake.relink) ---------------------------------------
    def refresh_current(self) -> None:
        if self.draft_id is not None:
            self.runner.run(self._refresh(self.draft_id), owner=self.editor, name="refresh from Lever")

    async def _refresh(self, draft_id: str) -> None:
        if self.session.engine is None or self.session.engine.state == "offline":
            self.editor.set_outcome("Lever can't be reached now: refresh again once it is back.", "warn")
            return
        self.editor.refresh.setEnabled(False)
        try:
            await intake.relink(
                self.session.store,
                draft_id,
                engine=self.session.engine,
                threshold=self.session.settings.confidence_threshold,
            )
        finally:
            self.editor.refresh.setEnabled(True)
        if draft_id == self.draft_id:
            self.open(draft_id)
        self.reload()

    def discard_current(self) -> None:
        draft_id, view = self._on_screen(), self.view
        if draft_id is None or view is None:
            return
        self.runner.run(self._discard(draft_id), owner=self.editor, name="discard draft")

    async def _discard(self, draft_id: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Discard this draft?",
            "The draft will not be submitted to Lever. This cannot be undone.",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self.editor,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)  # Enter must not throw the draft away
        if await dialog_result(box) != QMessageBox.StandardButton.Discard:
            return
        await self.session.store.call(editing.discard, draft_id, self.session.reviewer)
        self.step(1)
        self.reload()

    # -- after submission: amend, withdraw (review/amend.py) -------------------------------------
    def amend_current(self) -> None:
        draft_id = self._on_screen()
        if draft_id is not None:
            self.runner.run(self._amend(draft_id), owner=self.editor, name="amend draft")

    async def _amend(self, draft_id: str) -> None:
        """Amend a submitted form, or (the same button while amending) cancel the amendment."""
        cancelling = self.view is not None and self.view.record.state == DraftState.AMENDING
        try:
            if cancelling:
                await amend.cancel(self.session.store, draft_id, reviewer=self.session.reviewer)
            else:
                await amend.reopen(self.session.store, draft_id, reviewer=self.session.reviewer)
        except amend.ChangeError as e:
            self.editor.set_outcome(str(e), "error")
            return
        self.open(draft_id)  # editable again (or read-only again), showing what Lever holds
        self.reload()

    def withdraw_current(self) -> None:
        draft_id, view = self._on_screen(), self.view
        if draft_id is None or view is None:
            return
        if view.withdraw_question:
            self.runner.run(self._withdraw(draft_id, view.withdraw_question), owner=self.editor, name="withdraw draft")
        elif view.withdraw_refusal:  # e.g. a duplicate to remove first: said, not ignored
            duplicate = bool((view.record.readback or {}).get("duplicates"))
            self.editor.set_outcome(
                "Lever holds this form twice: remove the duplicate first (Remove duplicate from Lever…), then withdraw."
                if duplicate
                else view.withdraw_refusal,
                "error",
            )

    async def _withdraw(self, draft_id: str, question: str) -> None:
        box = plain_message_box(  # names and the form's title come from Lever
            QMessageBox(
                QMessageBox.Icon.Warning,
                "Withdraw from Lever?",
                question,
                QMessageBox.StandardButton.Cancel,
                self.editor,
            )
        )
        box.setInformativeText("The form is deleted from Lever for everyone. The audit trail keeps a record.")
        delete = box.addButton("Withdraw from Lever", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        await dialog_result(box)
        if box.clickedButton() is not delete:
            return
        try:
            await amend.withdraw(self.session.store, draft_id, reviewer=self.session.reviewer)
        except amend.ChangeError as e:
            self.editor.set_outcome(str(e), "error")
            return
        if draft_id == draft_id:
            self._set_state_actions(DraftState.WITHDRAWING)
            self.show_state(DraftState.WITHDRAWING, None, None, None)
        self.approved.emit(draft_id)  # the outbox sends it
        self.reload()

    def outbox_progress(
        self,
        draft_id: str,
        state: str,
        reason: str | None,
        feedback_id: str | None,
        readback: Any,
        status: str | None = None,
    ) -> None:
        """The outbox moved a draft on: update the editor if it is showing that draft."""
        if draft_id == self.draft_id:
            if self.view is not None and self.view.record.state != state:
                self.open(draft_id)  # new actions (amend, withdraw) and the question to ask come with it
                return
            self.show_state(state, reason, feedback_id, readback, status)

    def remove_duplicate_current(self) -> None:
        draft_id, view = self._on_screen(), self.view
        if draft_id is None or view is None:
            return
        extra = (view.record.readback or {}).get("duplicates") or []
        if extra:
            self.runner.run(self._remove_duplicate(draft_id, extra[0]), owner=self.editor, name="remove duplicate")

    async def _remove_duplicate(self, draft_id: str, feedback_id: str) -> None:
        try:
            dup = await self.session.store.call(duplicates.find, draft_id, feedback_id)
        except duplicates.DuplicateError as e:
            self.editor.set_outcome(str(e), "error")
            return
        box = plain_message_box(  # names from Lever
            QMessageBox(
                QMessageBox.Icon.Warning,
                "Remove the duplicate from Lever?",
                dup.question(ids=False),
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                self.editor,
            )
        )
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        if await dialog_result(box) != QMessageBox.StandardButton.Yes:
            return
        try:
            await duplicates.remove(
                self.session.store, self.session.client, draft_id, feedback_id, actor=self.session.reviewer
            )
        except (LeverError, OSError) as e:
            self.editor.set_outcome(f"Lever did not delete the extra form. {explain_or_generic(e)}", "error")
            return
        if draft_id == draft_id:
            self.open(draft_id)
        self.reload()


def _flag_text(flag: dict[str, Any], labels: dict[str, str]) -> str:
    """ "Overall rating — the model was 40% sure", without repeating a label the message has."""
    message = str(flag.get("message") or flag.get("code", ""))
    label = labels.get(flag.get("fieldId") or "")
    return f"{label} — {message}" if label and not message.startswith(label) else message
