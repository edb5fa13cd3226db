"""Two people on one database see each other's work without restarting.

Another process (the command line, as another person's machine would be) commits a
change; the open window's caseload shows it within 2 seconds, on a SQLite file
(``PRAGMA data_version``) and on the PostgreSQL server (LISTEN/NOTIFY). An NSI dialog
open while someone else saves that NSI says so before Save is pressed.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.nsi import NsiFields, Status
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database
from probation_desk.settings import Settings
from tests.conftest import TODAY
from tests.services.conftest import make_person
from tests.ui.conftest import open_window, show_everyone, wait_idle

pytestmark = pytest.mark.gui


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def shared_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database with one person, shared by the window and another process."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    else:
        url = request.getfixturevalue("pg_server").create_db()
    desk = Desk(open_database(url), actor="Setup", clock=fixed_clock(TODAY))
    make_person(desk, "W100001", region="London")
    desk.engine.dispose()
    return url


def crns(window: Any) -> list[str]:
    model = window.caseload.table.model()
    texts = [str(model.index(r, c).data() or "") for r in range(model.rowCount())
             for c in range(model.columnCount())]
    return sorted(t for t in texts if len(t) == 7 and t[0].isupper() and t[1:].isdigit())


def test_a_change_by_another_process_appears_in_the_open_caseload(
        qtbot: Any, shared_url: str, tmp_path: Path) -> None:
    w = open_window(qtbot, shared_url, settings=Settings(user_name="Nia Lloyd"))  # all regions
    wait_idle(qtbot, w)
    show_everyone(qtbot, w)  # the people are Test Practitioner's
    qtbot.waitUntil(lambda: crns(w) == ["W100001"], timeout=5000)
    before = w.caseload.model.total
    # Another person's records, as a file the other process imports.
    from probation_desk.services.demo import load_demo
    from probation_desk.services.transfer import export_file

    source = Desk(open_database(f"sqlite:///{tmp_path / 'source.sqlite3'}"), actor="Other",
                  clock=fixed_clock(TODAY))
    load_demo(source, 2, 7)
    export_file(source, str(tmp_path / "two.jsonl"))
    source.engine.dispose()
    subprocess.run([sys.executable, "-m", "probation_desk", "--db", shared_url, "import",
                    str(tmp_path / "two.jsonl")], check=True, env=dict(os.environ),
                   capture_output=True, timeout=120)
    # The other process has committed and exited: the window shows it within 2 seconds.
    qtbot.waitUntil(lambda: w.caseload.model.total == before + 2, timeout=2000)
    assert len(crns(w)) == before + 2


def test_an_open_nsi_dialog_says_when_someone_else_saved_the_nsi(
        qtbot: Any, shared_url: str) -> None:
    from probation_desk.ui.nsi_dialogs import CHANGED_UNDERNEATH, UpdateNsiDialog

    other = Desk(open_database(shared_url), actor="Someone Else", clock=fixed_clock(TODAY))
    person = other.person_by_crn("W100001")
    n = other.open_nsi(person.id, NsiFields("MAPS", referral_date=dt.date(2026, 9, 1)))
    w = open_window(qtbot, shared_url)
    wait_idle(qtbot, w)
    assert w.desk is not None
    dialog = UpdateNsiDialog(w.desk, w.tasks, w.desk.nsi(n.id), person.name, w)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.notice.isVisible()
    other.update_nsi(n.id, NsiFields("MAPS", Status.IN_PROGRESS, dt.date(2026, 9, 1),
                                     actual_start=dt.date(2026, 9, 2)), n.version)
    qtbot.waitUntil(lambda: dialog.notice.isVisible(), timeout=3000)
    assert dialog.notice.text() == CHANGED_UNDERNEATH
    dialog.reject()
    other.engine.dispose()


@pytest.mark.postgres
@pytest.mark.expect_log_warnings
def test_the_status_bar_says_while_others_changes_cannot_be_seen_and_they_come_back(
        qtbot: Any, pg_server: Any) -> None:
    from tests.netproxy import DelayProxy

    url = pg_server.create_db()
    desk = Desk(open_database(url), actor="Setup", clock=fixed_clock(TODAY))
    make_person(desk, "W100001", region="London")
    desk.engine.dispose()
    with DelayProxy("127.0.0.1", pg_server.port) as proxy:
        w = open_window(qtbot, proxy.url(url), settings=Settings(user_name="Nia Lloyd"))
        wait_idle(qtbot, w)
        show_everyone(qtbot, w)
        qtbot.waitUntil(lambda: crns(w) == ["W100001"], timeout=5000)
        proxy.kill()  # the VPN drops
        qtbot.waitUntil(lambda: "Not seeing other people's changes" in
                        w.statusBar().currentMessage(), timeout=5000)
        assert "cannot be reached" in w.statusBar().currentMessage()
        proxy.restart()  # and comes back: the watcher listens again by itself
        qtbot.waitUntil(lambda: "Seeing other people's changes again" in
                        w.statusBar().currentMessage(), timeout=10000)
        other = Desk(open_database(url), actor="Someone Else", clock=fixed_clock(TODAY))
        make_person(other, "W100002", region="London")
        other.engine.dispose()
        qtbot.waitUntil(lambda: crns(w) == ["W100001", "W100002"], timeout=5000)
        w.close()
