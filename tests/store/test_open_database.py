"""Opening databases: owner-only files, WAL, damaged files and newer versions left untouched."""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from probation_desk.errors import DatabaseProblem
from probation_desk.services.lifecycle import open_database


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_sqlite_file_is_owner_only_with_wal_and_foreign_keys(tmp_path: Path) -> None:
    path = tmp_path / "new" / "desk.sqlite3"
    eng = open_database(f"sqlite:///{path}")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with eng.connect() as con:
        assert con.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert con.execute(text("PRAGMA foreign_keys")).scalar() == 1
    eng.dispose()


def test_damaged_file_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "broken.sqlite3"
    path.write_bytes(b"SQLite format 3\x00" + os.urandom(4000))
    before = digest(path)
    with pytest.raises(DatabaseProblem) as exc:
        open_database(f"sqlite:///{path}")
    assert "damaged" in str(exc.value) and "left exactly as it was" in str(exc.value)
    assert digest(path) == before
    assert not Path(str(path) + "-wal").exists()


def test_not_a_database_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, this is not a database" * 100)
    before = digest(path)
    with pytest.raises(DatabaseProblem):
        open_database(f"sqlite:///{path}")
    assert digest(path) == before


def test_newer_schema_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite3"
    eng = open_database(f"sqlite:///{path}")
    with eng.begin() as con:
        con.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    eng.dispose()
    before = digest(path)
    with pytest.raises(DatabaseProblem) as exc:
        open_database(f"sqlite:///{path}")
    assert "newer version of Probation Desk" in str(exc.value)
    assert digest(path) == before


def test_unreachable_server_gives_a_plain_message() -> None:
    with pytest.raises(DatabaseProblem) as exc:
        open_database("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert str(exc.value) == ("The team database at 127.0.0.1:1 cannot be reached (the "
                              "connection was refused). Nothing was changed; try again "
                              "when the network is back.")


def test_indexes_a_crashed_import_left_out_are_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "desk.sqlite3"
    eng = open_database(f"sqlite:///{path}")
    with eng.begin() as con:
        con.execute(text("DROP INDEX ix_nsi_person_active"))
    eng.dispose()
    eng = open_database(f"sqlite:///{path}")
    with eng.connect() as con:
        names = set(con.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index'")).scalars())
    assert "ix_nsi_person_active" in names
    eng.dispose()


def test_full_integrity_check_reports_a_sound_file(tmp_path: Path) -> None:
    from probation_desk.store.engine import integrity_problem

    url = f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    open_database(url).dispose()
    assert integrity_problem(url) is None
    broken = tmp_path / "broken.sqlite3"
    broken.write_bytes(b"garbage" * 500)
    assert integrity_problem(f"sqlite:///{broken}")


def test_database_errors_do_not_carry_personal_data(tmp_path: Path) -> None:
    from sqlalchemy.exc import IntegrityError

    eng = open_database(f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    insert = text("INSERT INTO person (crn, name, name_key, region, pdu, practitioner, "
                  "language, print_needs, open_nsis, module_status) VALUES (:crn, :name, "
                  "'k', 'Wales', 'P', 'PP', 'ENGLISH', 'STANDARD', 0, 'NOT_STARTED')")
    with eng.begin() as con:
        con.execute(insert, {"crn": "X123456", "name": "Siân Secret"})
    with pytest.raises(IntegrityError) as exc, eng.begin() as con:
        con.execute(insert, {"crn": "X123456", "name": "Siân Secret"})
    assert "Siân Secret" not in str(exc.value) and "X123456" not in str(exc.value)
    eng.dispose()
