"""`probation-desk check` repairs drifted counters; backups and restores; damaged files."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import stat
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from probation_desk.cli import main
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import NsiFields
from probation_desk.domain.people import PersonDetails
from probation_desk.services.check import check_database


def seed(desk: Any) -> Any:
    p = desk.add_person(PersonDetails("X123456", "Test Person", dt.date(1990, 1, 1), "Wales",
                                      "Cardiff", "PP"))
    desk.open_nsi(p.id, NsiFields("MAPS", referral_date=dt.date(2026, 9, 1)))
    desk.record_session(p.id, ModuleSession(dt.date(2026, 10, 1), SupporterRole.PP, "PP",
                                            completed=True))
    return p


def test_check_finds_and_repairs_drift_saying_what_changed(desk: Any) -> None:
    p = seed(desk)
    assert check_database(desk).drift == []
    with desk.engine.begin() as con:  # what a kill used to leave behind
        con.execute(text("UPDATE person SET open_nsis = 5, module_status = 'NOT_STARTED', "
                         "module_completed_on = NULL"))
    looked = check_database(desk, repair=False)
    assert {d.what for d in looked.drift} == {"open NSIs", "module status"}
    assert desk.person(p.id).open_nsis == 5  # only looked
    report = check_database(desk)
    assert report.repaired and f"person {p.id}: open NSIs 5 -> 1" in report.text()
    fixed = desk.person(p.id)
    assert (fixed.open_nsis, fixed.module_status) == (1, "COMPLETED")
    assert desk.audit(limit=1)[0].action == "repair counters"
    assert check_database(desk).drift == []


def test_check_command_reports_and_exits(tmp_path: Path, capsys: Any) -> None:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    from probation_desk.services.lifecycle import open_desk

    seed(open_desk(url))
    con = sqlite3.connect(tmp_path / "desk.sqlite3")
    con.execute("UPDATE person SET open_nsis = 0")
    con.commit()
    con.close()
    assert main(["check", "--db", url, "--no-repair"]) == 1
    assert "Found (not repaired) 1" in capsys.readouterr().out
    assert main(["check", "--db", url]) == 0
    assert "Repaired 1 stored value" in capsys.readouterr().out
    assert main(["check", "--db", url]) == 0
    assert "every open-NSI count and module status matches" in capsys.readouterr().out


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def garbage_in_the_middle(path: Path) -> None:
    size = path.stat().st_size
    with path.open("r+b") as fh:
        fh.seek(size // 2)
        fh.write(os.urandom(8192))


def big_enough(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    assert main(["demo", "--db", url, "--cases", "300"]) == 0
    con = sqlite3.connect(tmp_path / "desk.sqlite3")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return url


@pytest.mark.parametrize("command", [["sweep"], ["demo", "--cases", "5"], ["check"]])
def test_no_command_writes_to_a_damaged_file(tmp_path: Path, capsys: Any,
                                             command: list[str]) -> None:
    url = big_enough(tmp_path)
    path = tmp_path / "desk.sqlite3"
    garbage_in_the_middle(path)
    before = digest(path)
    assert main([command[0], "--db", url, *command[1:]]) == 3
    err = capsys.readouterr()
    assert "damaged" in err.err + err.out and "Traceback" not in err.err
    assert digest(path) == before


def test_backup_and_restore_round_trip_with_the_audit_trail(tmp_path: Path,
                                                            capsys: Any) -> None:
    from probation_desk.services.lifecycle import open_desk

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    desk = open_desk(url)
    seed(desk)
    audit_rows = len(desk.audit())
    target = tmp_path / "mine.sqlite3"
    assert main(["backup", "--db", url, str(target)]) == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    desk.add_person(PersonDetails("Y123456", "Later Person", None, "Wales", "Cardiff", "PP"))
    desk.engine.dispose()
    assert main(["restore", "--db", url, str(target)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and "before-restore" in out
    desk = open_desk(url)
    assert [a.action for a in desk.audit()][:1] and len(desk.audit()) == audit_rows
    with pytest.raises(Exception, match="could not be found"):
        desk.person_by_crn("Y123456")
    desk.engine.dispose()
    assert main(["restore", "--db", url]) == 0  # lists them, with dates
    assert "before-restore" in capsys.readouterr().out


def test_restore_refuses_foreign_damaged_and_newer_files(tmp_path: Path, capsys: Any) -> None:
    from probation_desk.services.lifecycle import open_database

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    open_database(url).dispose()
    before = digest(tmp_path / "desk.sqlite3")
    foreign = tmp_path / "foreign.sqlite3"
    con = sqlite3.connect(foreign)
    con.execute("CREATE TABLE notes (x)")
    con.commit()
    con.close()
    newer = tmp_path / "newer.sqlite3"
    open_database(f"sqlite:///{newer}").dispose()
    con = sqlite3.connect(newer)
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database" * 100)
    for path, words in ((foreign, "not a Probation Desk database"),
                        (newer, "newer version"), (junk, "not a Probation Desk database")):
        assert main(["restore", "--db", url, str(path)]) == 5
        assert words in capsys.readouterr().err
    assert digest(tmp_path / "desk.sqlite3") == before


def test_automatic_backups_are_daily_and_pruned(tmp_path: Path) -> None:
    from probation_desk.services.lifecycle import open_desk
    from probation_desk.store.backup import backup, list_backups, prune

    url = f"sqlite:///{tmp_path / 'daily.sqlite3'}"
    open_desk(url).engine.dispose()
    open_desk(url).engine.dispose()
    daily = [b for b in list_backups(url) if b.reason == "daily"]
    assert len(daily) == 1 and stat.S_IMODE(daily[0].path.stat().st_mode) == 0o600
    for _ in range(4):
        backup(url, reason="daily")
    prune(url, 3)
    assert len([b for b in list_backups(url) if b.reason != "manual"]) == 3


def _started(proc: Any) -> None:
    line = proc.stdout.readline()
    assert line.strip() == "copying", (line, proc.stderr.read() if proc.poll() else "")


def test_a_backup_killed_mid_copy_leaves_nothing_behind_after_the_next_start(
        tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    from probation_desk.services.lifecycle import daily_backup, open_desk
    from probation_desk.store.backup import backup_dir

    url = big_enough(tmp_path)
    root = Path(__file__).resolve().parents[2]

    def slow_backup() -> Any:
        proc = subprocess.Popen([sys.executable, "-m", "tests.faults.slow_backup", url],
                                cwd=root, env=os.environ.copy(), text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        _started(proc)
        return proc

    def parts() -> set[Path]:
        return {p for p in backup_dir().iterdir() if ".part" in p.name}

    killed = slow_backup()
    left = parts()
    assert left, "the copy being made is a .part file"
    for p in left:  # owner-only while it exists
        assert stat.S_IMODE(p.stat().st_mode) == 0o600, p
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=30)
    assert parts() == left  # what a killed copy leaves behind
    # Another backup, still copying. Started in a later second, so its name is not the
    # killed copy's (one started in the same second, after the stale copy was cleared,
    # may take that name again: then there would be nothing to tell them apart by).
    second = dt.datetime.now(dt.UTC).replace(microsecond=0)
    while dt.datetime.now(dt.UTC).replace(microsecond=0) == second:
        time.sleep(0.05)
    running = slow_backup()
    try:
        theirs = parts() - left
        assert theirs
        daily_backup(url, 14)  # as the next start does
        assert parts() == theirs  # the stale copy went; the one being made stays
        running.send_signal(signal.SIGKILL)
        running.communicate(timeout=30)
    finally:
        if running.poll() is None:
            running.kill()
    open_desk(url).engine.dispose()  # the next start clears that one too
    assert parts() == set()
