"""The drafts list's search box and filters against the real sandbox: they narrow the list by
candidate, interviewer, form and state, and never change the draft in the editor. And the
Received column in the person's locale. Waits are on effects."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime
from test_flows import TIMEOUT, desktop, sandbox_draft, shell  # noqa: F401  (fixtures)

from lever_desktop.ui.table_models import KEY_ROLE, SORT_ROLE, format_ms_short


def _listed(drafts) -> list[dict]:
    """The rows the list shows now, as {field: raw value}."""
    proxy, columns = drafts.list.proxy, drafts.list.model.columns
    return [
        {c.field: proxy.index(r, i).data(SORT_ROLE) for i, c in enumerate(columns)}
        | {"id": proxy.index(r, 0).data(KEY_ROLE)}
        for r in range(proxy.rowCount())
    ]


def _pick(combo, value) -> None:
    index = combo.findData(value)
    assert index > 0, (value, [combo.itemData(i) for i in range(combo.count())])
    combo.setCurrentIndex(index)


def test_search_and_filters_narrow_the_list_and_keep_the_open_draft(desktop, sandbox, qtbot, tmp_path):
    docs = [sandbox_draft(sandbox, None) for _ in range(3)]
    path = tmp_path / "drafts.json"
    path.write_text(json.dumps(docs), encoding="utf-8")
    desktop.window.files_dropped.emit([str(path)])
    drafts = desktop.controller.drafts
    ids = {d["draftId"] for d in docs}
    qtbot.waitUntil(lambda: ids <= set(drafts.list.model.keys()), timeout=TIMEOUT)
    rows = {r["id"]: r for r in _listed(drafts)}
    first, second, third = (rows[d["draftId"]] for d in docs)
    assert first["candidate"] != second["candidate"]
    drafts.open(second["id"])
    qtbot.waitUntil(lambda: drafts.view is not None and drafts.view.record.draft_id == second["id"], timeout=TIMEOUT)
    drafts.show_draft(second["id"])
    table, loaded = drafts.list.table, []
    drafts.loaded.connect(loaded.append)

    # The search: every word, any case, in the candidate, the interviewer or the form.
    surname = first["candidate"].split()[-1]
    drafts.filters.search.setText(surname.upper())
    assert sorted(r["id"] for r in _listed(drafts)) == sorted(
        r["id"]
        for r in rows.values()
        if surname.casefold() in f"{r['candidate']} {r['interviewer']} {r['form']}".casefold()
    )
    assert first["id"] in [r["id"] for r in _listed(drafts)]
    assert second["id"] not in [r["id"] for r in _listed(drafts)]
    assert drafts.draft_id == second["id"] and not table.currentIndex().isValid()  # nothing else opened
    drafts.filters.search.setText(f"{third['interviewer'].split('@')[0]} {third['form'][:4].lower()}")
    assert third["id"] in [r["id"] for r in _listed(drafts)]
    assert all(third["interviewer"] == r["interviewer"] and third["form"] == r["form"] for r in _listed(drafts))
    drafts.filters.search.clear()
    assert len(_listed(drafts)) == len(rows)
    assert table.currentIndex().data(KEY_ROLE) == second["id"]  # listed again, and selected again

    # The filters: one value of a field each, offered from what the list holds.
    combos = drafts.filters.combos
    _pick(combos["interviewer"], third["interviewer"])
    assert {r["interviewer"] for r in _listed(drafts)} == {third["interviewer"]}
    _pick(combos["form"], third["form"])
    _pick(combos["state"], third["state"])
    assert third["id"] in [r["id"] for r in _listed(drafts)]
    assert all(
        (r["interviewer"], r["form"], r["state"]) == (third["interviewer"], third["form"], third["state"])
        for r in _listed(drafts)
    )
    for combo in combos.values():
        combo.setCurrentIndex(0)
    assert len(_listed(drafts)) == len(rows)
    assert drafts.draft_id == second["id"] and table.currentIndex().data(KEY_ROLE) == second["id"]
    assert loaded == []  # the editor was never reloaded by filtering

    # Ctrl+F goes to the search of the page shown, never to a hidden one's.
    window = desktop.window
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    for page, search in (
        ("review", drafts.filters.search),
        ("candidates", desktop.controller.candidates.page.search),
        ("activity", desktop.controller.activity.page.search),
    ):
        window.show_page(page)
        window.nav.setFocus()
        qtbot.keyClick(window.nav, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(search.hasFocus)

    # Received today shows the time, in the locale's own way.
    received = drafts.list.model.column_of("received")
    cell = drafts.list.proxy.index(0, received)
    assert cell.data() == QLocale().toString(
        QDateTime.fromMSecsSinceEpoch(int(cell.data(SORT_ROLE))).time(), QLocale.FormatType.ShortFormat
    )


@pytest.fixture
def locale():
    before = QLocale()
    yield lambda name: QLocale.setDefault(QLocale(name))
    QLocale.setDefault(before)


def _ms(date: QDate, time: QTime = QTime(9, 30)) -> int:
    return QDateTime(date, time).toMSecsSinceEpoch()


def test_received_is_a_time_today_and_a_day_and_month_before_in_the_locales_order(locale):
    today = QDate.currentDate()
    earlier = QDate(today.year(), 3, 14) if (today.month(), today.day()) != (3, 14) else QDate(today.year(), 3, 15)
    last_year = QDate(today.year() - 1, 12, 3)
    locale("en_GB")
    assert format_ms_short(_ms(today, QTime(14, 5))) == "14:05"
    assert format_ms_short(_ms(earlier)) == f"{earlier.day()} Mar"
    assert format_ms_short(_ms(last_year)) == f"3 Dec {today.year() - 1}"
    locale("en_US")
    assert format_ms_short(_ms(today, QTime(14, 5))).replace("\u202f", " ") == "2:05 PM"
    assert format_ms_short(_ms(earlier)) == f"Mar {earlier.day()}"
    locale("de_DE")
    assert format_ms_short(_ms(earlier)).startswith(f"{earlier.day()} Mär")
    assert format_ms_short(None) == "" and format_ms_short(0) == ""
    assert dt.date.today().year == today.year()
