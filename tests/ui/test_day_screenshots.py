"""Screenshots of My week, a record's History and What if, for people to look at (saved in
``screenshots/`` with the screen's size in the name). Run once per screen size::

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1366x768x24" \\
        .venv/bin/python -m pytest -m xvfb tests/ui/test_day_screenshots.py
    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1024x700x24" \\
        .venv/bin/python -m pytest -m xvfb tests/ui/test_day_screenshots.py

The window opens as on a first start (its size chosen for the screen). Skipped with no
display.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from probation_desk.domain.dates import uk
from probation_desk.domain.nsi import NsiFields
from probation_desk.domain.people import PersonDetails, PrintNeeds
from probation_desk.settings import Settings
from tests.ui.conftest import TODAY, open_window, wait_idle
from tests.ui.test_screenshots import save, settle

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.gui,
    pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (xvfb-run)"),
]


def test_day_screens(qtbot: Any, db_url: str, other_desk: Any) -> None:
    sian = other_desk.person_by_crn("L900001")
    other_desk.open_nsi(sian.id, NsiFields("MAPS", referral_date=TODAY,
                                           notes="Working on what matters most."))
    d = other_desk.person(sian.id)
    other_desk.update_person(sian.id, PersonDetails(
        d.crn, d.name, d.date_of_birth, d.region, "Hackney and City", d.practitioner,
        d.language, PrintNeeds.LARGE), d.version)
    from probation_desk.domain.contacts import ContactDetails

    bola = other_desk.person_by_crn("L900002")
    for who, days, hour, kind in ((sian, -3, 10, "OFFICE_VISIT"), (bola, -2, 14, "HOME_VISIT"),
                                  (sian, -1, 9, "TELEPHONE"), (bola, 0, 11, "OFFICE_VISIT")):
        at = dt.datetime.combine(TODAY + dt.timedelta(days=days), dt.time(hour, 30))
        other_desk.add_contact(who.id, ContactDetails(kind, at, None, None, False, None))
    w = open_window(qtbot, db_url, size=None,
                    settings=Settings(user_name="Nia Lloyd", region="London",
                                      role="REGIONAL_LEAD"))
    settle(qtbot, w)
    room = w.screen().availableGeometry()
    size = f"{room.width()}x{room.height()}"
    save(w, f"day-{size}-1-first-window")
    assert w.statusBar().isVisible()
    # The whole window on the screen: a long database path is elided, not widening it.
    frame = w.frameGeometry()
    assert frame.right() <= room.right() and frame.bottom() <= room.bottom()
    assert w.db_label.text().endswith("desk.sqlite3")

    w.show_section(4)  # My week
    qtbot.waitUntil(lambda: w.stack.currentWidget().__class__.__name__ == "WeekPage",
                    timeout=10000)
    week = w.stack.currentWidget()
    qtbot.waitUntil(lambda: week.diary is not None, timeout=10000)
    settle(qtbot, w)
    qtbot.wait(400)
    save(w, f"day-{size}-2-my-week")
    assert w.frameGeometry().right() <= room.right()  # My week never widens the window
    with qtbot.waitSignal(week.loaded, timeout=20000):
        week.everyone.setChecked(True)
    settle(qtbot, w)
    save(w, f"day-{size}-2b-my-week-everyone")

    w.open_case(sian.id)
    qtbot.waitUntil(lambda: w.record.data is not None
                    and w.record.data.person.id == sian.id, timeout=10000)
    panel = w.record.changes_panel
    with qtbot.waitSignal(panel.loaded, timeout=10000):
        w.record.tabs.setCurrentWidget(panel)
    settle(qtbot, w)
    save(w, f"day-{size}-3-history")

    from probation_desk.ui.what_if_dialog import WhatIfDialog

    w.show_section(1)
    settle(qtbot, w)
    save(w, f"day-{size}-5-worklist")
    box = w.worklist.toolkit
    assert box.width() >= box.fontMetrics().horizontalAdvance(box.currentText()) + 20
    w.worklist.what_if()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), WhatIfDialog),
                    timeout=5000)
    dlg = QApplication.activeModalWidget()
    assert isinstance(dlg, WhatIfDialog)
    dlg.toolkit.setCurrentIndex(dlg.toolkit.findData("MAPS"))
    dlg.region.setCurrentIndex(0)
    dlg.withdrawn_on.setText(uk(TODAY + dt.timedelta(days=14)))
    dlg.close_by.setText(uk(TODAY + dt.timedelta(days=21)))
    with qtbot.waitSignal(dlg.answered, timeout=20000):
        dlg.ask()
    qtbot.wait(200)
    save(dlg, f"day-{size}-4-what-if")
    frame = dlg.frameGeometry()
    assert room.contains(frame.topLeft()) and frame.right() <= room.right()
    dlg.reject()
    wait_idle(qtbot, w)
