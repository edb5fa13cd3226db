"""The whole case record built in the window by keyboard, on a fresh database (no demo).

A practitioner adds a person (Ctrl+Shift+N), an order with a 20-day RAR, books three
RAR appointments, records their outcomes once they have happened (one complied, one
failed to comply, one acceptable absence) and sees "X of Y RAR days completed, N
booked" change as they go; then closes an NSI and sees its future appointment cancelled.
The clock is injected and moved on, as days pass.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import TODAY, answer_box, open_window, table_column, wait_idle
from tests.ui.test_main_window import back_to, gone, modal

pytestmark = pytest.mark.gui

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def rar_text(window: Any) -> str:
    return str(window.record.rar_label.text())


def test_keyboard_walk_on_a_fresh_database(qtbot: Any, tmp_path: Path, home: Path) -> None:
    from probation_desk.ui.case_dialogs import (
        ContactDialog,
        OrderDialog,
        OutcomeDialog,
        PersonDialog,
    )
    from probation_desk.ui.nsi_dialogs import OpenNsiDialog

    window = open_window(qtbot, f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    wait_idle(qtbot, window)
    desk = window.desk
    now = [dt.datetime.combine(TODAY, dt.time(9, 0))]
    desk.now_clock = lambda: now[0]
    desk.clock = lambda: now[0].date()

    # A person: Ctrl+Shift+N, typed field by field with Tab; a lower-case CRN is read.
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL | SHIFT)
    dlg = modal(qtbot, PersonDialog)
    assert dlg.crn.hasFocus()
    qtbot.keyClicks(dlg.crn, "w123456")
    qtbot.keyClick(dlg.crn, Qt.Key.Key_Tab)
    dlg.name.insert("Siân Llŷr")  # QTest cannot type beyond Latin-1 (ŷ): as if pasted
    qtbot.keyClick(dlg.region, Qt.Key.Key_R, ALT)
    assert dlg.region.hasFocus()
    assert dlg.region.currentText() == "London"  # the user's region to begin with
    qtbot.keyClicks(dlg.region, "Wal")  # typed ahead
    assert dlg.region.currentText() == "Wales"
    qtbot.keyClick(dlg.region, Qt.Key.Key_D, ALT)
    qtbot.keyClicks(dlg.pdu, "Cardiff")
    assert dlg.practitioner.text() == "Nia Lloyd"  # the signed-in user by default
    with qtbot.waitSignal(window.record.loaded, timeout=10000):
        qtbot.keyClick(dlg.pdu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    wait_idle(qtbot, window)
    assert window.record.title.text() == "Siân Llŷr (W123456)"

    # The same CRN again is refused in words, with the way to open that person.
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL | SHIFT)
    dlg = modal(qtbot, PersonDialog)
    qtbot.keyClicks(dlg.crn, "W123456")
    qtbot.keyClick(dlg.crn, Qt.Key.Key_Tab)
    qtbot.keyClicks(dlg.name, "Someone Else")
    qtbot.keyClick(dlg.name, Qt.Key.Key_D, ALT)
    qtbot.keyClicks(dlg.pdu, "Rhyl")
    qtbot.keyClick(dlg.pdu, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "already recorded" in dlg.refusal_text(), timeout=10000)
    assert dlg.isVisible() and dlg.name.text() == "Someone Else"  # nothing typed lost
    assert dlg.open_existing.isVisible()
    qtbot.keyClick(dlg, Qt.Key.Key_O, ALT)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    wait_idle(qtbot, window)

    # An order with a 20-day RAR: Alt+O (Orders & RAR), Alt+W (New order…).
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_O, ALT)
    qtbot.keyClick(window, Qt.Key.Key_W, ALT)
    dlg = modal(qtbot, OrderDialog)
    qtbot.keyClick(dlg, Qt.Key.Key_X, ALT)
    assert dlg.max_days.hasFocus()
    qtbot.keyClick(dlg.max_days, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(dlg.max_days, "20")
    qtbot.keyClick(dlg.max_days, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: "0 of 20 RAR days completed, 0 booked" in rar_text(window),
                    timeout=10000)

    # Three RAR appointments on the next three days: Alt+B each time.
    for day in (23, 24, 25):
        back_to(qtbot, window)
        qtbot.keyClick(window, Qt.Key.Key_B, ALT)
        dlg = modal(qtbot, ContactDialog)
        assert dlg.rar.isChecked()  # the running RAR order is the default
        qtbot.keyClick(dlg, Qt.Key.Key_D, ALT)
        qtbot.keyClicks(dlg.date, f"{day}/11/2026")
        qtbot.keyClick(dlg.date, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda dlg=dlg: gone(dlg), timeout=10000)
        qtbot.waitUntil(lambda day=day: f"0 of 20 RAR days completed, {day - 22} booked"
                        in rar_text(window), timeout=10000)
    wait_idle(qtbot, window)

    # Too early for an outcome: refused in words, by the field.
    table = window.record.contact_table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_X, ALT)
    dlg = modal(qtbot, OutcomeDialog)
    qtbot.keyClick(dlg.outcome, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "has not happened yet" in dlg.refusal_text(), timeout=10000)
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: gone(dlg), timeout=5000)

    # Three days on: record the outcomes, newest appointment first in the table.
    now[0] = dt.datetime(2026, 11, 25, 17, 0)
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_idle(qtbot, window)
    assert "0 of 20 RAR days completed, 0 booked" in rar_text(window)
    assert "3 past RAR appointments are waiting for an outcome" in rar_text(window)
    expected = ["1 of 20", "2 of 20", "2 of 20"]
    for row, downs, want in ((2, 0, expected[0]), (1, 1, expected[1]), (0, 4, expected[2])):
        table.setFocus()
        qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
        for _ in range(row):
            qtbot.keyClick(table, Qt.Key.Key_Down)
        back_to(qtbot, window)
        qtbot.keyClick(window, Qt.Key.Key_X, ALT)
        dlg = modal(qtbot, OutcomeDialog)
        for _ in range(downs):
            qtbot.keyClick(dlg.outcome, Qt.Key.Key_Down)
        if downs == 4:
            assert dlg.outcome.currentText() == "Acceptable absence"
            qtbot.keyClick(dlg, Qt.Key.Key_R, ALT)
            qtbot.keyClick(dlg.reason, Qt.Key.Key_Down)
            assert dlg.reason.currentText() == "Medical"
        qtbot.keyClick(dlg.outcome, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda dlg=dlg: gone(dlg), timeout=10000)
        qtbot.waitUntil(lambda want=want: f"{want} RAR days completed, 0 booked"
                        in rar_text(window), timeout=10000)
        wait_idle(qtbot, window)
    assert table_column(table, 4) == ["Acceptable absence (medical)",
                                      "Attended – failed to comply", "Attended – complied"]
    assert "25/11/2026: " not in rar_text(window)  # the absence is not a counted date
    # The breakdown is part of the 2, not two days more.
    assert "Of the days completed, 2 are from RAR appointments and activity." \
        in rar_text(window)
    assert "23/11/2026: Office visit at 10:00: Attended – complied" in rar_text(window)
    assert window.record.enforcement_label.text().startswith("1 failure to comply")

    # Close an NSI: its future appointment is cancelled, and the question says so.
    # Ctrl+N opens an NSI under the running RAR order (the default offered).
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dlg = modal(qtbot, OpenNsiDialog)
    assert dlg.order.currentData() == window.record.data.orders[0].id
    qtbot.keyClick(dlg.toolkit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: len(window.record.data.nsis) == 1, timeout=10000)
    wait_idle(qtbot, window)
    nsi = window.record.data.nsis[0]
    assert nsi.order_id == window.record.data.orders[0].id
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_O, ALT)
    qtbot.keyClick(window, Qt.Key.Key_B, ALT)
    dlg = modal(qtbot, ContactDialog)
    qtbot.keyClick(dlg, Qt.Key.Key_T, ALT)
    for _ in range(4):  # office, home, telephone, video, toolkit session
        qtbot.keyClick(dlg.type, Qt.Key.Key_Down)
    assert dlg.type.currentText() == "Toolkit session"
    qtbot.keyClick(dlg, Qt.Key.Key_N, ALT)
    qtbot.keyClick(dlg.nsi, Qt.Key.Key_Down)
    assert dlg.nsi.currentText() == f"{nsi.toolkit_name}, referred 25/11/2026"
    qtbot.keyClick(dlg, Qt.Key.Key_D, ALT)
    qtbot.keyClicks(dlg.date, "02/12/2026")
    qtbot.keyClick(dlg.date, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: "2 of 20 RAR days completed, 1 booked" in rar_text(window),
                    timeout=10000)
    wait_idle(qtbot, window)
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, ALT)
    window.record.nsi_table.setFocus()
    qtbot.keyClick(window.record.nsi_table, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(window.record.nsi_table, Qt.Key.Key_Space)
    assert window.record.selected_nsi().id == nsi.id
    from probation_desk.ui.nsi_dialogs import CloseNsiDialog

    # Case menu (Alt+C), Close NSI… (C): by keyboard, as a practitioner would.
    qtbot.keyClick(window, Qt.Key.Key_C, ALT)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=5000)
    menu = QApplication.activePopupWidget()
    assert "Close NSI…" in [a.text().replace("&", "") for a in menu.actions()]
    qtbot.keyClick(menu, Qt.Key.Key_C)
    dlg = modal(qtbot, CloseNsiDialog)
    seen: list[str] = []
    answer_box("Close NSI", seen)
    qtbot.keyClick(dlg.outcome, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    assert "cancels 1 future appointment that has no outcome yet" in seen[0]
    qtbot.waitUntil(lambda: "2 of 20 RAR days completed, 0 booked" in rar_text(window),
                    timeout=10000)
    assert table_column(table, 4)[0] == "Cancelled on 25/11/2026: NSI closed"
    log = [window.record.log.item(i).text() for i in range(window.record.log.count())]
    assert log[0].startswith("02/12/2026 10:00  Contact: RAR: Toolkit session: Cancelled")
    assert any("RAR: Office visit: Attended – complied" in line for line in log)


def test_withdrawing_a_completion_says_the_intervention_is_blocked(
        qtbot: Any, window: Any, other_desk: Any) -> None:
    from probation_desk.domain.module import ModuleSession, SupporterRole
    from probation_desk.ui.errors import shown
    from probation_desk.ui.module_panel import WithdrawSessionDialog
    from tests.ui.test_main_window import choose_person

    person = choose_person(qtbot, window, "L900001")
    other_desk.record_session(person.id, ModuleSession(dt.date(2026, 11, 10),
                                                       SupporterRole.PP, "Nia Lloyd", True))
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_F5)
    qtbot.waitUntil(lambda: "3 of 20 RAR days completed" in rar_text(window), timeout=10000)
    wait_idle(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_L, ALT)  # the Module tab
    table = window.record.module.table
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home, CTRL)
    qtbot.keyClick(table, Qt.Key.Key_Space)
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_W, ALT)
    dlg = modal(qtbot, WithdrawSessionDialog)
    qtbot.keyClick(dlg.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "needed" in dlg.refusal_text(), timeout=10000)  # a reason
    qtbot.keyClicks(dlg.reason, "Recorded on the wrong person")
    qtbot.keyClick(dlg.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: "2 of 20 RAR days completed" in rar_text(window), timeout=10000)
    assert any("Structured Intervention cannot start" in t for t in shown)
    assert "Not ready for a Structured Intervention" in window.record.module.readiness.text()
    log = [window.record.log.item(i).text() for i in range(window.record.log.count())]
    assert any("withdrawn on 22/11/2026" in line for line in log)
