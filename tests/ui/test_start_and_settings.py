"""Start-up, first run, Settings, remembered window state, errors and background tasks."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QPushButton, QWidget

from probation_desk import __version__
from probation_desk.domain.errors import RuleViolation
from probation_desk.settings import Settings, load_settings
from tests.ui.conftest import answer_box, discard_typed, open_window, show_everyone, wait_idle

pytestmark = pytest.mark.gui


def modal(qtbot: Any, kind: type) -> Any:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind), timeout=10000)
    dlg = QApplication.activeModalWidget()
    qtbot.waitUntil(dlg.isActiveWindow, timeout=5000)
    return dlg


def gone(dlg: Any) -> bool:
    return not shiboken6.isValid(dlg) or not dlg.isVisible()


# ------------------------------------------------------------------ first run
def test_first_run_offers_demo_data_and_asks_who_you_are(qtbot: Any, home: Path,
                                                         tmp_path: Path) -> None:
    from probation_desk.ui.dialogs import WelcomeDialog
    from probation_desk.ui.errors import shown

    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    w = open_window(qtbot, url, settings=Settings(), welcome=True)
    dlg = modal(qtbot, WelcomeDialog)
    qtbot.waitUntil(lambda: w.caseload.empty.text().startswith(
        "Nobody is on the caseload yet."), timeout=10000)
    assert w.caseload.model.total == 0
    dlg.name.selectAll()
    qtbot.keyClicks(dlg.name, "Rhian Tomos")
    dlg.role.setCurrentIndex(dlg.role.findData("TREATMENT_MANAGER"))
    dlg.region.setCurrentIndex(dlg.region.findData("Wales"))
    qtbot.keyClick(dlg, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # Load &demo data
    qtbot.waitUntil(dlg.demo.isChecked)  # a mnemonic click is animated
    assert dlg.cases.isEnabled()
    dlg.cases.setValue(36)
    qtbot.keyClick(dlg.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(t.startswith("Added 36 demo people") for t in shown),
                    timeout=60000)
    wait_idle(qtbot, w)
    saved = load_settings()
    assert (saved.user_name, saved.role, saved.region) == ("Rhian Tomos",
                                                           "TREATMENT_MANAGER", "Wales")
    assert json.loads((home / "config" / "settings.json").read_text())["region"] == "Wales"
    assert w.user_label.text() == "Signed in as Rhian Tomos"
    assert w.role_label.text() == "Role: Treatment manager (Structured Interventions)"
    assert w.caseload.region.currentText() == "Wales"
    # The demo puts its last people in Wales on Rhian Tomos's own caseload (36 people over
    # 12 regions: 3 in Wales), so the first screen is not empty, and says so.
    qtbot.waitUntil(lambda: w.caseload.model.total == 3, timeout=10000)
    box = QApplication.activeModalWidget()  # "Added 36 demo people…": OK with Enter
    assert isinstance(box, QMessageBox) and box.text().startswith("Added 36 demo people")
    assert "3 of them are on your own caseload (managed by Rhian Tomos)" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(box), timeout=5000)
    show_everyone(qtbot, w)
    qtbot.waitUntil(lambda: w.caseload.model.total == 3, timeout=10000)  # 36 over 12 regions
    assert w.desk is not None and w.desk.actor == "Rhian Tomos"


def test_a_damaged_database_is_explained_with_a_way_to_choose_another(
        qtbot: Any, home: Path, tmp_path: Path) -> None:
    from probation_desk.ui.dialogs import SettingsDialog

    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database" * 200)
    w = open_window_failing(qtbot, f"sqlite:///{bad}")
    assert w.stack.currentWidget() is w.problem
    assert "damaged or is not a Probation Desk database" in w.problem.message.text()
    assert w.db_label.text() == "Database: not open"
    assert bad.read_bytes().startswith(b"this is not a database")  # left as it was
    qtbot.mouseClick(w.problem.settings_button, Qt.MouseButton.LeftButton)
    dlg = modal(qtbot, SettingsDialog)
    assert "damaged" in dlg.refusal_text()
    good = tmp_path / "good.sqlite3"
    dlg.database.setText(str(good))
    with qtbot.waitSignal(w.desk_opened, timeout=20000):
        qtbot.keyClick(dlg.database, Qt.Key.Key_Return)
    assert w.stack.currentWidget() is w.case_split
    assert w.db_label.text() == f"Database: sqlite:///{good}"
    assert load_settings().database_url == f"sqlite:///{good}"


def open_window_failing(qtbot: Any, url: str) -> Any:
    from probation_desk.domain.dates import fixed_clock
    from probation_desk.ui.main_window import MainWindow

    w = MainWindow(url, clock=fixed_clock(dt.date(2026, 11, 22)), settings=Settings(),
                   welcome=False)
    qtbot.addWidget(w)
    w.show()
    with qtbot.waitSignal(w.desk_failed, timeout=20000):
        w.start()
    return w


# ------------------------------------------------------------------ settings
def test_settings_change_identity_role_and_region(qtbot: Any, window: Any,
                                                  home: Path) -> None:
    from probation_desk.ui.dialogs import SettingsDialog

    window.settings_action.trigger()
    dlg = modal(qtbot, SettingsDialog)
    assert dlg.database.hasFocus()
    qtbot.keyClick(dlg.database, Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # past Browse… to the name
    assert QApplication.focusWidget() is dlg.name
    dlg.name.selectAll()
    qtbot.keyClicks(dlg.name, "Sam Reid")
    dlg.role.setCurrentIndex(dlg.role.findData("REGIONAL_LEAD"))
    dlg.region.setCurrentIndex(dlg.region.findData("Wales"))
    qtbot.keyClick(dlg, Qt.Key.Key_L, Qt.KeyboardModifier.AltModifier)  # &Large print
    qtbot.waitUntil(dlg.large.isChecked)
    qtbot.keyClick(dlg.name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: gone(dlg), timeout=10000)
    wait_idle(qtbot, window)
    saved = load_settings()
    assert (saved.user_name, saved.role, saved.region, saved.large_print_default) == (
        "Sam Reid", "REGIONAL_LEAD", "Wales", True)
    assert saved.database_url == ""  # unchanged: still the default
    assert window.user_label.text() == "Signed in as Sam Reid"
    assert window.role_label.text() == "Role: Regional lead"
    assert window.desk.actor == "Sam Reid"
    assert window.worklist.region.currentText() == "Wales"


def test_settings_refuse_a_database_that_cannot_be_opened(qtbot: Any, window: Any,
                                                         tmp_path: Path) -> None:
    from probation_desk.ui.dialogs import SettingsDialog

    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    window.settings_action.trigger()
    dlg = modal(qtbot, SettingsDialog)
    dlg.database.setText(str(bad))
    qtbot.keyClicks(dlg.name, "Changed Name")
    qtbot.mouseClick(dlg.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "damaged or is not a Probation Desk database"
                    in dlg.refusal_text(), timeout=10000)
    assert not dlg.errors._fields["database_url"][1].isHidden()
    assert dlg.isVisible() and dlg.name.text().endswith("Changed Name")
    assert load_settings() == Settings()  # nothing saved
    discard_typed(dlg)  # a name was typed: closing asks first


def test_window_layout_is_remembered(qtbot: Any, db_url: str, home: Path) -> None:
    w = open_window(qtbot, db_url, size=(790, 640))  # within the 800x800 offscreen screen
    wait_idle(qtbot, w)
    # The line between list and record moves by keyboard too (Alt+Shift+Down: the list
    # gets more room).
    before = w.case_split.sizes()
    qtbot.keyClick(w, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier
                   | Qt.KeyboardModifier.ShiftModifier)
    sizes = w.case_split.sizes()
    assert sizes[0] > before[0] and sizes[1] < before[1]
    w.beside_action.trigger()
    assert w.case_split.orientation() == Qt.Orientation.Horizontal
    w.beside_action.trigger()  # back to stacked, the list above the record
    assert abs(w.case_split.sizes()[0] - sizes[0]) <= 2
    w.caseload.table.horizontalHeader().resizeSection(1, 333)
    w.show_section(1)
    w.close()
    assert (home / "config" / "window.ini").exists()
    qs = QSettings(str(home / "config" / "window.ini"), QSettings.Format.IniFormat)
    assert qs.value("window/recordBeside", type=bool) is False

    again = open_window(qtbot, db_url, size=None)
    wait_idle(qtbot, again)
    assert (again.width(), again.height()) == (790, 640)
    assert not again.beside_action.isChecked()
    assert again.case_split.orientation() == Qt.Orientation.Vertical
    assert again.stack.currentWidget() is again.worklist  # the section last used
    again.show_section(0)
    # The same share of the height (a list of a few rows takes only what they need: a
    # scroll bar under the wider column restored below adds its height).
    bar = again.caseload.table.horizontalScrollBar().sizeHint().height()
    qtbot.waitUntil(lambda: abs(again.case_split.sizes()[0] - sizes[0]) <= bar + 2)
    assert again.caseload.table.horizontalHeader().sectionSize(1) == 333


# ------------------------------------------------------------------ about and errors
def test_about_names_the_version_and_database(qtbot: Any, window: Any) -> None:
    window.about()
    qtbot.waitUntil(lambda: any(isinstance(b, QMessageBox) and b.isVisible()
                                for b in QApplication.topLevelWidgets()))
    box = next(b for b in QApplication.topLevelWidgets()
               if isinstance(b, QMessageBox) and b.isVisible())
    assert f"Probation Desk {__version__}" in box.text()
    assert f"Database: {window.db_description}" in box.text()
    assert window.db_description.startswith("sqlite:///")
    box.close()


def test_status_bar_hides_a_server_password() -> None:
    from probation_desk.addresses import describe_url

    shown = describe_url("postgresql+psycopg://desk:s3cret@db.example/probation")
    assert "s3cret" not in shown and "***" in shown


@pytest.mark.expect_log_warnings
def test_uncaught_errors_are_logged_and_shown_plainly(qtbot: Any,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    from probation_desk.ui import errors

    seen: list[str] = []
    answer_box("OK", seen)
    with caplog.at_level(logging.ERROR, logger="probation_desk"):
        try:
            raise KeyError("secret detail")
        except KeyError as exc:
            errors._hook(KeyError, exc, exc.__traceback__)
    qtbot.waitUntil(lambda: bool(seen))
    assert seen[0] == errors.UNEXPECTED
    assert "Traceback" not in seen[0] and "secret detail" not in seen[0]
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)

    answer_box("OK", seen)
    errors._hook(RuleViolation, RuleViolation("r", "The rule's own words."), None)
    qtbot.waitUntil(lambda: len(seen) == 2)
    assert seen[1] == "The rule's own words."


def test_install_excepthook_replaces_sys_excepthook(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from probation_desk.ui import errors

    monkeypatch.setattr(sys, "excepthook", sys.__excepthook__)
    errors.install_excepthook()
    assert sys.excepthook is errors._hook


# ------------------------------------------------------------------ background tasks
def test_background_task_reports_progress_and_can_be_cancelled(qtbot: Any) -> None:
    from probation_desk.ui.tasks import Tasks

    parent = QWidget()
    qtbot.addWidget(parent)
    tasks = Tasks(parent)
    release = threading.Event()
    gui_thread = threading.get_ident()
    seen: dict[str, Any] = {}

    def work(progress: Any) -> int:
        seen["thread"] = threading.get_ident()
        done = 0
        for done in range(1, 1001):
            if not progress(done, 1000):
                break
            if done == 370:
                release.wait(5)
        return done

    op = tasks.op(parent, work).with_progress(
        lambda done, total: f"Closing {done:,} of {total:,}", cancellable=True, delay_ms=0) \
        .success(lambda n: seen.setdefault("result", n)).run_in_background()
    qtbot.waitUntil(lambda: op._dialog is not None and op._dialog.labelText().startswith(
        "Closing 3"), timeout=5000)
    assert op._dialog.labelText() == "Closing 370 of 1,000"
    assert op._dialog.maximum() == 1000 and op._dialog.value() == 370
    cancel = next(b for b in op._dialog.findChildren(QPushButton) if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert op._dialog.labelText() == "Stopping after the current step…"
    release.set()
    qtbot.waitUntil(lambda: "result" in seen, timeout=5000)
    assert seen["thread"] != gui_thread  # the work ran off the GUI thread
    assert seen["result"] == 371  # stopped at the next progress report after Cancel
    assert not tasks.busy


def test_background_failure_shows_the_rule_not_a_traceback(qtbot: Any) -> None:
    from probation_desk.ui.errors import shown
    from probation_desk.ui.tasks import Tasks

    parent = QWidget()
    qtbot.addWidget(parent)
    tasks = Tasks(parent)

    def work(_p: Any) -> None:
        raise RuleViolation("some-rule", "Refused, in plain words.")

    before = len(shown)
    tasks.op(parent, work).run_in_background()
    qtbot.waitUntil(lambda: len(shown) > before, timeout=5000)
    assert shown[-1] == "Refused, in plain words."
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox):
            w.close()


def test_uk_date_box_takes_dates_as_people_type_them(qtbot: Any) -> None:
    from probation_desk.ui.widgets import UkDateEdit

    for typed in ("01/09/2026", "1/9/2026", "1.9.2026", "01092026"):
        box = UkDateEdit(dt.date(2026, 11, 22))
        qtbot.addWidget(box)
        box.show()
        box.activateWindow()
        qtbot.waitUntil(box.isActiveWindow)
        box.setFocus()
        qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(box, typed)
        qtbot.keyClick(box, Qt.Key.Key_Return)  # editing finished: shown as dd/mm/yyyy
        assert box.value() == dt.date(2026, 9, 1), typed
        assert box.text() == "01/09/2026"


def test_overdue_nsis_are_closed_automatically_at_start(qtbot: Any, db_url: str,
                                                       other_desk: Any) -> None:
    """Rule 1.3: past the close-by date the system closes what is still open, by itself."""
    from probation_desk.services import queries

    overdue = [r for r in queries.worklist(other_desk) if r.overdue]
    assert overdue  # the demo database has in-flight Chemsex NSIs from before the withdrawal
    w = open_window(qtbot, db_url, sweep_at_start=True)
    wait_idle(qtbot, w)
    qtbot.waitUntil(lambda: "Closed" in w.statusBar().currentMessage(), timeout=20000)
    assert f"Closed {len(overdue):,} NSI(s) automatically" in w.statusBar().currentMessage()
    assert queries.worklist(other_desk) == []
    assert other_desk.nsi(overdue[0].nsi_id).outcome.name == "AUTO_CLOSED"


def test_damage_deep_in_the_file_is_reported_after_opening(
        qtbot: Any, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The full page check runs in the background and its finding is said plainly."""
    from probation_desk.services import lifecycle

    monkeypatch.setattr(lifecycle, "integrity_problem",
                        lambda url: "page 7: btreeInitPage error")
    seen: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        lambda parent, title, text, *a: seen.append(f"{title}: {text}"))
    w = open_window(qtbot, db_url)
    wait_idle(qtbot, w)
    qtbot.waitUntil(lambda: bool(seen), timeout=20000)
    assert "may be damaged" in seen[0] and "page 7" in seen[0]
    assert "Nothing has been changed" in w.integrity_warning


def test_a_sound_file_raises_no_warning(qtbot: Any, db_url: str) -> None:
    w = open_window(qtbot, db_url)
    wait_idle(qtbot, w)
    assert w.integrity_warning == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_long_work_steps_back_for_the_window_and_quick_reads_do_not(qtbot: Any) -> None:
    """The day's backup or the full page check must not slow a search typed meanwhile:
    long work runs at a lower CPU priority than the window's quick reads."""
    from probation_desk.ui.tasks import LONG_WORK_NICE, Tasks

    parent = QWidget()
    qtbot.addWidget(parent)
    tasks = Tasks(parent)
    nice: dict[str, int] = {}

    def niceness(kind: str) -> Any:
        def work(_p: Any) -> None:
            nice[kind] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
        return work

    for kind in ("long", "quick", "long again"):
        op = tasks.op(parent, niceness(kind))
        if kind.startswith("long"):
            op = op.long()
        op.run_in_background()
        qtbot.waitUntil(lambda kind=kind: kind in nice, timeout=5000)
    base = os.getpriority(os.PRIO_PROCESS, 0)
    assert nice["long"] == nice["long again"] == max(base, LONG_WORK_NICE)
    assert nice["quick"] == base < nice["long"]
