"""First steps that make sense: the first window fits the screen with its status bar, a
new person's region is the user's, the contact log reads in words, a withdrawn toolkit's
NSI offers closing up front, and F1 opens the user guide."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from probation_desk.settings import Settings
from probation_desk.ui.case_dialogs import PersonDialog
from probation_desk.ui.guide import GuideDialog
from probation_desk.ui.nsi_dialogs import CloseNsiDialog
from probation_desk.ui.shell.sections import FRAME_ALLOWANCE
from tests.ui.conftest import open_window, wait_idle
from tests.ui.test_main_window import choose_person, modal

pytestmark = pytest.mark.gui


def test_the_first_window_fits_its_screen_with_the_status_bar_in_view(
        qtbot: Any, db_url: str) -> None:
    w = open_window(qtbot, db_url, size=None)  # no size remembered: the first start
    wait_idle(qtbot, w)
    qtbot.waitUntil(lambda: w._fitted_shown)
    room = w.screen().availableGeometry()
    frame = w.frameGeometry()
    title = max(frame.height() - w.height(), FRAME_ALLOWANCE)
    assert room.contains(frame.topLeft()) and frame.right() <= room.right()
    assert frame.top() + w.height() + title <= room.bottom() + 1
    bar = w.statusBar()
    assert bar.isVisible() and bar.height() > 0
    bottom = bar.mapToGlobal(bar.rect().bottomRight())
    assert room.contains(bottom)
    assert w.user_label.isVisible()


def test_a_new_persons_region_is_the_users(qtbot: Any, db_url: str) -> None:
    w = open_window(qtbot, db_url, settings=Settings(user_name="Nia Lloyd", region="Wales"))
    wait_idle(qtbot, w)
    w.new_person_action.trigger()
    dlg = modal(qtbot, PersonDialog)
    assert dlg.region.currentText() == "Wales"
    dlg.close_unsaved()


def test_the_contact_log_reads_in_words(qtbot: Any, window: Any) -> None:
    choose_person(qtbot, window, "L900002")  # an in-progress Chemsex NSI
    lines = [window.record.log.item(i).text() for i in range(window.record.log.count())]
    assert any("NSI on the Chemsex toolkit: in progress" in t for t in lines), lines
    assert not any("CHEMSEX" in t or "00:00" in t for t in lines), lines
    choose_person(qtbot, window, "L900001")  # RAR days recorded with a date only
    record = window.record
    lines = [record.log.item(i).text() for i in range(record.log.count())]
    assert lines and not any("00:00" in t for t in lines), lines
    times = [record.contact_table.item(r, 1).text()
             for r in range(record.contact_table.rowCount())]
    assert "no time" in times and "00:00" not in times


def test_a_withdrawn_toolkits_nsi_offers_only_closing(qtbot: Any, window: Any) -> None:
    choose_person(qtbot, window, "L900002")
    record = window.record
    record.tabs.setCurrentIndex(2)
    record.nsi_table.selectRow(0)
    assert not record.update_button.isEnabled()
    assert not window.update_nsi_action.isEnabled()
    assert record.close_button.isEnabled() and window.close_nsi_action.isEnabled()
    note = record.withdrawn_note
    assert note.isVisible() and "The Chemsex toolkit was withdrawn on 1 Jun 2022" in \
        note.text() and "cannot be updated" in note.text()
    # A double click on the row opens closing, not the update form.
    table = record.nsi_table
    rect = table.visualRect(table.model().index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dlg = modal(qtbot, CloseNsiDialog)
    dlg.close_unsaved()
    window.activateWindow()  # after a dialog, as the desktop does
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    # Another record, with no NSI on a withdrawn toolkit: no note.
    choose_person(qtbot, window, "L900001")
    assert record.withdrawn_note.isHidden()


def test_f1_opens_the_user_guide(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: any(isinstance(w, GuideDialog) and w.isVisible()
                                for w in QApplication.topLevelWidgets()), timeout=5000)
    guide = next(w for w in QApplication.topLevelWidgets() if isinstance(w, GuideDialog))
    text = guide.text.toPlainText()
    for words in ("My week", "Worklist", "Ctrl+F", "Who to ask", "What if"):
        assert words in text
    guide.close()
