"""Opening a database and the work after opening, as plain Python (no window).

The window runs these same steps one after another off its thread; here they are run
in order and what each did is read back from the files and the records.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.nsi import NsiFields
from probation_desk.errors import DatabaseProblem, Exit, explain
from probation_desk.services import lifecycle
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import Step
from probation_desk.store.backup import list_backups
from probation_desk.store.models import Person
from tests.conftest import TODAY
from tests.services.conftest import make_person


@pytest.fixture(autouse=True)
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Backups go to this test's own data folder, so only its own are counted."""
    monkeypatch.setenv("PROBATION_DESK_HOME", str(tmp_path / "home"))


def _desk_with_work(url: str) -> Desk:
    """A personal file with one open Chemsex NSI (past its close-by date) and one
    person whose stored open-NSI count has drifted."""
    desk = Desk(lifecycle.open_database(url), actor="Test Practitioner",
                clock=fixed_clock(TODAY))
    a = make_person(desk, "A000001", "Siân Llŷr")
    make_person(desk, "B000002", "Sam Other")
    desk.open_nsi(a.id, NsiFields("CHEMSEX", referral_date=dt.date(2022, 5, 2)),
                  historical=True)
    with desk.engine.begin() as con:
        con.execute(update(Person).where(Person.crn == "B000002").values(open_nsis=5))
    return desk


def test_after_open_runs_backup_page_check_recount_then_sweep(sqlite_url: str) -> None:
    desk = _desk_with_work(sqlite_url)
    assert lifecycle.after_open_steps(desk) == [Step.BACKUP, Step.PAGE_CHECK, Step.RECOUNT,
                                                Step.SWEEP]
    seen: list[Step] = []
    outcomes = lifecycle.run_after_open(desk, sqlite_url, keep=3,
                                        on_step=lambda o: seen.append(o.step))
    assert seen == [o.step for o in outcomes] == [Step.BACKUP, Step.PAGE_CHECK,
                                                   Step.RECOUNT, Step.SWEEP]
    assert [b.reason for b in list_backups(sqlite_url)] == ["daily"]
    assert outcomes[1].damage is None
    report = outcomes[2].report
    assert report is not None and report.repaired
    assert [(d.what, d.stored, d.recounted) for d in report.drift] == [("open NSIs", "5", "0")]
    assert outcomes[3].closed == 1
    assert desk.person_by_crn("A000001").open_nsis == 0
    # A second open the same day: no second backup, nothing left to repair or close.
    again = lifecycle.run_after_open(desk, sqlite_url, keep=3)
    assert len(list_backups(sqlite_url)) == 1
    assert again[2].report is not None and not again[2].report.drift
    assert again[3].closed == 0
    desk.engine.dispose()


def test_damage_found_by_the_page_check_stops_the_recount_and_the_sweep(
        sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    desk = _desk_with_work(sqlite_url)
    monkeypatch.setattr(lifecycle, "integrity_problem", lambda _url: "page 7: bad")
    outcomes = lifecycle.run_after_open(desk, sqlite_url, keep=3)
    assert [o.step for o in outcomes] == [Step.BACKUP, Step.PAGE_CHECK]
    assert outcomes[-1].damage == "page 7: bad" and outcomes[-1].stops_the_rest
    # Nothing was written to the file: the drift and the open NSI are as they were.
    assert desk.person_by_crn("B000002").open_nsis == 5
    assert desk.person_by_crn("A000001").open_nsis == 1
    desk.engine.dispose()


def test_an_empty_database_is_not_swept(sqlite_url: str) -> None:
    desk = Desk(lifecycle.open_database(sqlite_url), actor="PP", clock=fixed_clock(TODAY))
    assert Step.SWEEP not in lifecycle.after_open_steps(desk, sweep=False)
    desk.engine.dispose()


def test_nothing_to_back_up_for_a_file_not_yet_made(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'none-yet.sqlite3'}"
    assert lifecycle.plan_backup(url) is lifecycle.BackupPlan.NOTHING_TO_KEEP
    assert lifecycle.daily_backup(url, 3) is None
    assert lifecycle.plan_backup("sqlite://") is lifecycle.BackupPlan.NOTHING_TO_KEEP


def test_a_failed_backup_before_migrating_leaves_the_database_unchanged(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Back up before migrating, refusing to migrate when the backup cannot be made."""
    from probation_desk.store import backup as backups
    from probation_desk.store.migrate import downgrade
    from probation_desk.store.schema_version import KNOWN_REVISIONS

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = lifecycle.open_database(url)
    downgrade(engine, KNOWN_REVISIONS[-2])
    engine.dispose()

    def full(*_a: Any, **_k: Any) -> Path:
        raise backups.BackupProblem("The backup could not be written (No space left).")

    monkeypatch.setattr(backups, "backup", full)
    with pytest.raises(DatabaseProblem) as refused:
        lifecycle.open_database(url)
    assert "backup taken first could not be made" in str(refused.value)
    assert "Nothing was changed" in str(refused.value)
    from probation_desk.store.engine import check_version, make_engine

    engine = make_engine(url)
    assert check_version(engine) == KNOWN_REVISIONS[-2]
    engine.dispose()


@pytest.mark.parametrize(("exc", "status", "words"), [
    (OSError(28, "No space left on device", "/data/x"), Exit.FILE, "The disk is full"),
    (OSError(30, "Read-only file system", "/data/x"), Exit.FILE, "read-only"),
    (DatabaseProblem("The database file is damaged."), Exit.DATABASE, "damaged"),
    (lifecycle.BackupProblem("No backup."), Exit.BACKUP, "No backup."),
    (KeyError("x"), Exit.UNEXPECTED, "did not expect"),
])
def test_each_kind_of_failure_has_its_words_and_exit_status(
        exc: BaseException, status: Exit, words: str) -> None:
    said = explain(exc)
    assert said.status is status and words in said.text
    assert said.expected is (status is not Exit.UNEXPECTED)
