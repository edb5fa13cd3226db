"""Open the Desk for the current user: database from --db / environment / settings."""

from __future__ import annotations

from probation_desk.domain.dates import Clock, system_today
from probation_desk.passwords import with_saved_password
from probation_desk.paths import database_url
from probation_desk.services.desk import Desk
from probation_desk.services.team import team_login
from probation_desk.settings import Settings, load_settings
from probation_desk.store.engine import open_database


def open_desk(db: str | None = None, *, settings: Settings | None = None,
              clock: Clock = system_today, backup: bool = True) -> Desk:
    """Open (and migrate) the chosen database and bind it to the configured user.

    ``backup=False`` leaves the day's backup to the caller: the window takes it in the
    background once the caseload is on screen (a copy of a big file takes seconds to
    minutes, and the first rows must not wait for it).
    """
    settings = settings or load_settings()
    url = with_saved_password(database_url(db))
    engine = open_database(url, backup_keep=settings.backup_keep)
    if backup:
        daily_backup(url, settings.backup_keep)
    try:
        team = team_login(engine)
    except Exception:
        engine.dispose()
        raise
    if team is None:  # a personal SQLite file: the name and role are settings
        return Desk(engine, actor=settings.actor, role=settings.role_enum, clock=clock)
    # A team database: the server says who this is (it stamps the login on every record
    # itself) and, through membership, what they may do.
    role = team.role if team.role is not None else settings.role_enum
    return Desk(engine, actor=team.login, role=role, clock=clock, team=team)


PG_DUMP_MISSING = (
    "No daily backup was taken: this is a PostgreSQL database and its pg_dump program is "
    "not installed on this computer. Install the PostgreSQL client tools (Debian: "
    "postgresql-client) or make sure the database administrator backs the server up.")


def daily_backup(url: str, keep: int) -> str | None:
    """Back up the database once per day of use (a failure is logged, never fatal).

    A SQLite file is copied with SQLite's backup API; a PostgreSQL database is dumped
    with ``pg_dump`` where it is installed, when the login owns it (a person's login on
    a team database is not backed up from their computer: IT backs up the server).
    First removes any ``.part`` file a killed backup left behind (it can be as large
    as the database), whether or not today's backup is still to be taken. Returns a
    sentence for the user when no backup could be taken (None when one was taken, or
    today's was already there).
    """
    import logging

    from probation_desk.store.backup import (
        BackupProblem,
        backup,
        pg_dump_path,
        remove_stale_parts,
        taken_today,
    )
    from probation_desk.store.engine import sqlite_path

    log = logging.getLogger("probation_desk")
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return None
    if path is None:
        from sqlalchemy.engine import make_url

        if make_url(url).get_backend_name() != "postgresql":
            return None  # an in-memory SQLite database: nothing to keep
        if not _may_dump_whole(url):
            return None  # a person's login on a team database: IT backs up the server
        if pg_dump_path() is None:
            log.warning("daily backup not taken: pg_dump is not installed")
            return PG_DUMP_MISSING
    try:
        remove_stale_parts()
        if not taken_today(url):
            backup(url, reason="daily", keep=keep)
    except (BackupProblem, OSError) as exc:
        log.warning("daily backup not taken: %s", type(exc).__name__)
        return (f"No daily backup was taken: {exc}" if isinstance(exc, BackupProblem)
                else f"No daily backup was taken: {exc.strerror or exc}.")
    return None


def _may_dump_whole(url: str) -> bool:
    """Whether this login owns the database's tables, so pg_dump can take all of it.

    A person's login on a team database sees only what row-level security lets it see
    and cannot read some tables at all: a dump taken as them would be partial (pg_dump
    refuses), and keeping the team's records on each laptop is not wanted either.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from probation_desk.store.engine import make_engine
    from probation_desk.store.server import may_migrate

    try:
        engine = make_engine(url)
        try:
            with engine.connect() as con:
                return may_migrate(con)
        finally:
            engine.dispose()
    except SQLAlchemyError:
        return False


def describe_url(url: str) -> str:
    """A database address safe to show: the password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
