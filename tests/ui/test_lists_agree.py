"""The list, its selection and the case record always show the same person.

Three ways they used to disagree, each reproduced as a user would meet it: Open case
from the Worklist on someone the caseload's filters leave out; Settings saved with
another region while a record was open; a filter change that left the list scrolled a
row down, so a batch printed four selected people while three were visible (and now the
batch names everyone it will print before printing).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication

from probation_desk.domain.people import PersonDetails
from probation_desk.services.desk import Desk
from tests.ui.conftest import show_everyone, table_column, wait_idle
from tests.ui.test_main_window import gone, modal, type_search

pytestmark = pytest.mark.gui


def selected_crns(window: Any) -> list[str]:
    page = window.caseload
    return [page.model.row_at(i.row()).crn
            for i in sorted(page.table.selectionModel().selectedRows(), key=QModelIndex.row)]


def visible_rows(table: Any) -> list[int]:
    """Rows wholly inside the table's viewport."""
    view = table.viewport().rect()
    rows = []
    for r in range(table.model().rowCount()):
        rect = table.visualRect(table.model().index(r, 0))
        if rect.top() >= view.top() and rect.bottom() <= view.bottom():
            rows.append(r)
    return rows


def assert_agree(window: Any) -> None:
    """The record's person is the one selected row, and that row is on screen."""
    page, record = window.caseload, window.record
    assert record.data is not None
    crn = record.data.person.crn
    assert selected_crns(window) == [crn]
    current = page.table.currentIndex().row()
    assert page.model.row_at(current).crn == crn
    assert current in visible_rows(page.table)
    assert window.current.id == record.data.person.id


def test_open_case_from_the_worklist_selects_that_person(qtbot: Any, window: Any) -> None:
    # The caseload is in London (everyone's, not only my caseload) and someone there is open.
    page = window.caseload
    show_everyone(qtbot, window)
    type_search(qtbot, window, "L900001")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.record.data is not None, timeout=10000)
    assert_agree(window)
    # The Worklist, all regions: open someone the caseload's search and region leave out.
    window.show_section(1)
    wl = window.worklist
    wl.region.setCurrentIndex(0)
    wait_idle(qtbot, window)
    far = next(i for i, r in enumerate(wl.model.rows) if r.region != "London")
    wanted = wl.model.rows[far]
    wl.table.selectRow(far)
    wl.table.setFocus()
    qtbot.keyClick(wl.table, Qt.Key.Key_Return)  # Open case
    qtbot.waitUntil(lambda: window.record.data is not None
                    and window.record.data.person.crn == wanted.crn, timeout=10000)
    wait_idle(qtbot, window)
    assert window.stack.currentWidget() is window.case_split
    assert_agree(window)
    assert table_column(page.table, 0) == [wanted.crn]  # the list changed to show them
    assert page.search.text() == wanted.crn and page.region.currentIndex() == 0

    # Someone the list holds already is simply selected, the filters left alone.
    page.clear_filters()
    wait_idle(qtbot, window)
    page.region.setCurrentIndex(page.region.findData("London"))
    wait_idle(qtbot, window)
    window.show_section(1)
    wl.region.setCurrentIndex(wl.region.findData("London"))
    wait_idle(qtbot, window)
    wl.table.selectRow(1)
    wl.open_selected()
    qtbot.waitUntil(lambda: window.record.data is not None
                    and window.record.data.person.crn == wl.model.rows[1].crn, timeout=10000)
    wait_idle(qtbot, window)
    assert_agree(window)
    assert page.region.currentText() == "London" and page.search.text() == ""
    assert page.model.total > 1


def test_saving_settings_with_another_region_lets_go_of_a_record_it_no_longer_lists(
        qtbot: Any, window: Any) -> None:
    from probation_desk.ui.dialogs import SettingsDialog

    page = window.caseload
    show_everyone(qtbot, window)  # nobody in the West Midlands is Nia Lloyd's
    page.region.setCurrentIndex(page.region.findData("West Midlands"))
    wait_idle(qtbot, window)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.record.data is not None, timeout=10000)
    assert window.record.data.person.region == "West Midlands"
    assert_agree(window)

    window.settings_action.trigger()
    dlg = modal(qtbot, SettingsDialog)
    dlg.region.setCurrentIndex(dlg.region.findData("Wales"))
    qtbot.keyClick(dlg.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: page.region.currentText() == "Wales", timeout=10000)
    wait_idle(qtbot, window)
    assert set(table_column(page.table, 2)) == {"Wales"}
    # Nobody from the West Midlands is left on screen: no record, no selection.
    assert window.record.data is None
    assert window.record.title.text() == "Choose a person from the list to see their record."
    assert selected_crns(window) == [] and window.current.id is None
    assert 0 in visible_rows(page.table)  # the list starts at its top
    # Choosing a Welsh person shows their record, selected.
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.record.data is not None, timeout=10000)
    assert window.record.data.person.region == "Wales"
    assert_agree(window)


def test_a_new_list_starts_at_its_top_and_a_batch_names_who_it_prints(
        qtbot: Any, window: Any, other_desk: Desk) -> None:
    from probation_desk.ui.workbook_dialog import BatchWorkbookDialog

    other_desk.add_person(PersonDetails("L900004", "Dai Morgan", dt.date(1991, 5, 6),
                                        "London", "Hackney", "Nia Lloyd"))
    qtbot.keyClick(window, Qt.Key.Key_F5)
    wait_idle(qtbot, window)
    page = window.caseload
    show_everyone(qtbot, window)  # Gwen Price is Sam Reid's, not on Nia Lloyd's caseload
    # The list gets room for three rows only (the record has the rest).
    rows_fit = 3.5
    row_h = page.table.verticalHeader().defaultSectionSize()
    sizes = window.case_split.sizes()
    for _ in range(40):
        extra = page.table.viewport().height() - int(rows_fit * row_h)
        if abs(extra) < row_h // 3:
            break
        sizes = [sizes[0] - extra, sizes[1] + extra]
        window.case_split.setSizes(sizes)
        window.case_split.splitterMoved.emit(sizes[0], 1)  # as a drag says: remembered
        QApplication.processEvents()
    assert len(visible_rows(page.table)) == 3
    # Scrolled a row down in the London list, then a search that finds four people.
    page.table.verticalScrollBar().setValue(1)
    QApplication.processEvents()
    assert 0 not in visible_rows(page.table)
    type_search(qtbot, window, "L9000")
    assert page.model.total == 4
    assert visible_rows(page.table) == [0, 1, 2]  # from the top, not a row down
    assert page.count_label.text() == "4 people"

    # Select all four (three are visible): the batch names all four before printing.
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    assert len(page.selected_people()) == 4
    window.batch_print_action.trigger()
    qtbot.waitUntil(lambda: isinstance(getattr(window, "batch_dialog", None),
                                       BatchWorkbookDialog)
                    and window.batch_dialog.isVisible(), timeout=5000)
    dlg = window.batch_dialog
    assert dlg.people_list.count() == 4
    assert [dlg.people_list.item(i).text() for i in range(4)] == [
        "Siân Llŷr-Ŵyn (L900001)", "Bola Okafor (L900002)", "Gwen Price (L900003)",
        "Dai Morgan (L900004)"]
    assert "these 4 people" in dlg.intro.text()
    assert dlg.save_button.text().replace("&", "") == "Print 4 workbooks"
    dlg.reject()
