"""Backups of a PostgreSQL database, against the real server the tests start.

Daily and manual backups with ``pg_dump`` (owner-only, listed with their dates),
restore with ``pg_restore`` (the database as it was, audit trail included, the current
one backed up first), and a plain message, no traceback, where the tools are missing.
Before: the day's backup was taken for SQLite files only; PostgreSQL had none at all.
"""

from __future__ import annotations

import datetime as dt
import stat
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from probation_desk.cli import main
from probation_desk.domain.people import PersonDetails
from probation_desk.store.models import AuditEntry, Person

pytestmark = pytest.mark.postgres


def _person(desk: Any, crn: str) -> None:
    desk.add_person(PersonDetails(crn, "Backup Person", dt.date(1990, 1, 1), "Wales",
                                  "Cardiff", "PP"))


def _counts(desk: Any) -> tuple[int, int]:
    with desk.engine.connect() as con:
        return (int(con.execute(select(func.count()).select_from(Person)).scalar() or 0),
                int(con.execute(select(func.count()).select_from(AuditEntry)).scalar() or 0))


def test_postgresql_is_backed_up_daily_and_restored(pg_server: Any, capsys: Any) -> None:
    from probation_desk.services.lifecycle import open_desk
    from probation_desk.store.backup import list_backups

    url = pg_server.create_db()
    desk = open_desk(url)
    _person(desk, "X100001")
    desk.engine.dispose()
    desk = open_desk(url)  # the same day: no second daily backup
    daily = [b for b in list_backups(url) if b.reason == "daily"]
    assert len(daily) == 1
    assert daily[0].path.suffix == ".pgdump" and daily[0].size > 0
    assert stat.S_IMODE(daily[0].path.stat().st_mode) == 0o600
    assert not list(daily[0].path.parent.glob(".*.part"))

    assert main(["backup", "--db", url]) == 0  # a manual one, now
    out = capsys.readouterr().out
    manual = Path(out.split(" to ", 1)[1].split(" (", 1)[0])
    assert manual.suffix == ".pgdump" and stat.S_IMODE(manual.stat().st_mode) == 0o600
    kept = _counts(desk)
    _person(desk, "X100002")
    assert _counts(desk)[0] == kept[0] + 1
    desk.engine.dispose()

    assert main(["restore", "--db", url, str(manual)]) == 0
    assert "before-restore" in capsys.readouterr().out
    desk = open_desk(url)
    assert _counts(desk) == kept  # the people and the audit trail as they were
    with pytest.raises(Exception, match="could not be found"):
        desk.person_by_crn("X100002")
    assert desk.person_by_crn("X100001")
    _person(desk, "X100003")  # and the database goes on working (sequences restored)
    desk.engine.dispose()
    before = [b for b in list_backups(url) if b.reason == "before-restore"]
    assert len(before) == 1  # the database as it was just before, kept first
    assert main(["restore", "--db", url]) == 0  # lists them with dates
    listed = capsys.readouterr().out
    assert "before-restore" in listed and "daily" in listed and "manual" in listed


def test_restore_refuses_a_file_that_is_not_a_postgresql_backup(pg_server: Any,
                                                                tmp_path: Path,
                                                                capsys: Any) -> None:
    from probation_desk.services.lifecycle import open_desk

    url = pg_server.create_db()
    desk = open_desk(url)
    _person(desk, "X100004")
    kept = _counts(desk)
    junk = tmp_path / "junk.pgdump"
    junk.write_bytes(b"not a dump" * 100)
    assert main(["restore", "--db", url, str(junk)]) == 5
    assert "not a Probation Desk backup" in capsys.readouterr().err
    assert _counts(desk) == kept
    desk.engine.dispose()


@pytest.mark.expect_log_warnings
def test_without_pg_dump_postgresql_backups_say_so(pg_server: Any, capsys: Any,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import probation_desk.store.backup as backup_module
    from probation_desk.services.lifecycle import daily_backup, open_desk
    from probation_desk.store.backup import list_backups

    url = pg_server.create_db()
    monkeypatch.setattr(backup_module, "pg_dump_path", lambda: None)
    monkeypatch.setattr(backup_module.shutil, "which", lambda _name: None)
    desk = open_desk(url)  # opens all the same
    _person(desk, "X100005")
    desk.engine.dispose()
    note = daily_backup(url, 14)
    assert note is not None and "pg_dump program is not installed" in note
    assert list_backups(url) == []
    assert main(["backup", "--db", url]) == 5
    err = capsys.readouterr().err
    assert "pg_dump program is not installed" in err and "Traceback" not in err
    assert main(["restore", "--db", url, __file__]) == 5
    err = capsys.readouterr().err
    assert "pg_restore program is not installed" in err and "Traceback" not in err
