"""Screenshots of the main screens, for people to look at (saved in ``screenshots/``).

Needs a real X server; run it as::

    QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" \\
        .venv/bin/python -m pytest -m xvfb tests/ui/test_screenshots.py

It is skipped when no display is set. One screenshot is taken at 200% scaling in a
separate process (``QT_SCALE_FACTOR=2``), to check the layout still reads at that size.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from tests.ui.conftest import wait_idle

pytestmark = [
    pytest.mark.xvfb,
    pytest.mark.gui,
    pytest.mark.skipif(not os.environ.get("DISPLAY"), reason="needs an X display (xvfb-run)"),
]

OUT = Path(__file__).resolve().parents[2] / "screenshots"


def save(widget: QWidget, name: str) -> Path:
    OUT.mkdir(exist_ok=True)
    path = OUT / f"{name}.png"
    QApplication.processEvents()
    assert widget.grab().save(str(path)), path
    return path


def settle(qtbot: Any, window: Any) -> None:
    wait_idle(qtbot, window)
    qtbot.wait(150)


def test_main_screens(qtbot: Any, window: Any) -> None:
    from probation_desk.domain.nsi import NsiFields
    from probation_desk.ui.dialogs import SettingsDialog, WelcomeDialog
    from probation_desk.ui.nsi_dialogs import OpenNsiDialog

    window.resize(1280, 800)
    page, record = window.caseload, window.record
    page.search.setText("L9000")
    page.reload()
    settle(qtbot, window)
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: record.data is not None, timeout=10000)
    desk = window.desk
    sian = record.data.person
    desk.open_nsi(sian.id, NsiFields("MAPS", referral_date=desk.today,
                                     notes="Working on what matters most."))
    window.refresh()
    settle(qtbot, window)
    save(window, "01-caseload-details")
    record.tabs.setCurrentIndex(1)
    save(window, "02-orders-and-rar")
    record.tabs.setCurrentIndex(2)
    record.nsi_table.selectRow(0)
    save(window, "03-nsis")
    record.tabs.setCurrentIndex(3)
    save(window, "04-module")

    dlg = OpenNsiDialog(desk, window.tasks, sian, window)
    dlg.toolkit.addItem("Chemsex", "CHEMSEX")
    dlg.toolkit.setCurrentIndex(dlg.toolkit.count() - 1)
    dlg.notes.setPlainText("Typed notes are kept when the rules refuse.")
    dlg.show()
    dlg.accept()
    qtbot.waitUntil(lambda: bool(dlg.refusal_text()), timeout=10000)
    qtbot.wait(100)
    save(dlg, "05-open-nsi-refused")
    dlg.reject()

    page.table.selectRow(1)
    qtbot.waitUntil(lambda: record.data is not None
                    and record.data.person.crn == "L900002", timeout=10000)
    record.tabs.setCurrentIndex(2)
    record.nsi_table.selectRow(0)
    settle(qtbot, window)
    save(window, "06-nsi-overdue")

    window.show_section(1)
    window.worklist.region.setCurrentIndex(0)
    settle(qtbot, window)
    save(window, "07-worklist")

    shots: list[QWidget] = []

    def grab_box() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            save(box, "08-sweep-confirm")
            shots.append(box)
            box.reject()
        else:
            QTimer.singleShot(20, grab_box)

    QTimer.singleShot(0, grab_box)
    window.worklist.sweep()
    qtbot.waitUntil(lambda: bool(shots), timeout=10000)
    settle(qtbot, window)

    window.show_section(0)
    page.search.setText("xyz")
    page.reload()
    settle(qtbot, window)
    save(window, "09-no-match")

    settings = SettingsDialog(window.tasks, window.settings, window.db_url, window)
    settings.show()
    qtbot.wait(100)
    save(settings, "10-settings")
    settings.reject()
    welcome = WelcomeDialog(window.settings, window)
    welcome.show()
    qtbot.wait(100)
    save(welcome, "11-welcome")
    welcome.reject()

    for index, name in ((2, "12-review"), (3, "13-dashboard")):
        window.show_section(index)
        settle(qtbot, window)
        qtbot.wait(400)
        save(window, name)
    assert len(list(OUT.glob("*.png"))) >= 13


SCALED = textwrap.dedent("""
    import datetime as dt, sys
    from PySide6.QtCore import QTimer
    from probation_desk.domain.dates import fixed_clock
    from probation_desk.settings import Settings
    from probation_desk.ui.app import make_application
    from probation_desk.ui.main_window import MainWindow
    app = make_application([])
    w = MainWindow(sys.argv[1], clock=fixed_clock(dt.date(2026, 11, 22)),
                   settings=Settings(user_name="Nia Lloyd", region="London"), welcome=False,
                   sweep_at_start=False)
    w.resize(1100, 760)
    w.show()
    w.start()
    def shot():
        w.caseload.table.selectRow(0)
        QTimer.singleShot(1500, lambda: (w.grab().save(sys.argv[2]), app.quit()))
    w.desk_opened.connect(
        lambda: w.caseload.search_done.connect(lambda: QTimer.singleShot(300, shot)))
    QTimer.singleShot(30000, app.quit)
    app.exec()
""")


def test_caseload_at_200_percent(db_url: str, home: Path) -> None:
    OUT.mkdir(exist_ok=True)
    out = OUT / "14-caseload-200-percent.png"
    out.unlink(missing_ok=True)
    env = dict(os.environ, QT_SCALE_FACTOR="2", PROBATION_DESK_HOME=str(home))
    subprocess.run([sys.executable, "-c", SCALED, db_url, str(out)], env=env, check=True,
                   timeout=60, cwd=Path(__file__).resolve().parents[2])
    assert out.exists()

