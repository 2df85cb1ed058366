"""What this computer forgets: anonymised candidates, and submitted drafts past their retention.

When Lever anonymises a candidate (its data-protection flow: ``isAnonymized: true``), the copy
here must go too. The cache keeps a bare row (id, stage, owner, dates — no name, email, phone,
tags or Lever's record) so a late page cannot bring the person back and the outbox still knows
the opportunity; panels, interviews and feedback are dropped. Each draft of that candidate
loses its text (document fields, values, evidence, rationale, read-back, audit details, the
outbox body's ``fieldValues``) and keeps what exactly-once needs: ids, states, author,
``completedAt``; the Activity log loses every line naming the candidate. A draft not yet sent
goes to needs attention; one possibly in flight stays ``submitting`` so the outbox still
recognises or rules out its form in Lever, and can never be sent again once purged
(``withheld``: the outbox and approval refuse it).

Retention purges the same text from drafts submitted more than N days ago (the rows stay:
a pipeline re-delivering the same draftId must still find it and not submit it twice).

The database runs with ``secure_delete`` (``db.py``), so purged text does not linger in free
pages, and the sync engine empties the write-ahead log after each pass (``Store.checkpoint``),
so it does not linger there either. The backups next to the cache (``store/integrity.py``) were
copied before the purge: after a pass that purged anything, the same purge runs in each of them
(``scrub_backups``), and a backup of another schema version, which it cannot run in, is removed.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import exc as sa_exc
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lever_desktop.config import DEFAULT_RETENTION_DAYS
from lever_desktop.review import drafts
from lever_desktop.review.lifecycle import AttentionReason, DraftState
from lever_desktop.store import activity, schema
from lever_desktop.store.driver import sqlite_connection
from lever_desktop.store.review_schema import draft_audit, outbox
from lever_desktop.store.review_schema import drafts as drafts_t

_log = logging.getLogger(__name__)

DAY_MS = 86_400_000
# sync_state: how many purges removed text from this cache, and at which count its backups were
# last given the same purge (they lag behind until the pass that purged has scrubbed them).
PURGES, BACKUPS_SCRUBBED = "privacy.purges", "privacy.backups_scrubbed"
PURGED = "purged"  # key of a purged draft document: {"at": ms, "why": "anonymised" | "retention"}
ANONYMISED, RETENTION = "anonymised", "retention"
ANONYMISED_MESSAGE = (
    "The candidate was anonymised in Lever: this draft's text was removed from this computer and it will not be sent."
)
# The document keys that are ids and times, never a person's words.
_DOCUMENT_KEPT = (
    "schema",
    "draftId",
    "opportunityId",
    "templateId",
    "panelId",
    "interviewId",
    "interviewerEmail",
    "createdAt",
    "model",
)
# Audit details that are ids, versions and counts; everything else (values, bodies, Lever's
# messages quoting answers) goes.
_AUDIT_KEPT = (
    "leverFeedbackId",
    "reconciled",
    "attempts",
    "templateVersion",
    "approvedVersion",
    "currentVersion",
    "nextAttemptAt",
    "from",
    "to",
)
# States a purged draft cannot stay in: there is nothing left to review or send.
_TO_ATTENTION = (DraftState.RECEIVED, DraftState.IN_REVIEW, DraftState.APPROVED)


def is_anonymised(record: Any) -> bool:
    """Lever's word on an opportunity record (a dict as the API sends it)."""
    return isinstance(record, dict) and record.get("isAnonymized") is True


def is_purged(document: dict[str, Any] | None) -> bool:
    return isinstance(document, dict) and bool(document.get(PURGED))


def withheld(conn: sa.Connection, document: dict[str, Any] | None, opportunity_id: str, now: int) -> bool:
    """Whether a draft must not be approved or sent: its text was purged, or its candidate was
    anonymised since it arrived (a relay delivery after the purge: it is purged now)."""
    if is_purged(document):
        return True
    if anonymised_in_cache(conn, opportunity_id):
        purge_anonymised(conn, [opportunity_id], now)
        return True
    return False


def anonymised_in_cache(conn: sa.Connection, opportunity_id: str) -> bool:
    row = conn.exec_driver_sql(
        "SELECT json_extract(raw, '$.isAnonymized') FROM opportunities WHERE id = ?", (opportunity_id,)
    ).first()
    return row is not None and row[0] == 1


def purge_anonymised(conn: sa.Connection, opportunity_ids: Iterable[str], now: int) -> int:
    """Forget anonymised candidates and their drafts' text; returns how many drafts were purged."""
    o = schema.opportunities
    purged, removed = 0, False
    for oid in dict.fromkeys(opportunity_ids):
        row = conn.execute(sa.select(o.c.updated_at, o.c.name, o.c.raw).where(o.c.id == oid)).first()
        if row is not None:
            removed = forget_activity_of(conn, [oid]) > 0 or removed
            removed = (
                removed
                or row.name is not None
                or not (isinstance(row.raw, dict) and set(row.raw) <= {"id", "isAnonymized", "updatedAt"})
            )
            conn.execute(
                sa.update(o)
                .where(o.c.id == oid)
                .values(
                    name=None,
                    headline=None,
                    email=None,
                    phone=None,
                    location=None,
                    origin=None,
                    sources=[],
                    tags=[],
                    search_text="",
                    raw={"id": oid, "isAnonymized": True, "updatedAt": row.updated_at},
                    details_synced_at=now,
                )
            )
            for table in (schema.panels, schema.interviews, schema.feedback):
                removed = conn.execute(sa.delete(table).where(table.c.opportunity_id == oid)).rowcount > 0 or removed
        purged += _purge_drafts(conn, drafts_t.c.opportunity_id == oid, ANONYMISED, now)
    if removed or purged:
        _count_purge(conn, now)
    return purged


def forget_activity_of(conn: sa.Connection, opportunity_ids: Iterable[str]) -> int:
    """Delete the Activity lines naming these candidates ("submitted Phone screen for Frances Haddad
    to Lever"), by the name still cached, or by the opportunity id where a line fell back to it.
    Called before a page from Lever overwrites the name, and again by the purge."""
    o = schema.opportunities
    gone = 0
    for oid in dict.fromkeys(opportunity_ids):
        name = conn.execute(sa.select(o.c.name).where(o.c.id == oid)).scalar()
        gone += activity.forget_naming(conn, [name or "", oid])
    return gone


def purge_submitted(conn: sa.Connection, now: int, days: int = DEFAULT_RETENTION_DAYS) -> int:
    """Purge the text of drafts submitted over ``days`` ago (last change); returns how many."""
    old = (drafts_t.c.state == DraftState.SUBMITTED.value) & (drafts_t.c.updated_at < now - days * DAY_MS)
    purged = _purge_drafts(conn, old, RETENTION, now)
    if purged:
        _count_purge(conn, now)
    return purged


def _count_purge(conn: sa.Connection, now: int) -> None:
    count = (
        int(conn.execute(sa.select(schema.sync_state.c.value).where(schema.sync_state.c.key == PURGES)).scalar() or 0)
        + 1
    )
    stmt = sqlite_insert(schema.sync_state).values(key=PURGES, value=count, updated_at=now)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": count, "updated_at": now}))


def scrub_backups(
    conn: sa.Connection, backups: list[Path], now: int, retention_days: int, connect: Callable[[Path], sa.Engine]
) -> list[str]:
    """Give the backups the purges this cache had since they were last scrubbed; what was done to
    each, in words. ``connect`` opens a backup like the cache (``secure_delete`` on)."""
    state = dict(
        conn.execute(
            sa.select(schema.sync_state.c.key, schema.sync_state.c.value).where(
                schema.sync_state.c.key.in_([PURGES, BACKUPS_SCRUBBED])
            )
        ).all()
    )
    due = int(state.get(PURGES) or 0)
    if due == int(state.get(BACKUPS_SCRUBBED) or 0):
        return []
    head = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    anonymised = [
        r[0] for r in conn.exec_driver_sql("SELECT id FROM opportunities WHERE json_extract(raw, '$.isAnonymized') = 1")
    ]
    done = [_scrub_backup(path, head, anonymised, now, retention_days, connect) for path in backups]
    stmt = sqlite_insert(schema.sync_state).values(key=BACKUPS_SCRUBBED, value=due, updated_at=now)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": due, "updated_at": now}))
    return done


def _still_held(conn: sa.Connection, anonymised: set[str]) -> list[str]:
    """Which of the anonymised candidates this (backup) database still holds anything of."""
    if not anonymised:
        return []
    held = {
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT id FROM opportunities WHERE json_extract(raw, '$.isAnonymized') IS NOT 1 OR name IS NOT NULL "
            "UNION SELECT opportunity_id FROM panels UNION SELECT opportunity_id FROM interviews "
            "UNION SELECT opportunity_id FROM feedback "
            "UNION SELECT opportunity_id FROM drafts WHERE json_extract(document, '$.purged') IS NULL"
        )
    }
    return sorted(held & anonymised)


def _scrub_backup(
    path: Path,
    head: str | None,
    anonymised: list[str],
    now: int,
    retention_days: int,
    connect: Callable[[Path], sa.Engine],
) -> str:
    engine = connect(path)
    try:
        with engine.begin() as backup:
            version = backup.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            if version != head:
                raise ValueError(f"schema {version}, not {head}")
            ids = _still_held(backup, set(anonymised))
            if ids:
                purge_anonymised(backup, ids, now)
            purged = purge_submitted(backup, now, retention_days)
        if not ids and not purged:
            return f"{path.name} holds nothing purged"
        with engine.connect() as backup:  # rewrite the file: no page of the old text is left anywhere
            sqlite_connection(backup).execute("VACUUM")
    except (ValueError, sa_exc.SQLAlchemyError, OSError) as e:
        engine.dispose()
        # It holds text Lever asked us to forget and cannot be cleaned: a backup is not worth that.
        path.unlink(missing_ok=True)
        _log.warning(
            "privacy: removed the backup %s, which held purged text and could not be cleaned (%s)", path.name, e
        )
        return f"removed {path.name}"
    finally:
        engine.dispose()
    _log.info("privacy: purged text removed from the backup %s too", path.name)
    return f"scrubbed {path.name}"


def maintain(conn: sa.Connection, now: int, retention_days: int = DEFAULT_RETENTION_DAYS) -> dict[str, int]:
    """The nightly pass: retention, and drafts that reached an anonymised candidate after the purge."""
    late = conn.exec_driver_sql(
        "SELECT DISTINCT d.opportunity_id FROM drafts d JOIN opportunities o ON o.id = d.opportunity_id "
        "WHERE json_extract(o.raw, '$.isAnonymized') = 1 AND json_extract(d.document, '$.purged') IS NULL"
    ).fetchall()
    return {
        "retention": purge_submitted(conn, now, retention_days),
        "anonymised": purge_anonymised(conn, [r[0] for r in late], now),
    }


def _purge_drafts(conn: sa.Connection, where: Any, why: str, now: int) -> int:
    rows = conn.execute(
        sa.select(drafts_t.c.draft_id, drafts_t.c.state)
        .where(where)
        .where(sa.func.json_extract(drafts_t.c.document, "$.purged").is_(None))
    ).fetchall()
    for draft_id, state in rows:
        rec = drafts.get(conn, draft_id)
        assert rec is not None
        _strip_audit(conn, draft_id)
        conn.execute(
            sa.update(drafts_t)
            .where(drafts_t.c.draft_id == draft_id)
            .values(
                document=drafts.dumps(
                    {
                        **{k: rec.document[k] for k in _DOCUMENT_KEPT if k in rec.document},
                        "fields": [],
                        PURGED: {"at": now, "why": why},
                    }
                ),
                values_json=None,
                flags_json="[]",
                readback_json=None,
            )
        )
        body = conn.execute(sa.select(outbox.c.payload_json).where(outbox.c.draft_id == draft_id)).scalar()
        if body is not None:
            ids = {k: v for k, v in json.loads(body).items() if k != "fieldValues"}
            # completedAt, template, panel and interview stay: they are how a form in flight is recognised.
            conn.execute(
                sa.update(outbox)
                .where(outbox.c.draft_id == draft_id)
                .values(
                    payload_json=drafts.dumps({**ids, "fieldValues": []}),
                    last_error=ANONYMISED_MESSAGE if why == ANONYMISED else None,
                )
            )
        if why != ANONYMISED:
            drafts.write_audit(conn, draft_id, "privacy", "purged", {"why": why})
        elif state in _TO_ATTENTION:
            drafts.transition(
                conn,
                draft_id,
                DraftState.NEEDS_ATTENTION,
                actor="privacy",
                event="purged",
                detail={"why": why, "message": ANONYMISED_MESSAGE},
                attention_reason=AttentionReason.OPPORTUNITY_ANONYMISED.value,
            )
        else:
            if state == DraftState.NEEDS_ATTENTION:
                conn.execute(
                    sa.update(drafts_t)
                    .where(drafts_t.c.draft_id == draft_id)
                    .values(attention_reason=AttentionReason.OPPORTUNITY_ANONYMISED.value)
                )
            drafts.write_audit(conn, draft_id, "privacy", "purged", {"why": why, "message": ANONYMISED_MESSAGE})
    return len(rows)


def _strip_audit(conn: sa.Connection, draft_id: str) -> None:
    for entry_id, detail in conn.execute(
        sa.select(draft_audit.c.id, draft_audit.c.detail_json).where(draft_audit.c.draft_id == draft_id)
    ).fetchall():
        try:
            value = json.loads(detail or "{}")
        except ValueError:
            value = {}
        kept = {k: v for k, v in value.items() if k in _AUDIT_KEPT} if isinstance(value, dict) else {}
        conn.execute(sa.update(draft_audit).where(draft_audit.c.id == entry_id).values(detail_json=drafts.dumps(kept)))
