"""A migration killed at any moment leaves the database as it was; a half-built one is named.

Before: pysqlite committed DDL statement by statement, so a SIGKILL inside a migration left
tables without a version stamp and every later open failed ("table audit already exists").
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, text

from probation_desk.errors import DatabaseProblem
from probation_desk.services.lifecycle import open_database
from probation_desk.store.migrate import upgrade
from probation_desk.store.schema_version import SCHEMA_HEAD

ROOT = Path(__file__).resolve().parents[2]


def run_killer(action: str, url: str, n: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.faults.killer", action, url, str(n)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120,
                          env=os.environ.copy())


def seed_at_first_revision(path: Path) -> str:
    from probation_desk.store.engine import make_engine

    url = f"sqlite:///{path}"
    eng = make_engine(url)
    upgrade(eng, "0001")
    with eng.begin() as con:
        con.execute(text(
            "INSERT INTO person (id, crn, name, name_key, region, pdu, practitioner, "
            "language, print_needs, open_nsis, module_status) VALUES (1, 'X123456', "
            "'Siân', 'sian', 'Wales', 'Cardiff', 'PP', 'WELSH', 'STANDARD', 0, "
            "'NOT_STARTED')"))
    eng.dispose()
    return url


def tables(path: Path) -> set[str]:
    con = sqlite3.connect(path)
    try:
        return {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        con.close()


def stamp(path: Path) -> str | None:
    con = sqlite3.connect(path)
    try:
        if "alembic_version" not in tables(path):
            return None
        row = con.execute("SELECT version_num FROM alembic_version").fetchone()
        return row[0] if row else None
    finally:
        con.close()


@pytest.mark.parametrize("start", ["empty", "0001"])
def test_sigkill_anywhere_in_a_migration_leaves_the_old_schema(tmp_path: Path,
                                                               start: str) -> None:
    template = tmp_path / "template.sqlite3"
    if start == "0001":
        seed_at_first_revision(template)
    probe = tmp_path / "probe.sqlite3"
    if start == "0001":
        probe.write_bytes(template.read_bytes())
    done = run_killer("migrate", f"sqlite:///{probe}", 0)
    assert done.returncode == 0, done.stderr
    total = int(done.stdout.split()[-1])
    assert total > 10
    before_tables = tables(template) if start == "0001" else set()
    kills = 0
    for n in sorted({1, total // 3, (2 * total) // 3, total - 1, total}):
        path = tmp_path / f"kill-{n}.sqlite3"
        if start == "0001":
            path.write_bytes(template.read_bytes())
        run = run_killer("migrate", f"sqlite:///{path}", n)
        assert run.returncode == -9, (n, run.stdout, run.stderr)
        kills += 1
        # Nothing half-built: either the whole upgrade or none of it.
        after = tables(path) if path.exists() else set()
        assert after in (before_tables, before_tables | {"alembic_version"}) or (
            stamp(path) == SCHEMA_HEAD), (n, after)
        if stamp(path) != SCHEMA_HEAD:
            assert stamp(path) == (None if start == "empty" else "0001")
        # It opens again and finishes the upgrade, data intact.
        eng = open_database(f"sqlite:///{path}")
        with eng.connect() as con:
            assert con.execute(text("SELECT version_num FROM alembic_version")).scalar() \
                == SCHEMA_HEAD
            if start == "0001":
                assert con.execute(text("SELECT name FROM person")).scalar() == "Siân"
            assert con.execute(text("PRAGMA integrity_check")).scalar() == "ok"
            assert "audit" in inspect(con).get_table_names()
        eng.dispose()
    assert kills >= 4


def test_a_backup_is_taken_before_migrating(tmp_path: Path) -> None:
    from probation_desk.store.backup import list_backups

    url = seed_at_first_revision(tmp_path / "old.sqlite3")
    open_database(url).dispose()
    found = list_backups(url)
    assert found and found[0].reason == f"before-{SCHEMA_HEAD}"
    assert stat.S_IMODE(found[0].path.stat().st_mode) == 0o600
    con = sqlite3.connect(found[0].path)
    try:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"
        assert con.execute("SELECT name FROM person").fetchone()[0] == "Siân"
    finally:
        con.close()


def half_built(path: Path) -> None:
    """What the old code left after a kill during first-time creation."""
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    con.execute("CREATE TABLE audit (id INTEGER PRIMARY KEY)")
    con.execute("CREATE TABLE person (id INTEGER PRIMARY KEY)")
    con.commit()
    con.close()


def test_half_built_schema_is_refused_in_words_with_exit_3(tmp_path: Path) -> None:
    path = tmp_path / "half.sqlite3"
    half_built(path)
    before = path.read_bytes()
    with pytest.raises(DatabaseProblem) as exc:
        open_database(f"sqlite:///{path}")
    assert "half-built" in str(exc.value)
    assert path.read_bytes() == before
    run = subprocess.run([sys.executable, "-m", "probation_desk.cli", "--db",
                          f"sqlite:///{path}", "sweep"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert run.returncode == 3
    assert "half-built" in run.stderr and "Traceback" not in run.stderr
    assert "backup" in run.stderr


def test_half_built_message_offers_the_newest_backup(tmp_path: Path) -> None:
    from probation_desk.store.backup import backup

    url = seed_at_first_revision(tmp_path / "desk.sqlite3")
    taken = backup(url, reason="daily")
    path = tmp_path / "desk.sqlite3"
    path.unlink()
    half_built(path)
    with pytest.raises(DatabaseProblem) as exc:
        open_database(url)
    assert str(taken) in str(exc.value) and "probation-desk restore" in str(exc.value)


@pytest.mark.postgres
def test_sigkill_anywhere_in_a_team_databases_upgrade_leaves_it_as_it_was(
        pg_server: Any) -> None:
    """0015 on a team database the previous version set up: killed at any statement of
    the upgrade, the server rolls it back whole (grants, policies, triggers); the next
    open finishes it."""
    from probation_desk.cli import main
    from probation_desk.store.engine import make_engine
    from probation_desk.store.migrate import downgrade
    from tests.store.test_team_trust import catalogue

    url = pg_server.create_db()
    assert main(["--db", url, "admin", "init"]) == 0
    upgraded = catalogue(url)

    def to_0014() -> None:
        eng = make_engine(url)
        downgrade(eng, "0014")  # as the previous version's migrations and admin init left it
        eng.dispose()

    to_0014()
    before = catalogue(url)
    done = run_killer("migrate", url, 0)
    assert done.returncode == 0, done.stderr
    stamped = int(done.stdout.split()[-2])  # the call that stamps 0015, just before COMMIT
    assert catalogue(url) == upgraded
    kills = 0
    for n in sorted({stamped // 4, stamped // 2, (3 * stamped) // 4, stamped, stamped + 1,
                     stamped + 2}):
        to_0014()
        run = run_killer("migrate", url, n)
        assert run.returncode == -9, (n, run.stdout, run.stderr)
        kills += 1
        # The whole upgrade or none of it (the server's own check may follow, apart).
        assert catalogue(url) == (upgraded if n > stamped + 1 else before), n
        eng = open_database(url)
        eng.dispose()
        assert catalogue(url) == upgraded
    assert kills == 6
