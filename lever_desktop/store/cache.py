"""Writes to the cache: what the sync engine stores, one transaction per call.

Plain functions taking the store's ``conn`` (run them through ``Store.call``).
Opportunities and postings never go back in time: a row is only replaced by a
record whose ``updatedAt`` is at least as new, so a slow page or a stale
webhook re-fetch cannot undo a newer change. Bulk paths use ``executemany``
with pre-built tuples; reads are in ``queries.py``, the candidate list's in ``candidates.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from lever_desktop.lever import models
from lever_desktop.store import mapping, privacy, schema
from lever_desktop.store.queries import (  # noqa: F401  (re-exported: callers use cache.<fn> only)
    count_opportunities,
    current_template,
    get_opportunity,
    get_state,
    get_user,
    list_archive_reasons,
    list_postings,
    list_stages,
    list_templates,
    list_users,
    states,
    template_version,
    users_by_email,
)

_CHUNK = 500  # ids per IN (...) list, well under SQLite's variable limit


def _chunks(seq: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for i in range(0, len(seq), _CHUNK):
        yield seq[i : i + _CHUNK]


def _in(conn: sa.Connection, sql: str, ids: Sequence[str]) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for part in _chunks(ids):
        out += conn.exec_driver_sql(sql.format(",".join("?" * len(part))), tuple(part)).fetchall()
    return out


def _upsert_sql(table: str, columns: Sequence[str], guard: bool) -> str:
    cols = ", ".join(f'"{c}"' for c in columns)
    sets = ", ".join(f'"{c}"=excluded."{c}"' for c in columns[1:])
    where = f" WHERE COALESCE(excluded.updated_at, -1) >= COALESCE({table}.updated_at, -1)" if guard else ""
    marks = ", ".join("?" * len(columns))
    return f"INSERT INTO {table} ({cols}) VALUES ({marks}) ON CONFLICT(id) DO UPDATE SET {sets}{where}"


_OPP_UPSERT = _upsert_sql("opportunities", mapping.OPPORTUNITY_COLUMNS, guard=True)
_POSTING_UPSERT = _upsert_sql("postings", mapping.POSTING_COLUMNS, guard=True)


Parsed = tuple[models.Opportunity, dict[str, Any]]  # the model and the record Lever sent


def _newest(parsed: Iterable[Parsed]) -> list[Parsed]:
    """One record per id: the most recently updated (a page may repeat a record)."""
    best: dict[str, Parsed] = {}
    for o, raw in parsed:
        have = best.get(o.id)
        if have is None or (o.updated_at or -1) >= (have[0].updated_at or -1):
            best[o.id] = (o, raw)
    return list(best.values())


def upsert_opportunities(conn: sa.Connection, records: Sequence[dict[str, Any]], synced_at: int) -> int:
    """Store a page of opportunities (and their posting links); returns how many were applied.

    Deleted opportunities (tombstoned) are not resurrected by a late page.
    """
    parsed = models.parse(models.Opportunity, records)
    if not parsed:
        return 0
    ids = [o.id for o, _ in parsed]
    existing = dict(_in(conn, "SELECT id, updated_at FROM opportunities WHERE id IN ({})", ids))
    dead = {i for (i,) in _in(conn, "SELECT opportunity_id FROM tombstones WHERE opportunity_id IN ({})", ids)}
    fresh = [
        (o, raw)
        for o, raw in _newest(p for p in parsed if p[0].id not in dead)
        if o.id not in existing or (o.updated_at or -1) >= (existing[o.id] or -1)
    ]
    if not fresh:
        return 0
    # The upsert overwrites the name the Activity lines know them by: forget those lines first.
    privacy.forget_activity_of(conn, [o.id for o, _ in fresh if o.is_anonymized])
    conn.exec_driver_sql(_OPP_UPSERT, [mapping.opportunity_row(o, raw, synced_at) for o, raw in fresh])
    links, relinked = [], []
    for o, _ in fresh:
        postings = o.posting_ids()
        if postings is not None:
            relinked.append(o.id)
            links += [(o.id, p) for p in postings]
    for part in _chunks(relinked):
        conn.exec_driver_sql(
            f"DELETE FROM opportunity_postings WHERE opportunity_id IN ({','.join('?' * len(part))})", tuple(part)
        )
    if links:
        conn.exec_driver_sql("INSERT OR IGNORE INTO opportunity_postings VALUES (?, ?)", links)
    # Every opportunity reaches the cache through here (walks, refreshes, webhooks): an anonymised
    # one is stripped in the same transaction, so its name is never committed.
    privacy.purge_anonymised(conn, [o.id for o, _ in fresh if o.is_anonymized], synced_at)
    return len(fresh)


def upsert_postings(conn: sa.Connection, records: Sequence[dict[str, Any]], synced_at: int) -> int:
    rows = [mapping.posting_row(p, raw, synced_at) for p, raw in models.parse(models.Posting, records)]
    if rows:
        conn.exec_driver_sql(_POSTING_UPSERT, rows)
    return len(rows)


def _replace(conn: sa.Connection, table: sa.Table, rows: list[dict[str, Any]]) -> int:
    """Upsert small reference lists (stages, users, archive reasons): Lever's word is final."""
    if not rows:
        return 0
    stmt = sqlite_insert(table)
    keys = [c for c in rows[0] if c != "id"]
    conn.execute(stmt.on_conflict_do_update(index_elements=["id"], set_={k: stmt.excluded[k] for k in keys}), rows)
    return len(rows)


def upsert_stages(conn: sa.Connection, records: Sequence[dict[str, Any]], synced_at: int, start: int = 0) -> int:
    """``start``: position of the first record in Lever's pipeline order (pages keep the order)."""
    rows = [
        {"id": s.id, "text": s.text, "position": start + i, "raw": raw, "synced_at": synced_at}
        for i, (s, raw) in enumerate(models.parse(models.Stage, records))
    ]
    return _replace(conn, schema.stages, rows)


def upsert_users(conn: sa.Connection, records: Sequence[dict[str, Any]], synced_at: int) -> int:
    rows = [mapping.user_row(u, raw, synced_at) for u, raw in models.parse(models.User, records)]
    return _replace(conn, schema.users, rows)


def upsert_archive_reasons(conn: sa.Connection, records: Sequence[dict[str, Any]], synced_at: int) -> int:
    rows = [mapping.archive_reason_row(r, raw, synced_at) for r, raw in models.parse(models.ArchiveReason, records)]
    return _replace(conn, schema.archive_reasons, rows)


def _known_version(conn: sa.Connection, template_id: str, version: str) -> str | None:
    """The stored version of ``template_id`` that sends what ``version`` sends, if any.

    Versions cached before version hashes meant "what the form sends" hashed the whole
    definition: a stored version whose definition hashes to ``version`` today is the same
    version, and keeps its old name, so drafts approved against it are not sent back to review.
    """
    t = schema.feedback_templates
    rows = conn.execute(
        sa.select(t.c.version, t.c.raw, t.c.fields)
        .where(t.c.template_id == template_id)
        .order_by(t.c.current.desc(), t.c.fetched_at.desc())
    ).all()
    if any(r.version == version for r in rows):
        return version
    for r in rows:
        stored = models.parse(models.FeedbackTemplate, [{**(r.raw or {}), "id": template_id, "fields": r.fields}])
        if stored and mapping.template_version(stored[0][0]) == version:
            return r.version
    return None


def upsert_templates(conn: sa.Connection, records: Sequence[dict[str, Any]], fetched_at: int) -> int:
    """Store templates by version; returns how many versions were new.

    The version Lever sends now becomes ``current``; older versions stay, so a
    draft written against one keeps its form after the template is edited. An
    edit that does not change what the form sends (instructions, labels, order)
    updates the current version in place.
    """
    t = schema.feedback_templates
    new = 0
    for template, record in models.parse(models.FeedbackTemplate, records):
        row = mapping.template_row(template, record, fetched_at)
        version = _known_version(conn, template.id, row["version"])
        key = (t.c.template_id == template.id) & (t.c.version == (version or row["version"]))
        conn.execute(sa.update(t).where((t.c.template_id == template.id) & ~key).values(current=False))
        if version is None:
            conn.execute(sa.insert(t).values(**row))
            new += 1
        else:
            keep = ("template_id", "version", "first_seen_at")
            conn.execute(sa.update(t).where(key).values(**{k: v for k, v in row.items() if k not in keep}))
    return new


def replace_opportunity_details(
    conn: sa.Connection,
    opportunity_id: str,
    panels: Sequence[dict[str, Any]],
    interviews: Sequence[dict[str, Any]],
    feedback: Sequence[dict[str, Any]] | None,
    synced_at: int,
) -> bool:
    """Replace an opportunity's panels, interviews and feedback (false if it is not cached).

    ``feedback=None`` keeps the cached feedback (an interview webhook re-reads only panels and
    interviews); ``details_synced_at`` then stays as it was, since not every detail was re-read.
    """
    writable = _details_writable(conn, opportunity_id)
    if writable is not True:
        return writable is not None
    replaced = (schema.panels, schema.interviews) + ((schema.feedback,) if feedback is not None else ())
    for table in replaced:
        conn.execute(sa.delete(table).where(table.c.opportunity_id == opportunity_id))
    parsed_panels = models.parse(models.Panel, panels)
    panel_rows = [mapping.panel_row(p, raw, opportunity_id) for p, raw in parsed_panels]
    # Interviews come from /interviews and inside each panel: one row each, the richest wins.
    merged: dict[str, dict[str, Any]] = {}
    for p, _ in parsed_panels:
        for i in p.interviews:
            merged[i["id"]] = {"panel": p.id, **i}
    for i in interviews:
        if isinstance(i, dict) and isinstance(i.get("id"), str):
            merged[i["id"]] = {**merged.get(i["id"], {}), **i}
    interview_rows, people = [], []
    for i, raw in models.parse(models.Interview, list(merged.values())):
        interview_rows.append(mapping.interview_row(i, raw, opportunity_id))
        people += mapping.interviewer_rows(i)
    feedback_rows = _feedback_rows(opportunity_id, feedback or ())
    for table, rows in (
        (schema.panels, panel_rows),
        (schema.interviews, interview_rows),
        (schema.interview_interviewers, people),
        (schema.feedback, feedback_rows),
    ):
        if rows:
            conn.execute(sa.insert(table).prefix_with("OR REPLACE"), rows)
    if feedback is not None:
        conn.execute(
            sa.update(schema.opportunities)
            .where(schema.opportunities.c.id == opportunity_id)
            .values(details_synced_at=synced_at)
        )
    return True


def _details_writable(conn: sa.Connection, opportunity_id: str) -> bool | None:
    """True when the opportunity's details may be replaced; None when it is not cached; False when
    Lever anonymised the candidate (nothing of theirs is kept, store/privacy.py)."""
    o = schema.opportunities
    if conn.execute(sa.select(o.c.id).where(o.c.id == opportunity_id)).first() is None:
        return None
    return not privacy.anonymised_in_cache(conn, opportunity_id)


def _feedback_rows(opportunity_id: str, feedback: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        mapping.feedback_row(f, raw, opportunity_id)
        for f, raw in models.parse(models.Feedback, feedback)
        if not f.deleted
    ]


def replace_feedback(conn: sa.Connection, opportunity_id: str, feedback: Sequence[dict[str, Any]]) -> bool:
    """Replace an opportunity's cached feedback only (false if it is not cached)."""
    writable = _details_writable(conn, opportunity_id)
    if writable is not True:
        return writable is not None
    conn.execute(sa.delete(schema.feedback).where(schema.feedback.c.opportunity_id == opportunity_id))
    rows = _feedback_rows(opportunity_id, feedback)
    if rows:
        conn.execute(sa.insert(schema.feedback).prefix_with("OR REPLACE"), rows)
    return True


def apply_tombstones(conn: sa.Connection, records: Sequence[dict[str, Any]], recorded_at: int) -> int:
    """Record deletions and drop the opportunities (children cascade); returns tombstones recorded."""
    rows = [mapping.tombstone_row(d, recorded_at) for d, _ in models.parse(models.DeletedOpportunity, records)]
    if not rows:
        return 0
    conn.exec_driver_sql("INSERT OR REPLACE INTO tombstones VALUES (?, ?, ?, ?)", rows)
    for part in _chunks([r[0] for r in rows]):
        conn.exec_driver_sql(f"DELETE FROM opportunities WHERE id IN ({','.join('?' * len(part))})", tuple(part))
    return len(rows)


def set_state(conn: sa.Connection, key: str, value: Any, now: int) -> None:
    """Sync bookkeeping (watermarks, cursors, last success): committed with the data it describes."""
    stmt = sqlite_insert(schema.sync_state).values(key=key, value=value, updated_at=now)
    conn.execute(stmt.on_conflict_do_update(index_elements=["key"], set_={"value": value, "updated_at": now}))


def delete_state(conn: sa.Connection, key: str) -> None:
    conn.execute(sa.delete(schema.sync_state).where(schema.sync_state.c.key == key))


def record_webhook_delivery(
    conn: sa.Connection,
    dedup_key: str,
    body: str,
    verdict: str,
    received_at: int,
    *,
    event: str | None = None,
    triggered_at: int | None = None,
    reason: str | None = None,
) -> bool:
    """Keep a delivery verbatim; False when this key was already recorded (a Lever retry)."""
    stmt = (
        sqlite_insert(schema.webhook_deliveries)
        .values(
            dedup_key=dedup_key,
            event=event,
            triggered_at=triggered_at,
            received_at=received_at,
            body=body,
            verdict=verdict,
            reason=reason,
        )
        .on_conflict_do_nothing(index_elements=["dedup_key"])
    )
    return conn.execute(stmt).rowcount == 1


def purge_template_versions(conn: sa.Connection, now: int, days: int = 30) -> int:
    """Forget superseded template versions Lever last confirmed over ``days`` ago; returns how many.

    The current version always stays, and so does any version a draft or an outbox entry was
    linked or approved against (drift detection and offline review read it).
    """
    return conn.exec_driver_sql(
        """
        DELETE FROM feedback_templates
        WHERE NOT current AND fetched_at < ?
          AND NOT EXISTS (SELECT 1 FROM drafts d WHERE d.template_id = feedback_templates.template_id
                          AND d.template_version = feedback_templates.version)
          AND NOT EXISTS (SELECT 1 FROM outbox o JOIN drafts d ON d.draft_id = o.draft_id
                          WHERE d.template_id = feedback_templates.template_id
                          AND o.template_version = feedback_templates.version)
        """,
        (now - days * 86_400_000,),
    ).rowcount


def purge_webhook_deliveries(conn: sa.Connection, now: int, days: int = 30) -> int:
    w = schema.webhook_deliveries
    return conn.execute(sa.delete(w).where(w.c.received_at < now - days * 86_400_000)).rowcount
