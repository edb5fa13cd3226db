"""The window with machine-wide defaults IT set: locked settings shown, not changeable;
a file that cannot be used said in the window, naming it."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import open_window, wait_idle


@pytest.fixture
def machine(home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "defaults.json"
    monkeypatch.setenv("PROBATION_DESK_DEFAULTS", str(path))
    return path


def test_settings_show_what_it_locked_and_who_set_it(qtbot: Any, machine: Path,
                                                     db_url: str) -> None:
    from probation_desk.ui.dialogs import SettingsDialog

    machine.write_text(json.dumps({"database_url": db_url, "large_print_default": True,
                                   "locked": ["database_url", "large_print_default"],
                                   "set_by": "the Wales IT service desk"}))
    from probation_desk.settings import load_settings

    w = open_window(qtbot, None, settings=load_settings())  # type: ignore[arg-type]
    wait_idle(qtbot, w)
    assert w.db_url == db_url  # IT's database, not the default file
    w.settings_action.trigger()
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SettingsDialog),
                    timeout=10000)
    dlg = QApplication.activeModalWidget()
    assert isinstance(dlg, SettingsDialog)
    assert not dlg.database.isEnabled() and not dlg.large.isEnabled()
    assert dlg.large.isChecked()
    assert dlg.name.isEnabled() and dlg.region.isEnabled()
    assert "the Wales IT service desk" in dlg.locked_note.text()
    assert "Database" in dlg.locked_note.text() and "Large print" in dlg.locked_note.text()
    assert str(machine) in dlg.database.toolTip()
    dlg.reject()


def test_a_defaults_file_that_cannot_be_used_is_said_in_the_window(qtbot: Any,
                                                                   machine: Path) -> None:
    from probation_desk.domain.dates import fixed_clock
    from probation_desk.ui.main_window import MainWindow

    machine.write_text('{"colour": "blue"}')
    w = MainWindow(None, clock=fixed_clock(dt.date(2026, 11, 22)), welcome=False)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.desk_failed, timeout=20000):
        w.start()
    assert w.stack.currentWidget() is w.problem
    text = w.problem.message.text()
    assert str(machine) in text and "does not know" in text and "Ask IT" in text


def test_saving_settings_keeps_following_the_system_language_unless_one_is_picked(
        qtbot: Any, home: Path) -> None:
    from probation_desk.settings import Settings
    from probation_desk.ui.dialogs import SettingsDialog
    from probation_desk.ui.tasks import Tasks

    parent = QApplication.activeWindow()
    dlg = SettingsDialog(Tasks(), Settings(user_name="Ffion Hughes"), "", parent)
    qtbot.addWidget(dlg)
    assert dlg.new_settings().language == ""  # untouched: still the system's, not saved
    dlg.language.setCurrentIndex(dlg.language.findData("cy"))
    assert dlg.new_settings().language == "cy"
