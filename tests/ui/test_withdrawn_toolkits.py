"""Withdrawn toolkits are shown in the toolkit picker, greyed and not selectable, with
their withdrawal date and the rule's plain reason, so nobody wonders where Chemsex went."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from probation_desk.domain.nsi import withdrawn_message
from probation_desk.ui.nsi_dialogs import OpenNsiDialog, SwitchToolkitDialog
from tests.ui.test_main_window import CTRL, choose_person, modal

pytestmark = pytest.mark.gui


def _items(box: Any) -> list[tuple[str, str, bool]]:
    model = box.model()
    out = []
    for i in range(box.count()):
        item = model.item(i)
        enabled = bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)
        out.append((box.itemText(i), box.itemData(i), enabled))
    return out


def _check_picker(qtbot: Any, dlg: Any, kit: Any) -> None:
    items = _items(dlg.toolkit)
    chemsex = [i for i in items if i[1] == "CHEMSEX"]
    assert chemsex == [("Chemsex (withdrawn 1 Jun 2022)", "CHEMSEX", False)]
    assert items[-1][1] == "CHEMSEX"  # after the toolkits that can be chosen
    assert all(enabled for _t, code, enabled in items if code != "CHEMSEX")
    # The reason, in the rule's words, is written under the picker.
    note = dlg.toolkit_note
    assert note.isVisible() and note.text() == withdrawn_message(kit)
    assert note.geometry().top() >= dlg.toolkit.geometry().bottom()
    row = dlg.toolkit.findData("CHEMSEX")
    assert dlg.toolkit.itemData(row, Qt.ItemDataRole.ToolTipRole) == withdrawn_message(kit)
    # By keyboard it cannot be chosen: End, Down past the end, typing its name.
    dlg.toolkit.setFocus()
    for key in (Qt.Key.Key_End, Qt.Key.Key_Down, Qt.Key.Key_Down, Qt.Key.Key_PageDown):
        qtbot.keyClick(dlg.toolkit, key)
        assert dlg.toolkit.currentData() != "CHEMSEX"
    qtbot.keyClicks(dlg.toolkit, "Chem")
    assert dlg.toolkit.currentData() != "CHEMSEX"


def test_open_nsi_lists_chemsex_as_withdrawn(qtbot: Any, window: Any) -> None:
    choose_person(qtbot, window, "L900001")
    qtbot.keyClick(window, Qt.Key.Key_N, CTRL)
    dlg = modal(qtbot, OpenNsiDialog)
    _check_picker(qtbot, dlg, window.desk.toolkit("CHEMSEX"))
    assert QApplication.activeModalWidget() is dlg
    dlg.close_unsaved()


def test_switch_toolkit_does_not_list_the_toolkit_being_left(qtbot: Any, window: Any) -> None:
    choose_person(qtbot, window, "L900002")  # an open Chemsex NSI
    record = window.record
    record.tabs.setCurrentIndex(2)
    record.nsi_table.selectRow(0)
    record.switch_nsi()
    dlg = modal(qtbot, SwitchToolkitDialog)
    assert dlg.toolkit.findData("CHEMSEX") == -1  # the NSI's own toolkit is not offered
    assert dlg.toolkit_note.isHidden()
    dlg.close_unsaved()
