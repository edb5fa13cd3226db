"""Shared fixtures: an isolated home folder, real SQLite files and a real PostgreSQL server.

The PostgreSQL server is a throwaway one started for the test run (initdb into a
temporary folder, on a free port on 127.0.0.1) and stopped at the end. When it cannot
be started the PostgreSQL tests are skipped with the reason, except under ``CI=true``,
where that is a failure.
"""

from __future__ import annotations

import datetime as dt
import glob
import logging
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="pd-test-home-")
os.environ["PROBATION_DESK_HOME"] = _HOME
os.environ.pop("PROBATION_DESK_DB", None)

TODAY = dt.date(2026, 11, 22)
"""The fixed 'today' most service tests run on (long after the Chemsex close-by date)."""

_PG_SKIPPED: list[str] = []


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PgServer:
    """A throwaway PostgreSQL cluster."""

    def __init__(self) -> None:
        bindir = _pg_bin()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (no initdb found)")
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="pd-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                  "--no-sync", "-E", "UTF8", "--locale=C")
        # People's logins (members of the desk's staff role) sign in with SCRAM passwords,
        # as on a team server; the superuser keeps trust on 127.0.0.1 for the other tests.
        (self.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "host all +probation_desk_staff 127.0.0.1/32 scram-sha-256\n"
            "host all all 127.0.0.1/32 trust\n", encoding="utf-8")
        self._run("pg_ctl", "-D", str(self.data), "-w", "-l", str(self.root / "log"), "-o",
                  f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                  "-c fsync=off -c synchronous_commit=off -c full_page_writes=off", "start")

    def _run(self, tool: str, *args: str) -> None:
        cmd = [str(self.bindir / tool), *args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        subprocess.run(cmd, check=True, capture_output=True, timeout=120)

    def url(self, db: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{db}"

    def login_url(self, url: str, login: str, password: str) -> str:
        """``url`` (one of this server's databases) signed in as a person's login."""
        db = url.rsplit("/", 1)[1]
        return f"postgresql+psycopg://{login}:{password}@127.0.0.1:{self.port}/{db}"

    def connect(self, url: str, login: str, password: str) -> Any:
        """A plain psycopg connection (not the app) as ``login``, over TCP with SCRAM."""
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=login,
                               password=password, dbname=url.rsplit("/", 1)[1])

    def create_db(self) -> str:
        from sqlalchemy import create_engine, text

        name = "t_" + uuid.uuid4().hex[:12]
        eng = create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with eng.connect() as con:
            con.execute(text(f'CREATE DATABASE "{name}"'))
        eng.dispose()
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """The run's PostgreSQL server (skip, or fail under CI, when it cannot start)."""
    try:
        server = PgServer()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        reason = f"PostgreSQL could not be started: {exc} {detail.decode(errors='replace')}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + " (CI=true: the PostgreSQL suite must run)")
        _PG_SKIPPED.append(reason)
        pytest.skip(reason)
    yield server
    server.stop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A new SQLite file (not the one behind ``db_url``)."""
    return f"sqlite:///{tmp_path / 'other.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh empty database: a SQLite file, then a database on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'desk.sqlite3'}"
    return request.getfixturevalue("pg_server").create_db()


@pytest.fixture
def desk(db_url: str) -> Iterator[object]:
    """A Desk on a fresh, migrated database, with today fixed at ``TODAY``."""
    from probation_desk.domain.dates import fixed_clock
    from probation_desk.services.desk import Desk
    from probation_desk.services.lifecycle import open_database

    engine = open_database(db_url)
    yield Desk(engine, actor="Test Practitioner", clock=fixed_clock(TODAY))
    engine.dispose()


class _Warnings(logging.Handler):
    """Collects log records at WARNING and above."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not any(r is record for r in self.records):
            self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_unexpected_log_warning(request: pytest.FixtureRequest) -> Iterator[_Warnings]:
    """A test fails when the app logs a warning or error it did not expect.

    A test that provokes one on purpose takes the ``expect_log_warnings`` marker (and may
    read the records from this fixture).
    """
    handler = _Warnings()
    loggers = [logging.getLogger(), logging.getLogger("probation_desk")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)
    if handler.records and request.node.get_closest_marker("expect_log_warnings") is None:
        lines = "; ".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records)
        pytest.fail(f"unexpected log warning(s): {lines}", pytrace=False)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say plainly when the PostgreSQL tests did not run."""
    if _PG_SKIPPED:
        terminalreporter.write_line(
            "NOTE: the PostgreSQL tests were SKIPPED: " + _PG_SKIPPED[0], yellow=True, bold=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the isolated home folder."""
    shutil.rmtree(_HOME, ignore_errors=True)
