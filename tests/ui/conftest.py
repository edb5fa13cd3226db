"""Fixtures for driving the main window: a real SQLite file with demo data and known people.

The demo database is built once per run (``services.demo.load_demo`` plus a few people
made through the import and Desk operations, so tests can name them) and copied for
each test. Each test gets its own ``PROBATION_DESK_HOME``, so settings and the window
state (QSettings INI) never leak between tests or to the real user.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.people import OrderDetails, OrderKind, PersonDetails
from probation_desk.services.demo import load_demo
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.services.transfer import import_records
from probation_desk.settings import Settings

TODAY = dt.date(2026, 11, 22)
D = dt.date


def _known_people(desk: Desk) -> None:
    """People the tests name: Siân (RAR order), and two with in-flight Chemsex NSIs."""
    sian = desk.add_person(PersonDetails("L900001", "Siân Llŷr-Ŵyn", D(1990, 3, 4), "London",
                                         "Hackney", "Nia Lloyd"))
    order = desk.add_order(sian.id, OrderDetails(OrderKind.COMMUNITY_ORDER, D(2026, 1, 5),
                                                 D(2027, 1, 4), 20))
    desk.record_activity(sian.id, D(2026, 3, 2), order_id=order.id)
    desk.record_activity(sian.id, D(2026, 4, 6), order_id=order.id)
    records: list[tuple[int, dict[str, Any]]] = []
    for i, (crn, name, pdu, pp, status) in enumerate((
            ("L900002", "Bola Okafor", "Hackney", "Nia Lloyd", "IN_PROGRESS"),
            ("L900003", "Gwen Price", "Croydon", "Sam Reid", "REFERRED"))):
        records.append((i * 2 + 1, {"type": "person", "crn": crn, "name": name,
                                    "region": "London", "pdu": pdu, "practitioner": pp}))
        nsi: dict[str, Any] = {"type": "nsi", "ref": f"{crn}/N1", "crn": crn,
                               "toolkit": "CHEMSEX", "status": status,
                               "referral_date": "2022-05-02",
                               "notes": "Good engagement before the withdrawal.",
                               "practitioner": pp}
        if status == "IN_PROGRESS":
            nsi["actual_start"] = "2022-05-09"
        records.append((i * 2 + 2, nsi))
    result = import_records(desk, records, source="ui tests")
    assert not result.refused, result.refused


@pytest.fixture(scope="session", autouse=True)
def _collect_on_gui_thread(qapp: QApplication) -> None:
    """As in the app (``make_application``): garbage is collected on the GUI thread only."""
    from probation_desk.ui import gc_guard

    gc_guard.install(qapp)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database built once: 120 synthetic people plus the known ones."""
    path = tmp_path_factory.mktemp("ui-template") / "template.sqlite3"
    engine = open_database(f"sqlite:///{path}")
    desk = Desk(engine, actor="Test setup", clock=fixed_clock(TODAY))
    load_demo(desk, 120, seed=3)
    _known_people(desk)
    engine.dispose()
    return path


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This test's own settings folder (settings.json and window.ini)."""
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("PROBATION_DESK_HOME", str(folder))
    monkeypatch.delenv("PROBATION_DESK_DB", raising=False)
    return folder


@pytest.fixture
def db_url(demo_template: Path, tmp_path: Path, home: Path) -> str:
    """A copy of the demo database for this test."""
    target = tmp_path / "desk.sqlite3"
    for f in demo_template.parent.glob(demo_template.name + "*"):
        shutil.copy(f, tmp_path / f.name.replace(demo_template.name, target.name))
    return f"sqlite:///{target}"


@pytest.fixture
def other_desk(db_url: str) -> Iterator[Desk]:
    """A second Desk on the same database: another person's machine, or a check."""
    engine = open_database(db_url)
    yield Desk(engine, actor="Someone Else", clock=fixed_clock(TODAY))
    engine.dispose()


def user_settings() -> Settings:
    return Settings(user_name="Nia Lloyd", region="London")


def open_window(qtbot: Any, url: str, *, settings: Settings | None = None,
                welcome: bool = False, size: tuple[int, int] | None = (1200, 820),
                sweep_at_start: bool = False) -> Any:
    """The main window on ``url``, shown, with the first caseload search done.

    The start-up sweep is off unless asked for, so the overdue NSIs the worklist tests
    work on are still open.
    """
    from probation_desk.ui.main_window import MainWindow

    w = MainWindow(url, clock=fixed_clock(TODAY), settings=settings or user_settings(),
                   welcome=welcome, sweep_at_start=sweep_at_start)
    qtbot.addWidget(w)
    if size is not None:
        w.resize(*size)
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.desk_opened, timeout=20000):
        w.start()
    return w


@pytest.fixture
def window(qtbot: Any, db_url: str) -> Any:
    """The main window on the demo database, signed in as Nia Lloyd in London."""
    w = open_window(qtbot, db_url)
    wait_idle(qtbot, w)
    return w


def wait_idle(qtbot: Any, w: Any, timeout: int = 20000) -> None:
    """Wait until no background work is running."""
    qtbot.waitUntil(lambda: not w.tasks.busy, timeout=timeout)


def answer_box(button: str, seen: list[str] | None = None) -> Callable[[], None]:
    """Press ``button`` on the next modal message box (the question's text goes to seen)."""
    def poll() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            if seen is not None:
                seen.append(box.text())
            for b in box.buttons():
                if b.text().replace("&", "") == button:
                    b.click()
                    return
            raise AssertionError(f"no button {button!r} in {[b.text() for b in box.buttons()]}")
        QTimer.singleShot(20, poll)

    QTimer.singleShot(0, poll)
    return poll


def table_column(view: Any, column: int) -> list[str]:
    """The texts shown in one column of a table view."""
    model = view.model()
    return [str(model.index(r, column).data() or "") for r in range(model.rowCount())]


def discard_typed(dialog: Any) -> None:
    """Close a form that holds typed text: Esc asks first, and Discard is pressed."""
    dialog.reject()
    box = dialog._discard_box
    assert box is not None and box.isVisible(), "closing with typed text did not ask"
    next(b for b in box.buttons() if b.text().replace("&", "").startswith("Discard")).click()


def show_everyone(qtbot: Any, w: Any) -> None:
    """Ctrl+E: the caseload lists everyone, not only my caseload (the first view)."""
    from PySide6.QtCore import Qt

    if w.caseload.everyone_button.isChecked():
        return
    w.activateWindow()  # after a dialog, as the desktop does
    qtbot.waitUntil(w.isActiveWindow, timeout=5000)
    with qtbot.waitSignal(w.caseload.search_done, timeout=10000):
        qtbot.keyClick(w, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    wait_idle(qtbot, w)
