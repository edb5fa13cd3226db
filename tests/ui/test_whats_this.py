"""What a tooltip says is in reach by keyboard: Shift+F1 (Help > What's This?) explains
what has the focus, and in a list the current cell (the RAR days: "2 of 20 RAR days
completed")."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWhatsThis

from probation_desk.ui.caseload import COL_RAR
from probation_desk.ui.whats_this import NOTHING, install
from tests.ui.conftest import wait_idle
from tests.ui.test_main_window import choose_person, modal

pytestmark = pytest.mark.gui

SHIFT = Qt.KeyboardModifier.ShiftModifier


def popup_shown() -> bool:
    return any(w.metaObject().className() == "QWhatsThat" and w.isVisible()
               for w in QApplication.topLevelWidgets())


def test_shift_f1_explains_the_rar_cell_and_a_field(qtbot: Any, window: Any) -> None:
    key = install(QApplication.instance())
    choose_person(qtbot, window, "L900001")
    table = window.caseload.table
    table.setFocus()
    for _ in range(COL_RAR):  # along the row by keyboard to RAR days
        qtbot.keyClick(table, Qt.Key.Key_Right)
    assert table.currentIndex().column() == COL_RAR
    qtbot.keyClick(table, Qt.Key.Key_F1, SHIFT)
    assert key.last_text == "2 of 20 RAR days completed"
    qtbot.waitUntil(popup_shown, timeout=5000)
    QWhatsThis.hideText()
    qtbot.waitUntil(lambda: not popup_shown(), timeout=5000)

    # In a dialog: the database box's tooltip, by keyboard.
    from probation_desk.ui.dialogs import SettingsDialog

    window.open_settings()
    dlg = modal(qtbot, SettingsDialog)
    dlg.database.setFocus()
    qtbot.keyClick(dlg.database, Qt.Key.Key_F1, SHIFT)
    assert "PostgreSQL address" in key.last_text
    qtbot.waitUntil(popup_shown, timeout=5000)
    QWhatsThis.hideText()
    assert dlg.isVisible()  # the key explained; it did not close or save anything
    dlg.close_unsaved()
    wait_idle(qtbot, window)


def test_help_menu_whats_this_and_nothing_to_explain(qtbot: Any, window: Any) -> None:
    key = install(QApplication.instance())
    assert window.whats_this_action.shortcut().toString() == "Shift+F1"
    window.nav.setFocus()
    window.nav.setCurrentRow(1)
    window.whats_this_action.trigger()
    assert key.last_text == "Worklist (Alt+2)"  # the section's tooltip
    QWhatsThis.hideText()
    window.caseload.search.setFocus()
    window.caseload.search.setToolTip("")
    window.whats_this_action.trigger()
    assert key.last_text == NOTHING  # said in words, not a silent key
    QWhatsThis.hideText()


def test_help_signed_in_as_says_what_the_role_tooltip_says(qtbot: Any, window: Any) -> None:
    """The status bar's role explanation is a tooltip on a label the keyboard cannot
    reach: Help > Signed in as… (Alt+H, S) says it, with who and the role."""
    from PySide6.QtWidgets import QMessageBox

    wait_idle(qtbot, window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=5000)
    qtbot.keyClick(window, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None, timeout=5000)
    menu = QApplication.activePopupWidget()
    qtbot.keyClick(menu, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QMessageBox)
                    or any(isinstance(w, QMessageBox) and w.isVisible()
                           for w in QApplication.topLevelWidgets()), timeout=5000)
    box = next(w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMessageBox) and w.isVisible())
    text = box.text()
    assert "Signed in as Nia Lloyd" in text and "Role: Probation practitioner" in text
    assert "personal database file" in text and "the server decides who you are" in text
    box.accept()
