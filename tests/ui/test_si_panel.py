"""Structured Interventions on the case record, driven by keyboard: refer, a start refused
until the Pre-Intervention Module is completed, then started once it is."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.review import BLOCKED_TEXT
from probation_desk.services.desk import Desk
from probation_desk.ui.si_panel import ReferDialog, StartDialog
from probation_desk.ui.tasks import Change
from tests.ui.conftest import TODAY
from tests.ui.test_main_window import back_to, choose_person, gone, modal

pytestmark = pytest.mark.gui

ALT = Qt.KeyboardModifier.AltModifier


def test_refer_blocked_then_started_once_the_module_is_completed(
        qtbot: Any, window: Any, other_desk: Desk) -> None:
    person = choose_person(qtbot, window, "L900001")
    record = window.record
    panel = record.si

    # Alt+I opens the tab; Alt+W opens New referral….
    qtbot.keyClick(window, Qt.Key.Key_I, ALT)
    qtbot.waitUntil(lambda: record.tabs.currentWidget() is panel, timeout=5000)
    qtbot.waitUntil(lambda: "No Structured Intervention referrals" in panel.summary.text(),
                    timeout=10000)
    qtbot.keyClick(window, Qt.Key.Key_W, ALT)
    dlg = modal(qtbot, ReferDialog)
    assert dlg.date.value() == TODAY
    assert dlg.name.currentText() == "Stepwise Problem Solving"
    assert QApplication.focusWidget() is dlg.need_area
    qtbot.keyClick(dlg.need_area, Qt.Key.Key_Down)  # Domestic abuse
    qtbot.keyClick(dlg.need_area, Qt.Key.Key_Tab)
    edit = QApplication.focusWidget()
    assert dlg.name.isAncestorOf(edit) or edit is dlg.name
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, "Building Better Relationships")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dlg.date
    qtbot.keyClicks(dlg.date, "01/10/2026")
    assert dlg.date.value() == dt.date(2026, 10, 1)
    with qtbot.waitSignal(window.tasks.changed, timeout=10000) as announced:
        qtbot.keyClick(dlg.date, Qt.Key.Key_Return)  # Enter saves, and says so to others
    assert person.id in announced.args[0].people
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=10000)
    assert panel.row_texts(0) == ["Domestic abuse", "Building Better Relationships",
                                  "01/10/2026", BLOCKED_TEXT]
    assert not panel.table.item(0, 3).icon().isNull()  # words and a warning icon
    [saved] = other_desk.si_referrals(person.id)
    assert (saved.need_area, saved.name, saved.referral_date, saved.start_date) == \
        ("DOMESTIC_ABUSE", "Building Better Relationships", dt.date(2026, 10, 1), None)

    # "Begin intervention…" cannot be pressed yet, and the reason is written beside it
    # (the rule's own words), so nobody has to press it to learn why.
    back_to(qtbot, window)
    assert not panel.start_button.isEnabled()
    assert panel.start_reason.isVisible()
    reason = panel.start_reason.text()
    assert "has not completed the Pre-Intervention Module" in reason
    assert "treatment manager" in reason
    assert panel.start_button.accessibleDescription() == reason
    qtbot.keyClick(window, Qt.Key.Key_B, ALT)  # Alt+B opens nothing
    qtbot.wait(200)
    assert not isinstance(QApplication.activeModalWidget(), StartDialog)
    assert other_desk.si_referrals(person.id)[0].start_date is None

    # Once the module is completed (2 Nov), it can begin; a start before the completion
    # is refused in the dialog, which stays open with the date typed.
    window.desk.record_session(person.id, ModuleSession(
        dt.date(2026, 11, 2), SupporterRole.FACILITATOR, "Fay Cilitator", True))
    window.tasks.announce(Change.person(person.id, module=True))
    qtbot.waitUntil(lambda: panel.row_texts(0)[3] == "Awaiting start", timeout=10000)
    assert panel.start_button.isEnabled()
    assert not panel.start_reason.isVisible()
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_B, ALT)
    dlg = modal(qtbot, StartDialog)
    assert QApplication.focusWidget() is dlg.date
    qtbot.keyClicks(dlg.date, "01/11/2026")
    qtbot.keyClick(dlg.date, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "completed later" in dlg.refusal_text(), timeout=10000)
    assert dlg.isVisible()
    assert dlg.date.value() == dt.date(2026, 11, 1)
    assert other_desk.si_referrals(person.id)[0].start_date is None
    dlg.date.set_value(dt.date(2026, 11, 20))
    qtbot.keyClick(dlg.date, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: panel.row_texts(0)[3] == "Started 20/11/2026", timeout=10000)
    assert panel.table.item(0, 3).icon().isNull()
    assert not panel.start_button.isEnabled()
    assert other_desk.si_referrals(person.id)[0].start_date == dt.date(2026, 11, 20)


def test_refer_is_refused_in_the_dialog_and_esc_cancels(qtbot: Any, window: Any,
                                                        other_desk: Desk) -> None:
    person = choose_person(qtbot, window, "L900001")
    record = window.record
    qtbot.keyClick(window, Qt.Key.Key_I, ALT)
    qtbot.waitUntil(lambda: record.tabs.currentWidget() is record.si, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_W, ALT)
    dlg = modal(qtbot, ReferDialog)
    dlg.name.setCurrentText("   ")
    qtbot.keyClick(dlg.date, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Name the Structured Intervention" in dlg.refusal_text(),
                    timeout=10000)
    assert dlg.isVisible()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: gone(dlg), timeout=5000)
    assert other_desk.si_referrals(person.id) == []


def test_accessible_names_and_tab_order(qtbot: Any, window: Any) -> None:
    panel = window.record.si
    for w in (panel, panel.table, panel.refer_button, panel.start_button, panel.summary):
        assert w.accessibleName()
    # Reading order: the table, then New referral…, then Begin intervention….
    assert _tab_stops_after(panel, panel.table, 2) == [panel.refer_button, panel.start_button]


def _tab_stops_after(panel: Any, w: Any, n: int) -> list[Any]:
    out: list[Any] = []
    for _ in range(200):
        w = w.nextInFocusChain()
        if panel.isAncestorOf(w) and w.focusPolicy() & Qt.FocusPolicy.TabFocus \
                and not w.objectName().startswith("qt_"):
            out.append(w)
            if len(out) == n:
                break
    return out
