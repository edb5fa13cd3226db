"""The caseload's first rows are painted before SQLAlchemy is loaded, and are the real list.

For a personal SQLite file the window reads the first page with sqlite3
(``services.caseload_sql``) once its frame is painted, paints it, and opens the database
through SQLAlchemy afterwards. Here: the rows on screen before the database is open are
exactly the rows the normal search shows once it is (cell for cell, the region from
Settings applied); in a fresh process SQLAlchemy is not even imported when they are
painted; and a file that needs migrating still opens the normal way.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from probation_desk.settings import Settings
from tests.ui.conftest import TODAY, wait_idle

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]


def _cells(w: Any, rows: int) -> list[list[str]]:
    model = w.caseload.model
    return [[str(model.index(r, c).data() or "") for c in range(model.columnCount())]
            for r in range(min(rows, model.rowCount()))]


def test_first_rows_before_the_open_are_the_normal_lists_rows(qtbot: Any, db_url: str) -> None:
    from probation_desk.domain.dates import fixed_clock
    from probation_desk.ui.main_window import MainWindow

    w = MainWindow(db_url, clock=fixed_clock(TODAY), welcome=False, sweep_at_start=False,
                   settings=Settings(user_name="Nia Lloyd", region="London"))
    qtbot.addWidget(w)
    w.resize(1200, 820)
    early: dict[str, Any] = {}

    def painted() -> None:
        early["desk"] = w.desk
        early["cells"] = _cells(w, 12)
        early["count"] = w.caseload.count_label.text()

    w.pages_ready.connect(lambda: w.caseload.first_rows_shown.connect(painted))
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.desk_opened, timeout=20000):
        w.start()
    wait_idle(qtbot, w)
    assert early, "no rows were painted"
    assert early["desk"] is None  # painted before the database was opened
    # Her caseload (the list the window opens on), in the region from Settings.
    assert early["count"] == w.caseload.count_label.text() == (
        f"{w.caseload.model.total} people on my caseload (managed by Nia Lloyd)")
    assert len(early["cells"]) == min(12, w.caseload.model.rowCount()) >= 2
    assert all(row[0] != "Loading…" for row in early["cells"])
    assert {row[2] for row in early["cells"]} == {"London"}
    assert {row[4] for row in early["cells"]} == {"Nia Lloyd"}
    assert early["cells"] == _cells(w, 12)  # what the normal search shows
    assert any(row[7] != "No RAR" for row in early["cells"])  # RAR figures compared too


_CHILD = """
import json, sys
from PySide6.QtCore import QTimer
from probation_desk.ui.app import make_application
from probation_desk.ui.main_window import MainWindow
app = make_application([])
win = MainWindow(sys.argv[1], welcome=False, sweep_at_start=False)
out = {}
def painted():
    out["sqlalchemy"] = "sqlalchemy" in sys.modules
    out["rows"] = win.caseload.model.rowCount()
    out["desk"] = win.desk is not None
def opened():
    out["opened"] = True
    QTimer.singleShot(0, win.close)
win.pages_ready.connect(lambda: win.caseload.first_rows_shown.connect(painted))
win.desk_opened.connect(opened)
QTimer.singleShot(30000, win.close)
win.show()
win.start()
app.exec()
print(json.dumps(out))
"""


def test_first_rows_are_painted_before_sqlalchemy_is_imported(db_url: str,
                                                              home: Path) -> None:
    from probation_desk.settings import save_settings

    save_settings(Settings(user_name="Nia Lloyd"))  # her caseload: the list it opens on
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PROBATION_DESK_HOME=str(home))
    proc = subprocess.run([sys.executable, "-c", _CHILD, db_url], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    with sqlite3.connect(db_url.removeprefix("sqlite:///")) as con:
        hers = con.execute("SELECT count(*) FROM person WHERE practitioner = 'Nia Lloyd'"
                           ).fetchone()[0]
    con.close()
    assert 0 < hers < 200  # the whole list fits the first window: all of it is shown
    assert out == {"sqlalchemy": False, "rows": hers, "desk": False, "opened": True}, out


@pytest.mark.parametrize("problem", ["newer", "others-can-write"])
def test_a_file_the_open_refuses_shows_no_rows_first(qtbot: Any, db_url: str,
                                                     problem: str) -> None:
    """No row is read early from a file the normal open would refuse: the refusal is
    all that is shown."""
    from probation_desk.domain.dates import fixed_clock
    from probation_desk.ui.main_window import MainWindow

    path = Path(db_url.removeprefix("sqlite:///"))
    if problem == "newer":
        with sqlite3.connect(path) as con:
            con.execute("UPDATE alembic_version SET version_num = '9999'")
        con.close()
    else:
        path.chmod(0o666)
    w = MainWindow(db_url, clock=fixed_clock(TODAY), welcome=False, sweep_at_start=False,
                   settings=Settings(user_name="Nia Lloyd", region="London"))
    qtbot.addWidget(w)
    painted: list[bool] = []
    w.pages_ready.connect(lambda: w.caseload.first_rows_shown.connect(
        lambda: painted.append(True)))
    w.show()
    qtbot.waitExposed(w)
    with qtbot.waitSignal(w.desk_failed, timeout=20000) as failed:
        w.start()
    wait_idle(qtbot, w)
    expected = "newer version" if problem == "newer" else "Other users can change"
    assert expected in failed.args[0]
    assert w.stack.currentWidget() is w.problem
    assert not painted and w.caseload.model.total == 0
