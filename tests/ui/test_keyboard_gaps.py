"""The keyboard gaps a keyboard-only user found, each closed and pressed here: Tab reaches
a date's "Set", Return in the search opens the one match, Ctrl+Shift+O says what to
choose, Ctrl+Tab moves between the record's tabs, Review's Alt+A and Alt+L, and every
list's rows have their actions on the menu key."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QContextMenuEvent
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import show_everyone, wait_idle


def menu_key(qtbot: Any, view: Any) -> list[str]:
    """Press the menu key on a list; the actions its menu offers (enabled ones marked)."""
    view.setFocus()
    rect = view.visualRect(view.currentIndex())
    event = QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, rect.center(),
                              view.viewport().mapToGlobal(rect.center()))
    QApplication.sendEvent(view.viewport(), event)
    qtbot.waitUntil(lambda: getattr(view, "last_menu", None) is not None
                    and view.last_menu.isVisible(), timeout=5000)
    menu = view.last_menu
    offered = [a.text().replace("&", "") + ("" if a.isEnabled() else " (disabled)")
               for a in menu.actions() if not a.isSeparator()]
    menu.close()
    return offered


def open_someone(qtbot: Any, w: Any) -> None:
    show_everyone(qtbot, w)
    w.caseload.table.setFocus()
    w.caseload.table.selectRow(0)
    qtbot.waitUntil(lambda: w.record.data is not None, timeout=10000)
    wait_idle(qtbot, w)


def test_tab_reaches_the_date_of_birth_set_box(qtbot: Any, window: Any) -> None:
    from probation_desk.ui.case_dialogs import PersonDialog

    dlg = PersonDialog(window.desk, window.tasks, None, window)
    qtbot.addWidget(dlg)
    dlg.open()
    qtbot.waitExposed(dlg)
    dlg.name.setFocus()
    qtbot.waitUntil(dlg.name.hasFocus)
    qtbot.keyClick(dlg.name, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dlg.dob.check
    qtbot.keyClick(dlg.dob.check, Qt.Key.Key_Space)
    assert dlg.dob.check.isChecked()
    qtbot.keyClick(dlg.dob.check, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dlg.dob.edit
    qtbot.keyClick(dlg.dob.edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dlg.region
    dlg.reject()


def test_return_in_the_search_opens_the_one_match(qtbot: Any, window: Any) -> None:
    show_everyone(qtbot, window)
    crn = window.caseload.model.row_at(0).crn
    pid = window.caseload.model.id_at(0)
    window.caseload.search.setFocus()
    qtbot.keyClicks(window.caseload.search, crn)
    qtbot.keyClick(window.caseload.search, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.current.id == pid, timeout=10000)
    qtbot.waitUntil(lambda: window.record.isAncestorOf(QApplication.focusWidget()),
                    timeout=5000)
    assert window.caseload.model.total == 1


def test_record_outcome_with_no_appointment_chosen_says_what_to_choose(qtbot: Any,
                                                                       window: Any) -> None:
    from probation_desk.ui.errors import shown

    open_someone(qtbot, window)
    window.record.contact_table.clearSelection()
    before = len(shown)
    qtbot.keyClick(window, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: len(shown) > before, timeout=5000)
    assert shown[-1].startswith("Choose the appointment first")
    assert window.record.tabs.currentIndex() == 1  # Orders & RAR, where the list is
    window.record.outcome_hint.close()


def test_ctrl_tab_moves_between_the_records_tabs(qtbot: Any, window: Any) -> None:
    open_someone(qtbot, window)
    tabs = window.record.tabs
    tabs.setCurrentIndex(2)
    window.record.nsi_table.setFocus()
    qtbot.keyClick(window.record.nsi_table, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 3
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert tabs.currentIndex() == 2
    tabs.setCurrentIndex(tabs.count() - 1)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab,
                   Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 0  # round the end


def test_the_rows_of_each_list_have_their_actions_on_the_menu_key(qtbot: Any,
                                                                  window: Any) -> None:
    open_someone(qtbot, window)
    offered = menu_key(qtbot, window.caseload.table)
    assert offered[0] == "Open the record"
    assert "Print workbook…" in offered and "New NSI…" in offered
    window.open_case(window.desk.person_by_crn("L900002").id)  # an in-flight Chemsex NSI
    qtbot.waitUntil(lambda: window.record.nsi_table.rowCount() > 0, timeout=10000)
    window.record.tabs.setCurrentIndex(2)
    window.record.nsi_table.selectRow(0)
    offered = menu_key(qtbot, window.record.nsi_table)
    assert offered[0].startswith("Update") and any(t.startswith("Close NSI") for t in offered)
    window.show_section(1)  # the Worklist
    wait_idle(qtbot, window)
    table = window.worklist.table
    qtbot.waitUntil(lambda: table.model().rowCount() > 0, timeout=10000)
    table.selectRow(0)
    offered = menu_key(qtbot, table)
    assert offered[0] == "Open case" and any(t.startswith("Switch toolkit") for t in offered)


def test_review_alt_a_and_alt_l_each_reach_their_own_control(qtbot: Any, tmp_path: Any) -> None:
    from probation_desk.domain.roles import Role
    from tests.ui.test_review_ui import build, make_desk, open_page, settle

    desk = make_desk(tmp_path, Role.TREATMENT_MANAGER, "Rhian Tomos")
    build(desk)
    page = open_page(qtbot, desk)
    filters = page.filters
    filters.search_edit.setFocus()
    qtbot.keyClicks(filters.search_edit, "zzz")
    qtbot.keyClick(page, Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    assert QApplication.focusWidget() is filters.to_edit
    qtbot.keyClick(page, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: filters.search_edit.text() == "", timeout=5000)
    settle(qtbot, page)
    desk.engine.dispose()
