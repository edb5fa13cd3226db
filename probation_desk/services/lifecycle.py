"""Opening a database, as one ordered policy, and the work after opening, as one list.

Opening (:func:`open_desk`, for the window and the command line alike):

1. check the file or the server (``store.engine.make_engine``: ownership, links, the
   header and schema read-only; a server's address and driver);
2. refuse a schema from a newer version, or one left half-built;
3. on a team database, make sure this login may change the structure before a migration;
4. back up before migrating (:func:`plan_backup` decides how, once for every backup);
5. migrate, in one transaction;
6. sign in: on a team database the server says who this is and what they may do.

After opening (:func:`after_open_steps`, run off the window's thread, or all at once by
:func:`run_after_open`): the day's backup, the page check, the recount of stored counters
(a personal file that passed the page check), the sweep of withdrawn toolkits (where the
role may, and never on a damaged file).
"""

from __future__ import annotations

import enum
import errno
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from probation_desk.addresses import sqlite_file
from probation_desk.domain.dates import Clock, system_today
from probation_desk.domain.roles import Role
from probation_desk.errors import BackupProblem, DatabaseProblem
from probation_desk.passwords import with_saved_password
from probation_desk.settings import Settings, database_url, load_settings
from probation_desk.store import backup as backups
from probation_desk.store.engine import (
    check_ownership,
    check_schema,
    forget_first_answers,
    half_built,
    integrity_problem,
    make_engine,
    reader,
    restore_indexes,
)
from probation_desk.store.read_only import read_only_location
from probation_desk.store.schema_version import SCHEMA_HEAD

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from probation_desk.services.check import CheckReport
    from probation_desk.services.desk import Desk

log = logging.getLogger("probation_desk")


# ------------------------------------------------------------------ backups

class BackupPlan(enum.Enum):
    """How (and whether) a database is backed up from this computer."""

    TAKE = "take"
    NOTHING_TO_KEEP = "nothing to keep"
    """An in-memory database, or a file not created yet."""
    SERVER_KEPT_BY_IT = "kept by IT"
    """A person's login on a team database: IT backs up the server."""
    NO_PG_DUMP = "no pg_dump"
    """A PostgreSQL database, and pg_dump is not installed here."""


PG_DUMP_MISSING = (
    "No daily backup was taken: this is a PostgreSQL database and its pg_dump program is "
    "not installed on this computer. Install the PostgreSQL client tools (Debian: "
    "postgresql-client) or make sure the database administrator backs the server up.")


def plan_backup(url: str, engine: Engine | None = None, *,
                may_dump: bool | None = None) -> BackupPlan:
    """Whether and how ``url`` can be backed up from here (``engine``: one already open;
    ``may_dump``: whether the login may change the schema, when the sign-in said so)."""
    path = sqlite_file(url)
    if path is not None:
        return BackupPlan.TAKE if path.exists() else BackupPlan.NOTHING_TO_KEEP
    from sqlalchemy.engine import make_url

    if make_url(url).get_backend_name() != "postgresql":
        return BackupPlan.NOTHING_TO_KEEP  # an in-memory SQLite database
    if not (may_dump if may_dump is not None else _may_dump_whole(url, engine)):
        return BackupPlan.SERVER_KEPT_BY_IT
    if backups.pg_dump_path() is None:
        return BackupPlan.NO_PG_DUMP
    return BackupPlan.TAKE


def _may_dump_whole(url: str, engine: Engine | None) -> bool:
    """Whether this login owns the database's tables, so pg_dump can take all of it.

    A person's login on a team database sees only what row-level security lets it see:
    a dump taken as them would be partial (pg_dump refuses), and keeping the team's
    records on each laptop is not wanted either.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from probation_desk.store.server import may_migrate

    own = engine is None
    try:
        engine = engine or make_engine(url)
        try:
            with reader(engine).connect() as con:
                return may_migrate(con)
        finally:
            if own:
                engine.dispose()
    except SQLAlchemyError:
        return False


def daily_backup(url: str, keep: int, engine: Engine | None = None, *,
                 may_dump: bool | None = None) -> str | None:
    """Back up the database once per day of use (a failure is logged, never fatal).

    First removes any ``.part`` file a killed backup left behind (it can be as large as
    the database), whether or not today's backup is still to be taken. Returns a
    sentence for the person when no backup could be taken (None when one was taken, or
    today's was already there, or backing up is not this computer's job).
    """
    plan = plan_backup(url, engine, may_dump=may_dump)
    if plan is BackupPlan.NO_PG_DUMP:
        log.warning("daily backup not taken: pg_dump is not installed")
        return PG_DUMP_MISSING
    if plan is not BackupPlan.TAKE:
        return None
    try:
        backups.remove_stale_parts()
        if not backups.taken_today(url):
            backups.backup(url, reason="daily", keep=keep)
    except (BackupProblem, OSError) as exc:
        log.warning("daily backup not taken: %s", type(exc).__name__)
        return (f"No daily backup was taken: {exc}" if isinstance(exc, BackupProblem)
                else f"No daily backup was taken: {exc.strerror or exc}.")
    return None


def back_up_now(url: str, dest: Path | None = None, *, keep: int,
                replace: bool = False) -> Path:
    """A manual backup of the database at ``url``; returns the file written (an existing
    file at ``dest`` is refused unless ``replace``)."""
    return backups.backup(url, dest, reason="manual", keep=keep, replace=replace)


def backups_of(url: str) -> list[backups.BackupInfo]:
    """This database's backups in the backup folder, newest first."""
    return backups.list_backups(url)


def restore_backup(url: str, source: Path, *, keep: int) -> Path:
    """Restore ``source`` over the database; returns the backup of what it replaced.

    First the checks opening makes of the file (its owner, its folder's, no link at its
    path), so a restore never writes where opening would refuse to. A damaged file is
    restored over (that is what a restore is for): its bytes are kept aside first.
    """
    path = sqlite_file(url)
    if path is not None:
        check_ownership(path, "Nothing was restored")
    return backups.restore(url, source, keep=keep)


def _backup_before_migrating(engine: Engine, rev: str, keep: int) -> None:
    """Back the database up before a migration changes it (refusing to migrate if that fails)."""
    url = engine.url.render_as_string(hide_password=False)
    if plan_backup(url, engine) is BackupPlan.NO_PG_DUMP:
        log.warning("pg_dump is not installed: schema %s upgraded to %s without a backup "
                    "(PostgreSQL runs the upgrade in one transaction)", rev, SCHEMA_HEAD)
        return
    try:
        backups.backup(url, reason=f"before-{SCHEMA_HEAD}", keep=keep)
    except BackupProblem as exc:
        raise DatabaseProblem(
            f"This database needs upgrading to this version's schema, and the backup "
            f"taken first could not be made: {exc} Nothing was changed.") from None


# ------------------------------------------------------------------ opening

def _check_may_migrate(engine: Engine, rev: str | None) -> None:
    """On a team database, say plainly when this login cannot bring the schema up to date."""
    from sqlalchemy import text

    from probation_desk.store.server import may_migrate

    with engine.connect() as con:
        allowed = may_migrate(con)
        login = con.execute(text("SELECT session_user")).scalar()
    if allowed:
        return
    state = ("has not been set up for Probation Desk yet" if rev is None else
             f"is at an older version of Probation Desk's structure ({rev}; this version "
             f"needs {SCHEMA_HEAD})")
    raise DatabaseProblem(
        f"This team database {state}, and your login ({login}) is not allowed to change its "
        "structure. Nothing was changed. Ask IT to upgrade it: they run "
        "'probation-desk --db URL admin init' connected as the database's owner.")


def _after_upgrade(engine: Engine) -> None:
    """Change notices for every table, and the team's policies on any new table."""
    from probation_desk.store.server import (
        init_security,
        install_change_notices,
        security_installed,
    )

    with engine.begin() as con:
        if security_installed(con):
            init_security(con)
        else:
            install_change_notices(con)


def _migrate(engine: Engine, url: str, rev: str | None, backup_keep: int) -> None:
    from sqlalchemy.exc import SQLAlchemyError

    from probation_desk.store.migrate import upgrade

    if engine.dialect.name == "postgresql":
        _check_may_migrate(engine, rev)
    if rev is not None:
        _backup_before_migrating(engine, rev, backup_keep)
    forget_first_answers(engine)  # the structure and the logins may change now
    try:
        upgrade(engine)
    except SQLAlchemyError as exc:
        orig = getattr(exc, "orig", None) or exc
        if "locked" in str(orig) or "busy" in str(orig):
            raise DatabaseProblem(
                "This database is being upgraded or written by another Probation "
                "Desk, and it did not finish within a few seconds. Nothing was "
                "changed here: try again in a moment.") from None
        raise half_built(url, f"the upgrade from {rev or 'empty'} to "
                              f"{SCHEMA_HEAD} failed on: {orig}") from None
    if engine.dialect.name == "postgresql":
        _after_upgrade(engine)


def open_database(url: str, *, migrate: bool = True, backup_keep: int = 14) -> Engine:
    """Open ``url``, check it, and bring its schema up to date (steps 1 to 5 above).

    A migration is one transaction: it is saved whole or not at all. A schema found
    half-built (left so by an older version) is refused in words, with the newest
    backup to restore.
    """
    from probation_desk.store.models import Base

    engine = make_engine(url)
    try:
        rev, tables = check_schema(engine)
        if rev != SCHEMA_HEAD and migrate:
            _migrate(engine, url, rev, backup_keep)
        elif rev == SCHEMA_HEAD and (missing := set(Base.metadata.tables) - tables):
            raise half_built(url, "missing tables: " + ", ".join(sorted(missing)))
        if engine.dialect.name == "sqlite" and rev == SCHEMA_HEAD:
            restore_indexes(engine)
    except Exception:
        engine.dispose()
        raise
    return engine


def check_writable(url: str) -> None:
    """Before a command that writes: refuse a read-only file, or one whose page check fails."""
    path = sqlite_file(url)
    if path is not None and path.exists() and (
            read_only_location(path) or not os.access(path, os.W_OK)
            or not os.access(path.parent, os.W_OK)):
        raise OSError(errno.EROFS if read_only_location(path) else errno.EACCES,
                      "read-only", str(path))
    problem = integrity_problem(url)
    if problem is not None:
        raise DatabaseProblem(
            f"The database file is damaged ({problem}), so nothing was written to it. "
            "Restore it from a backup (probation-desk restore PATH); 'probation-desk "
            "export' still saves what can be read.")


def open_desk(db: str | None = None, *, settings: Settings | None = None,
              clock: Clock = system_today, backup: bool = True, writes: bool = False) -> Desk:
    """Open (and migrate) the chosen database and bind it to the person using it.

    ``db``: ``--db``'s value (None: the environment, settings or default). ``writes``:
    the caller will write, so a read-only or damaged file is refused first.
    ``backup=False`` leaves the day's backup to the caller: the window takes it among
    the after-open steps, once the caseload is on screen.
    """
    from probation_desk.services.desk import Desk
    from probation_desk.services.team import team_login

    settings = settings or load_settings()
    url = with_saved_password(database_url(db))
    if writes:
        check_writable(url)
    engine = open_database(url, backup_keep=settings.backup_keep)
    try:
        team = team_login(engine)
    except Exception:
        engine.dispose()
        raise
    if backup:
        daily_backup(url, settings.backup_keep, engine,
                     may_dump=team.may_migrate if team is not None else None)
    if team is None:  # a personal SQLite file: the name and role are settings
        return Desk(engine, actor=settings.actor, role=settings.role_enum, clock=clock)
    # A team database: the server says who this is (it stamps the login on every record
    # itself) and, through membership, what they may do.
    role = team.role if team.role is not None else settings.role_enum
    return Desk(engine, actor=team.login, role=role, clock=clock, team=team)


def init_team(url: str) -> list[str]:
    """IT's ``admin init``: bring the schema up to date (as the owner), then create the
    roles, grants and policies."""
    from probation_desk.services.team import set_up_security

    open_database(url).dispose()
    return set_up_security(url)


# ------------------------------------------------------------------ after opening

class Step(enum.Enum):
    """The work after opening, in the order it runs."""

    BACKUP = "the day's backup"
    PAGE_CHECK = "the page check"
    RECOUNT = "the recount of stored counters"
    SWEEP = "the sweep of withdrawn toolkits"


@dataclass(frozen=True)
class StepOutcome:
    """What one step found or did."""

    step: Step
    note: str | None = None
    """The backup: why none was taken today."""
    damage: str | None = None
    """The page check: the damage found (the rest of the steps are then skipped)."""
    report: CheckReport | None = None
    """The recount: what it found and repaired."""
    closed: int = 0
    """The sweep: NSIs closed."""

    @property
    def stops_the_rest(self) -> bool:
        """Nothing is written to a damaged file: no recount, no sweep."""
        return self.damage is not None


def may_sweep(desk: Desk) -> bool:
    """On a team database the sweep is a regional lead's or an admin's."""
    return desk.team is None or not desk.team.enforced or desk.role in (
        Role.REGIONAL_LEAD, Role.ADMIN)


def after_open_steps(desk: Desk, *, sweep: bool = True) -> list[Step]:
    """The steps to run after opening ``desk``, in order.

    The recount is for a personal file (on a team database an administrator runs
    ``probation-desk check``: a practitioner may not change other regions' records);
    the sweep when asked (``sweep``: the window leaves an empty database alone) and
    where the role may.
    """
    steps = [Step.BACKUP, Step.PAGE_CHECK]
    if desk.team is None:
        steps.append(Step.RECOUNT)
    if sweep and may_sweep(desk):
        steps.append(Step.SWEEP)
    return steps


def run_step(step: Step, desk: Desk, url: str, *, keep: int) -> StepOutcome:
    """Run one step (on any thread but the window's)."""
    if step is Step.BACKUP:
        return StepOutcome(step, note=daily_backup(url, keep))
    if step is Step.PAGE_CHECK:
        return StepOutcome(step, damage=integrity_problem(url))
    if step is Step.RECOUNT:
        from probation_desk.services.check import check_database

        return StepOutcome(step, report=check_database(desk, pages_checked=True))
    return StepOutcome(step, closed=desk.sweep().closed)


def run_after_open(desk: Desk, url: str, *, keep: int, sweep: bool = True,
                   on_step: Callable[[StepOutcome], None] | None = None) -> list[StepOutcome]:
    """Run every after-open step in order, stopping after damage is found."""
    done: list[StepOutcome] = []
    for step in after_open_steps(desk, sweep=sweep):
        outcome = run_step(step, desk, url, keep=keep)
        done.append(outcome)
        if on_step is not None:
            on_step(outcome)
        if outcome.stops_the_rest:
            break
    return done
