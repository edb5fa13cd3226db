"""Open a database: SQLite pragmas, owner-only files, health and version checks.

Opening never changes a file it cannot safely use: a damaged file, or one written by a
newer version of Probation Desk, is refused with a clear message before anything is
written to it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

SCHEMA_HEAD = "0004"
"""The newest migration this version knows. A test checks it matches Alembic's head."""
KNOWN_REVISIONS = ("0001", "0002", "0003", "0004")


class DatabaseProblem(RuntimeError):
    """The database cannot be used; the message says why and what to do."""


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for other databases and in-memory SQLite."""
    u = make_url(url)
    if u.get_backend_name() != "sqlite" or not u.database or u.database == ":memory:":
        return None
    return Path(u.database)


def _check_sqlite_file(path: Path) -> None:
    """Refuse a damaged file without writing to it (read-only open).

    Reads the header and the schema, which is quick at any size; the full page-by-page
    check (:func:`integrity_problem`) takes seconds on a big file, so it is for the
    background, not for every start.
    """
    if not path.exists() or path.stat().st_size == 0:
        return
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            con.execute("PRAGMA schema_version").fetchone()
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
            row = ("ok",)
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(
            f"The database file {path} is damaged or is not a Probation Desk database "
            f"({exc}). It has been left exactly as it was. Restore it from a backup, or "
            "choose another database in Settings."
        ) from None
    if not row or row[0] != "ok":
        raise DatabaseProblem(
            f"The database file {path} failed its integrity check ({row[0] if row else '?'}). "
            "It has been left exactly as it was. Restore it from a backup."
        )


def integrity_problem(url: str) -> str | None:
    """Run SQLite's page-by-page check, read-only; the problem found, or None if sound.

    Slow on a big file (about 1.5 s at 100,000 people): run it in the background.
    """
    path = sqlite_path(url)
    if path is None or not path.exists():
        return None
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = con.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if row and row[0] == "ok" else str(row[0] if row else "unknown problem")


def _create_sqlite_file(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)


def _sqlite_pragmas(dbapi_con: Any, _record: Any) -> None:
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=5000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA cache_size=-8192")  # 8 MB; bulk imports raise it for themselves
    cur.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url`` with the pragmas Probation Desk relies on."""
    path = sqlite_path(url)
    if path is not None:
        _check_sqlite_file(path)
        _create_sqlite_file(path)
    # hide_parameters: database errors must not carry names, CRNs or notes into logs.
    kwargs.setdefault("hide_parameters", True)
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database (None for an empty one)."""
    try:
        with engine.connect() as con:
            if not inspect(con).has_table("alembic_version"):
                if inspect(con).get_table_names():
                    raise DatabaseProblem(
                        "This database has tables but no Probation Desk version stamp, so it "
                        "is not a Probation Desk database. It has been left as it was."
                    )
                return None
            return con.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except SQLAlchemyError as exc:
        raise DatabaseProblem(
            f"The database could not be opened: {exc.__class__.__name__}: "
            f"{getattr(exc, 'orig', exc)}. Check the address in Settings and that the server "
            "is running."
        ) from None


def check_version(engine: Engine) -> str | None:
    """Refuse a database from a newer version of the app; return its revision."""
    rev = current_revision(engine)
    if rev is not None and rev not in KNOWN_REVISIONS:
        raise DatabaseProblem(
            f"This database was last used by a newer version of Probation Desk (schema "
            f"{rev}; this version knows up to {SCHEMA_HEAD}). It has been left untouched: "
            "update Probation Desk to open it."
        )
    return rev


def _restore_indexes(engine: Engine) -> None:
    """Rebuild any index a bulk import dropped and could not rebuild (say, a crash)."""
    from probation_desk.store.models import Base

    wanted = {ix.name: ix for t in Base.metadata.sorted_tables for ix in t.indexes}
    with engine.connect() as con:
        present = set(con.execute(text(
            "SELECT name FROM sqlite_master WHERE type = 'index'")).scalars())
    missing = [ix for name, ix in wanted.items() if name not in present]
    if missing:
        with engine.begin() as con:
            for ix in missing:
                ix.create(con, checkfirst=True)


def open_database(url: str, *, migrate: bool = True) -> Engine:
    """Open ``url``, check it, and bring its schema up to date."""
    engine = make_engine(url)
    try:
        rev = check_version(engine)
        if rev != SCHEMA_HEAD and migrate:
            from probation_desk.store.migrate import upgrade

            upgrade(engine)
        elif engine.dialect.name == "sqlite":
            _restore_indexes(engine)
    except Exception:
        engine.dispose()
        raise
    return engine
