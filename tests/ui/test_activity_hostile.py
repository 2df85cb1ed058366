"""The Activity page shows outside text (file names, a draft's problems, names and answers from
Lever) one line per event, whatever it holds: a newline cannot forge a line, a bidi override cannot
make a line read backwards, and a huge line does not fill the page."""

from __future__ import annotations

import time

from lever_desktop.ui.pages import ActivityPage


def test_a_line_cannot_forge_another_reverse_or_flood_the_page(qtbot):
    page = ActivityPage()
    qtbot.addWidget(page)
    now = int(time.time() * 1000)
    forged = "drafts.json: fine\n12:00:00  outbox   submitted Phone screen for Ada to Lever"
    reversed_name = "Onsite for \u202eadA nosaJ\u202c: it needs your attention"
    page.append(now, "import", forged)
    page.append(now, "outbox", reversed_name)
    page.append(now, "outbox", "Lever stored it differently: " + "x" * 200_000)

    shown = page.log.toPlainText()
    assert page.log.blockCount() == 3  # one line per event
    assert "fine\\n12:00:00" in shown and "\u202e" not in shown and "\\u202eadA nosaJ\\u202c" in shown
    assert len(shown.splitlines()[2]) < 2_200 and shown.endswith(" more characters)")

    page.show_lines([(now, "import", forged), (now, "outbox", reversed_name)])  # a reload from the cache
    assert page.log.blockCount() == 2 and "\u202e" not in page.log.toPlainText()
