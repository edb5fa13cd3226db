"""The main window driven as a person would: keyboard first, real widgets, a real SQLite
file with demo data, background work waited for, and what is on screen asserted."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QWidget

from probation_desk.domain.nsi import NsiFields, Outcome, Status, withdrawn_message
from probation_desk.services.desk import Desk
from tests.ui.conftest import TODAY, answer_box, show_everyone, table_column, wait_idle

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier


def type_search(qtbot: Any, window: Any, text: str) -> None:
    page = window.caseload
    qtbot.keyClick(window, Qt.Key.Key_F, CTRL)
    assert page.search.hasFocus()
    with qtbot.waitSignal(page.search_done, timeout=10000):
        qtbot.keyClicks(page.search, text)
    wait_idle(qtbot, window)


def choose_person(qtbot: Any, window: Any, search: str) -> Any:
    """Search, then Down and Enter: the record of the first match opens."""
    type_search(qtbot, window, search)
    with qtbot.waitSignal(window.record.loaded, timeout=10000):
        qtbot.keyClick(window.caseload.search, Qt.Key.Key_Down)
    qtbot.keyClick(window.caseload.table, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    return window.record.data.person


def gone(dlg: Any) -> bool:
    """True once a dialog has closed (it may have been deleted on close)."""
    return not shiboken6.isValid(dlg) or not dlg.isVisible()


def back_to(qtbot: Any, window: Any) -> None:
    """After a dialog: the main window is the active one again (as the desktop does)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)


def modal(qtbot: Any, kind: type) -> Any:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind), timeout=5000)
    dlg = QApplication.activeModalWidget()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=5000)
    return dlg


# ------------------------------------------------------------------ caseload and search
def test_search_by_keyboard_narrows_the_table(qtbot: Any, window: Any) -> None:
    page = window.caseload
    assert window.db_label.text().startswith("Database: sqlite:///")
    assert window.user_label.text() == "Signed in as Nia Lloyd"
    assert window.role_label.text() == "Role: Probation practitioner"
    assert page.region.currentText() == "London"  # the user's region to begin with
    show_everyone(qtbot, window)  # everyone in London, not only Nia Lloyd's own people
    before = page.model.total
    assert before > 3

    type_search(qtbot, window, "LLYR-W")  # accents and case do not matter
    assert table_column(page.table, 1) == ["Siân Llŷr-Ŵyn"]
    assert table_column(page.table, 0) == ["L900001"]
    assert page.count_label.text() == "1 person"

    qtbot.keyClick(page.search, Qt.Key.Key_A, CTRL)
    with qtbot.waitSignal(page.search_done, timeout=10000):
        qtbot.keyClicks(page.search, "l9000")  # a CRN prefix, typed in lower case
    qtbot.waitUntil(lambda: table_column(page.table, 0) == ["L900001", "L900002", "L900003"])
    assert table_column(page.table, 7)[0] == "2/20"  # RAR days X/Y

    qtbot.keyClick(page.search, Qt.Key.Key_A, CTRL)
    with qtbot.waitSignal(page.search_done, timeout=10000):
        qtbot.keyClicks(page.search, "xyz")
    assert page.stack.currentWidget() is page.empty
    assert page.empty.text() == "No people match 'xyz' in London. Clear the search or filters."

    qtbot.keyClick(window, Qt.Key.Key_A, ALT)  # Clear filters
    qtbot.waitUntil(lambda: page.search.text() == "" and page.region.currentIndex() == 0)
    wait_idle(qtbot, window)
    assert page.model.total > before  # every region now


def test_filters_narrow_by_toolkit_in_the_database(qtbot: Any, window: Any) -> None:
    page = window.caseload
    show_everyone(qtbot, window)
    page.toolkit.setCurrentIndex(page.toolkit.findData("CHEMSEX"))
    wait_idle(qtbot, window)
    names = table_column(page.table, 1)
    assert "Bola Okafor" in names and "Gwen Price" in names
    assert "Siân Llŷr-Ŵyn" not in names


def test_caseload_window_matches_the_services_query(db_url: str) -> None:
    """The fast search keeps the meaning of queries.caseload_ids exactly."""
    from probation_desk.domain.dates import fixed_clock
    from probation_desk.services import caseload_search as cq
    from probation_desk.services.lifecycle import open_database
    from probation_desk.services.queries import CaseloadFilter, caseload_ids

    engine = open_database(db_url)
    desk = Desk(engine, actor="t", clock=fixed_clock(TODAY))
    old_narrow = cq.NARROW
    try:
        for narrow in (old_narrow, 5):  # both the few-matches and the many-matches paths
            cq.NARROW = narrow
            for f in (CaseloadFilter(), CaseloadFilter(search="s"),
                      CaseloadFilter(search="an"), CaseloadFilter(search="L9"),
                      CaseloadFilter(search="llŷr"), CaseloadFilter(search="a", region="Wales"),
                      CaseloadFilter(toolkit="CHEMSEX"), CaseloadFilter(nsi_status="REFERRED",
                                                                        region="London"),
                      CaseloadFilter(module_status="COMPLETED", search="e"),
                      CaseloadFilter(search="50%_\\")):
                for sort, desc in (("crn", False), ("name", True), ("open_nsis", False)):
                    expected = caseload_ids(desk, f, sort, desc)
                    first = cq.caseload_search(desk, f, sort, desc, limit=7)
                    got = list(first.ids)
                    while len(got) < len(expected) and first.total != len(got):
                        more = cq.caseload_window(desk, f, sort, desc, len(got), 7)
                        assert more, (f, sort)
                        got += more
                    assert got == expected, (f, sort, desc, narrow)
                    assert cq.caseload_total(desk, f) == len(expected)
    finally:
        cq.NARROW = old_narrow
        engine.dispose()


# ------------------------------------------------------------------ NSIs
def test_open_an_nsi_with_ctrl_n_and_the_keyboard(qtbot: Any, window: Any,
                                                  other_desk: Desk) -> None:
    from probation_desk.ui.nsi_dialogs import OpenNsiDialog

    person = choose_person(qtbot, window, "L900001")
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dlg = modal(qtbot, OpenNsiDialog)
    assert dlg.referral.text() == "22/11/2026"  # UK format, whatever the locale
    assert dlg.referral.calendarWidget().firstDayOfWeek() == Qt.DayOfWeek.Monday
    assert dlg.toolkit.hasFocus()
    qtbot.keyClicks(dlg.toolkit, "Stepping")
    assert dlg.toolkit.currentText() == "Stepping Stones"
    qtbot.keyClick(dlg.toolkit, Qt.Key.Key_Tab)  # to Status
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # to Referral date
    assert QApplication.focusWidget() is dlg.referral
    qtbot.keyClick(dlg.referral, Qt.Key.Key_Return)  # Enter accepts
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    wait_idle(qtbot, window)
    assert "Stepping Stones" in table_column(window.record.nsi_table, 0)
    row = table_column(window.record.nsi_table, 0).index("Stepping Stones")
    assert window.record.nsi_table.item(row, 1).text() == "Referred"
    assert window.record.nsi_table.item(row, 2).text() == "22/11/2026"
    saved = [n for n in other_desk.nsis(person.id) if n.fields.toolkit == "STEPST"]
    assert len(saved) == 1 and saved[0].is_open
    assert saved[0].fields.practitioner == "Nia Lloyd"


def test_chemsex_is_not_offered_and_is_refused_inside_the_dialog(qtbot: Any,
                                                                 window: Any) -> None:
    from probation_desk.ui.nsi_dialogs import OpenNsiDialog

    choose_person(qtbot, window, "L900001")
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dlg = modal(qtbot, OpenNsiDialog)
    offered = [dlg.toolkit.itemText(i) for i in range(dlg.toolkit.count())]
    assert "Chemsex" not in offered and "Stepping Stones" in offered
    # Forced (as an old shortcut or a stale list might): the rules refuse it in the dialog.
    dlg.toolkit.addItem("Chemsex", "CHEMSEX")
    dlg.toolkit.setCurrentIndex(dlg.toolkit.count() - 1)
    qtbot.keyClicks(dlg.notes, "Typed notes stay.")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    kit = window.desk.toolkit("CHEMSEX")
    qtbot.waitUntil(lambda: withdrawn_message(kit) in dlg.refusal_text(), timeout=10000)
    assert dlg.isVisible()
    label = dlg.errors._fields["toolkit"][1]  # next to the toolkit picker
    assert label.text() == withdrawn_message(kit)
    assert "withdrawn on 1 Jun 2022" in label.text()
    assert dlg.notes.toPlainText() == "Typed notes stay."
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)  # notes were typed: Esc asks first
    asked = dlg._discard_box
    assert asked is not None and asked.isVisible() and dlg.isVisible()
    assert "not been saved" in asked.text()
    qtbot.keyClick(asked, Qt.Key.Key_Escape)  # Keep editing
    qtbot.waitUntil(lambda: not asked.isVisible())
    assert dlg.isVisible() and dlg.notes.toPlainText() == "Typed notes stay."
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)
    next(b for b in dlg._discard_box.buttons() if "Discard" in b.text()).click()
    qtbot.waitUntil(lambda: gone(dlg))


def test_update_refused_shows_rule_by_its_field(qtbot: Any, window: Any,
                                                other_desk: Desk) -> None:
    from probation_desk.ui.nsi_dialogs import UpdateNsiDialog

    person = choose_person(qtbot, window, "L900001")
    other_desk.open_nsi(person.id, NsiFields("MAPS", referral_date=dt.date(2026, 11, 1)))
    window.refresh()
    wait_idle(qtbot, window)
    window.record.tabs.setCurrentIndex(2)
    assert window.record.select_nsi(other_desk.nsis(person.id)[0].id)
    window.update_nsi_action.trigger()
    dlg = modal(qtbot, UpdateNsiDialog)
    dlg.status.setCurrentIndex(dlg.status.findData("IN_PROGRESS"))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "needs the date it started" in dlg.refusal_text(), timeout=10000)
    assert not dlg.errors._fields["actual_start"][1].isHidden()
    dlg.reject()


def test_conflict_offers_to_reload(qtbot: Any, window: Any, other_desk: Desk) -> None:
    from probation_desk.ui.nsi_dialogs import UpdateNsiDialog

    person = choose_person(qtbot, window, "L900001")
    nsi = other_desk.open_nsi(person.id, NsiFields("MAPS", referral_date=dt.date(2026, 11, 1),
                                                   notes="First notes."))
    window.refresh()
    wait_idle(qtbot, window)
    window.record.tabs.setCurrentIndex(2)
    window.record.select_nsi(nsi.id)
    window.update_nsi_action.trigger()
    dlg = modal(qtbot, UpdateNsiDialog)
    # Someone else saves the same NSI meanwhile.
    other_desk.update_nsi(nsi.id, NsiFields("MAPS", referral_date=dt.date(2026, 11, 1),
                                            notes="Their change."), nsi.version)
    dlg.notes.setPlainText("My change.")
    seen: list[str] = []
    answer_box("Reload", seen)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dlg.notes.toPlainText() == "Their change.", timeout=10000)
    assert "changed by someone else" in seen[0]
    assert "Reload the latest version" in seen[0]
    assert "Reloaded" in dlg.notice.text()
    assert dlg.isVisible()
    # Saving again now works on the latest version.
    dlg.notes.setPlainText("Their change. And mine.")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    assert other_desk.nsi(nsi.id).fields.notes == "Their change. And mine."
    wait_idle(qtbot, window)  # the reload it announced finishes before the window goes


def test_close_an_nsi_asks_first(qtbot: Any, window: Any, other_desk: Desk) -> None:
    from probation_desk.ui.nsi_dialogs import CloseNsiDialog

    person = choose_person(qtbot, window, "L900001")
    nsi = other_desk.open_nsi(person.id, NsiFields("MAPS", referral_date=dt.date(2026, 11, 1)))
    window.refresh()
    wait_idle(qtbot, window)
    window.record.tabs.setCurrentIndex(2)
    window.record.select_nsi(nsi.id)
    window.close_nsi_action.trigger()
    dlg = modal(qtbot, CloseNsiDialog)
    dlg.outcome.setCurrentIndex(dlg.outcome.findData("NOT_SUITABLE"))
    seen: list[str] = []
    answer_box("Go back", seen)
    qtbot.keyClick(dlg.outcome, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(seen))
    assert "A closed NSI cannot be changed afterwards" in seen[0]
    assert other_desk.nsi(nsi.id).is_open  # went back: nothing saved
    answer_box("Close NSI", seen)
    qtbot.keyClick(dlg.outcome, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    closed = other_desk.nsi(nsi.id)
    assert closed.outcome is Outcome.NOT_SUITABLE and closed.status is Status.ENDED
    wait_idle(qtbot, window)
    row = table_column(window.record.nsi_table, 0).index("Maps for Change")
    assert window.record.nsi_table.item(row, 1).text() == "Ended early"
    window.record.select_nsi(nsi.id)
    history = [window.record.history.item(i).text()
               for i in range(window.record.history.count())]
    assert history[0].startswith("01/11/2026  Referred")
    assert history[-1].startswith("22/11/2026  Ended early (recorded by Nia Lloyd")


# ------------------------------------------------------------------ module and RAR
def test_record_a_module_session_updates_the_rar_panel(qtbot: Any, window: Any) -> None:
    from probation_desk.ui.module_panel import SessionDialog

    choose_person(qtbot, window, "L900001")
    record = window.record
    assert "2 of 20 RAR days completed" in record.rar_label.text()
    assert "Not ready for a Structured Intervention" in record.module.readiness.text()

    qtbot.keyClick(window, Qt.Key.Key_M, CTRL)
    dlg = modal(qtbot, SessionDialog)
    dlg.date.set_value(dt.date(2026, 11, 10))
    dlg.supporter.setText("Fay Cilitator")
    dlg.role.setCurrentIndex(dlg.role.findData("FACILITATOR"))
    dlg.completed.setFocus()
    qtbot.keyClick(dlg.completed, Qt.Key.Key_Space)
    assert dlg.completed.isChecked()
    qtbot.keyClick(dlg.completed, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: "3 of 20 RAR days completed" in record.rar_label.text(),
                    timeout=10000)
    assert "completion on 10/11/2026 is one of these days" in record.rar_label.text()
    assert record.module.readiness.text().endswith(
        "Ready for a Structured Intervention: module completed on 10/11/2026.")
    assert "First completed on 10/11/2026, supported by Fay Cilitator" in \
        record.module.completion.text()

    # A revisit is recorded as work done and adds no RAR day.
    back_to(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL)
    dlg = modal(qtbot, SessionDialog)
    dlg.date.set_value(dt.date(2026, 11, 17))
    dlg.completed.setChecked(True)
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "revisited 1 time" in record.rar_label.text(), timeout=10000)
    assert "3 of 20 RAR days completed" in record.rar_label.text()
    assert "revisits add no RAR days" in record.rar_label.text()
    assert "Revisited 1 time (17/11/2026)" in record.module.revisits.text()
    kinds = table_column(record.module.table, 1)
    assert kinds == ["Revisit", "Completed"]


def test_session_before_the_module_existed_is_refused_by_its_field(qtbot: Any,
                                                                   window: Any) -> None:
    from probation_desk.ui.module_panel import SessionDialog

    choose_person(qtbot, window, "L900001")
    qtbot.keyClick(window, Qt.Key.Key_M, CTRL)
    dlg = modal(qtbot, SessionDialog)
    dlg.date.set_value(dt.date(2022, 6, 1))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "only available from 6 Jun 2022" in dlg.refusal_text(),
                    timeout=10000)
    assert not dlg.errors._fields["session_date"][1].isHidden()
    dlg.reject()


# ------------------------------------------------------------------ banner and worklist
def test_banner_says_overdue_in_words_and_opens_the_worklist(qtbot: Any,
                                                             window: Any) -> None:
    qtbot.waitUntil(lambda: bool(window.banner.lines()))
    line = window.banner.lines()[0]
    assert line.startswith("Overdue: Chemsex toolkit withdrawn 1 Jun 2022")
    assert "close by 29 Jul 2022" in line
    assert "1 open in your caseload, 2 in London" in line
    strip = window.banner._lines[0]
    strip.button.setFocus()
    qtbot.keyClick(strip.button, Qt.Key.Key_Space)
    assert window.stack.currentWidget() is window.worklist
    window.show_section(0)
    qtbot.mouseClick(strip.text, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.worklist


def test_the_worklist_opened_from_the_banner_lists_what_the_banner_counted(
        qtbot: Any, window: Any, other_desk: Desk) -> None:
    qtbot.waitUntil(lambda: bool(window.banner.lines()))
    item = window.banner.items[0]
    assert item.open_total > item.open_in_region  # others' regions are counted too
    assert f"{item.open_total} in all" in window.banner.lines()[0]
    page = window.worklist
    assert page.region.currentText() == "London"  # the worklist starts in your region
    strip = window.banner._lines[0]
    strip.button.setFocus()
    qtbot.keyClick(strip.button, Qt.Key.Key_Space)
    assert window.stack.currentWidget() is page
    wait_idle(qtbot, window)
    assert page.region.currentText() == "All regions"
    assert page.toolkit.currentText() == "Chemsex"
    assert len(page.model.rows) == item.open_total
    assert {r.toolkit for r in page.model.rows} == {"CHEMSEX"}
    assert len({r.region for r in page.model.rows}) > 1
    assert page.count_label.text() == (
        f"{item.open_total} open NSIs on the Chemsex toolkit in all regions; "
        f"{item.open_total} overdue")
    # The user's own narrowing still works from there.
    page.region.setCurrentIndex(page.region.findData("London"))
    wait_idle(qtbot, window)
    assert len(page.model.rows) == item.open_in_region


def test_switch_toolkit_from_the_worklist(qtbot: Any, window: Any, other_desk: Desk) -> None:
    from probation_desk.ui.nsi_dialogs import SwitchToolkitDialog

    qtbot.keyClick(window, Qt.Key.Key_2, ALT)
    page = window.worklist
    assert window.stack.currentWidget() is page
    wait_idle(qtbot, window)
    assert page.region.currentText() == "London"
    names = table_column(page.table, 1)
    assert names == ["Bola Okafor", "Gwen Price"]
    assert table_column(page.table, 9) == ["Overdue", "Overdue"]
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(window, Qt.Key.Key_T, ALT)  # Switch toolki&t…
    dlg = modal(qtbot, SwitchToolkitDialog)
    offered = [dlg.toolkit.itemText(i) for i in range(dlg.toolkit.count())]
    assert "Chemsex" not in offered
    qtbot.keyClicks(dlg.toolkit, "New Me")
    qtbot.keyClick(dlg.toolkit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    qtbot.waitUntil(lambda: table_column(page.table, 1) == ["Gwen Price"], timeout=10000)
    bola = other_desk.person_by_crn("L900002")
    nsis = {n.fields.toolkit: n for n in other_desk.nsis(bola.id)}
    assert nsis["CHEMSEX"].outcome is Outcome.TRANSFERRED
    assert nsis["NMMOT"].is_open
    assert nsis["NMMOT"].previous_nsi_id == nsis["CHEMSEX"].id
    assert "Good engagement before the withdrawal." in (nsis["NMMOT"].fields.notes or "")
    qtbot.waitUntil(lambda: "0 open in your caseload, 1 in London" in window.banner.lines()[0])


def test_open_case_from_the_worklist(qtbot: Any, window: Any) -> None:
    window.show_section(1)
    wait_idle(qtbot, window)
    window.worklist.table.setFocus()
    window.worklist.table.selectRow(1)
    qtbot.keyClick(window.worklist.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.record.data is not None
                    and window.record.data.person.crn == "L900003", timeout=10000)
    assert window.stack.currentWidget() is window.case_split
    qtbot.waitUntil(lambda: window.record.selected_nsi() is not None)
    row = window.record.nsi_table.currentRow()
    assert window.record.nsi_table.item(row, 0).text() == "Chemsex"
    assert window.record.nsi_table.item(row, 7).text() == "Overdue: close it or switch toolkit"


def test_sweep_from_the_worklist(qtbot: Any, window: Any, other_desk: Desk) -> None:
    expected = other_desk.sweep(dry_run=True).closed
    assert expected >= 2
    qtbot.keyClick(window, Qt.Key.Key_2, ALT)
    page = window.worklist
    page.region.setCurrentIndex(0)  # all regions
    wait_idle(qtbot, window)
    assert len(page.model.rows) == expected
    seen: list[str] = []
    answer_box(f"Close {expected:,} NSIs", seen)
    qtbot.keyClick(window, Qt.Key.Key_W, ALT)  # Close all overdue (s&weep)…
    qtbot.waitUntil(lambda: page.last_sweep is not None, timeout=20000)
    assert seen[0].startswith(f"{expected:,} open NSIs are on withdrawn toolkits past the "
                              "close-by date")
    assert "dry run" in seen[0]
    assert page.last_sweep.closed == expected and not page.last_sweep.cancelled
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: page.stack.currentWidget() is page.empty, timeout=10000)
    assert page.empty.text() == "No open NSIs on withdrawn toolkits in any region."
    assert other_desk.sweep(dry_run=True).closed == 0
    qtbot.waitUntil(lambda: not window.banner.lines())


def test_worklist_empty_state_names_the_region(qtbot: Any, window: Any) -> None:
    window.show_section(1)
    page = window.worklist
    page.region.setCurrentIndex(page.region.findData("Wales"))
    wait_idle(qtbot, window)
    if page.model.rows:  # demo data may hold Welsh in-flight NSIs: close them first
        pytest.skip("demo data has open Chemsex NSIs in Wales")
    assert page.empty.text() == "No open NSIs on withdrawn toolkits in Wales."


# ------------------------------------------------------------------ workbooks
def test_print_workbook_action(qtbot: Any, window: Any, tmp_path: Any) -> None:
    from probation_desk.ui.workbook_dialog import WorkbookDialog

    choose_person(qtbot, window, "L900001")
    qtbot.keyClick(window, Qt.Key.Key_P, CTRL)
    dlg = modal(qtbot, WorkbookDialog)
    out = tmp_path / "wb.pdf"
    dlg.path.setText(str(out))
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: gone(dlg) or bool(dlg.refusal_text()), timeout=30000)
    if not gone(dlg):  # the printing package is not in this build yet: said plainly
        assert "Printing workbooks is not available" in dlg.refusal_text()
    else:
        assert out.exists() and out.read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------------ sections
def test_sections_switch_with_alt_numbers(qtbot: Any, window: Any) -> None:
    for key, index in ((Qt.Key.Key_2, 1), (Qt.Key.Key_3, 2), (Qt.Key.Key_4, 3),
                       (Qt.Key.Key_1, 0)):
        qtbot.keyClick(window, key, ALT)
        assert window.stack.currentIndex() == index
        assert window.nav.currentRow() == index
    assert window.stack.widget(2).accessibleName() == "Review"
    assert window.stack.widget(3).accessibleName() == "Dashboard"


def test_every_control_has_an_accessible_name(qtbot: Any, window: Any) -> None:
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QAbstractSpinBox,
        QHeaderView,
        QLineEdit,
        QTabBar,
        QTableView,
    )

    choose_person(qtbot, window, "L900001")
    missing = []
    controls = (QAbstractButton, QAbstractItemView, QAbstractSpinBox, QLineEdit, QComboBox)
    for tab in range(window.record.tabs.count()):
        window.record.tabs.setCurrentIndex(tab)
        for w in window.findChildren(QWidget):
            if not isinstance(w, controls) or w.window() is not window:
                continue
            if w.objectName().startswith("qt_") or isinstance(w, QHeaderView) or \
                    isinstance(w.parent(), QComboBox | QTabBar | QLineEdit | QTableView):
                continue  # parts of a Qt control, named through the control itself
            if isinstance(w, QAbstractButton) and w.text():
                continue  # a button's text is its accessible name
            if not w.accessibleName() and w.isVisibleTo(window):
                missing.append(f"{type(w).__name__} {w.objectName()} {w.toolTip()}")
    assert not missing, sorted(set(missing))



def test_typing_on_narrows_in_memory_to_the_same_people(db_url: str) -> None:
    """Each key's result, whether read from the database or narrowed in memory from the
    last one, is exactly what queries.caseload_ids gives for that term."""
    from probation_desk.domain.dates import fixed_clock
    from probation_desk.services import caseload_search as cq
    from probation_desk.services.lifecycle import open_database
    from probation_desk.services.queries import CaseloadFilter, caseload_ids

    engine = open_database(db_url)
    desk = Desk(engine, actor="t", clock=fixed_clock(TODAY))
    old = cq.NARROW, cq.PREFETCH
    try:
        for narrow, prefetch in ((old[0], old[1]), (5, 40)):
            cq.NARROW, cq.PREFETCH = narrow, prefetch
            searcher = cq.CaseloadSearcher()
            for region, typed in (("", "sian ll"), ("London", "l9000"), ("", "a0"),
                                  ("", "ow"), ("Wales", "e"), ("", "jo x")):
                for sort, desc in (("crn", False), ("name", True)):
                    for i in range(1, len(typed) + 1):
                        f = CaseloadFilter(search=typed[:i], region=region)
                        expected = caseload_ids(desk, f, sort, desc)
                        got = searcher.search(desk, f, sort, desc, limit=7)
                        if got.total is None:  # a window: the count reads the rest
                            assert got.ids == expected[:7], (f, sort)
                            assert searcher.total(desk, f, sort, desc) == len(expected)
                        else:
                            assert got.ids == expected, (f, sort, narrow)
    finally:
        cq.NARROW, cq.PREFETCH = old
        engine.dispose()
