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


def daily_backup(url: str, keep: int) -> None:
    """Back up a SQLite file once per day of use (a failure is logged, never fatal).

    First removes any ``.part`` file a killed backup left behind (it can be as large as
    the database), whether or not today's backup is still to be taken.
    """
    from probation_desk.store.backup import (
        BackupProblem,
        backup,
        remove_stale_parts,
        taken_today,
    )
    from probation_desk.store.engine import sqlite_path

    path = sqlite_path(url)
    if path is None or not path.exists():
        return
    try:
        remove_stale_parts()
        if not taken_today(url):
            backup(url, reason="daily", keep=keep)
    except (BackupProblem, OSError) as exc:
        import logging

        logging.getLogger("probation_desk").warning("daily backup not taken: %s",
                                                    type(exc).__name__)


def describe_url(url: str) -> str:
    """A database address safe to show: the password hidden."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
