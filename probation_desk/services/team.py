"""A team database on PostgreSQL: who the server says you are, and IT's admin operations.

On PostgreSQL the server decides: the login is the person, their role is their
membership of a ``probation_desk_*`` role, and grants, row-level security and triggers
(``store/server.py``) hold whatever a modified client tries. On SQLite the file is
personal: the role is a setting and nothing is enforced by the database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from probation_desk.domain.errors import PermissionRefused
from probation_desk.domain.roles import Role
from probation_desk.errors import DatabaseProblem
from probation_desk.services.records import TeamLogin
from probation_desk.store import server
from probation_desk.store.engine import first_answer, make_engine, reader

T = TypeVar("T")

ROLE_OF = {
    "practitioner": Role.PRACTITIONER,
    "treatment-manager": Role.TREATMENT_MANAGER,
    "regional-lead": Role.REGIONAL_LEAD,
    "admin": Role.ADMIN,
}
"""The command line's role names as the domain's roles."""


def team_login(engine: Engine) -> TeamLogin | None:
    """What the server says about this connection (None on SQLite)."""
    if engine.dialect.name != "postgresql":
        return None
    with reader(engine).connect() as con:
        first = first_answer(engine, "whoami")
        me = server.login_from_row(first) if first is not None else server.whoami(con)
        host = con.connection.dbapi_connection.info.host  # type: ignore[union-attr]
        port = con.connection.dbapi_connection.info.port  # type: ignore[union-attr]
    role = ROLE_OF[me.roles[0]] if me.roles else None
    if len(me.roles) > 1:  # in two desk roles (set by hand): the one that may do more
        role = ROLE_OF[me.roles[-1]]
    where = host if host.startswith("/") else f"{host}:{port}"
    return TeamLogin(login=me.login, role=role, region=me.region,
                     read_all_regions=me.read_all_regions, server=where,
                     database=me.database, owner=me.owner, may_migrate=me.may_migrate)


def server_refusal(exc: DBAPIError) -> PermissionRefused | None:
    """The server's refusal of a change, in plain words (None if it was something else)."""
    orig = exc.orig
    if getattr(orig, "sqlstate", None) != "42501":
        return None
    detail = getattr(getattr(orig, "diag", None), "message_primary", None) or str(orig)
    if "row-level security" in detail:
        words = ("you may change the records of people in your own region only (the "
                 "person's region), and see other regions only if an admin allows it")
    elif "sign_off" in detail:
        words = "only a treatment manager may sign off a completion or mark someone not ready"
    elif "audit" in detail:
        words = "the audit trail can only be added to, never changed or removed"
    else:
        words = detail
    return PermissionRefused(
        "server-refused",
        f"The team database refused this: {words}. Nothing was saved. Your role and "
        "region are set by IT on the server.")


# ------------------------------------------------------------------ IT's commands

def _admin_engine(url: str) -> Engine:
    engine = make_engine(url)
    if engine.dialect.name != "postgresql":
        engine.dispose()
        raise server.AdminProblem(
            "Admin commands are for a team database on PostgreSQL. A SQLite file is "
            "personal: there the role is a setting in the window, and nothing is enforced "
            "by the database.")
    return engine


def _as_owner(url: str, work: Callable[[Connection], T]) -> T:
    engine = _admin_engine(url)
    try:
        with engine.begin() as con:
            return work(con)
    except DBAPIError as exc:
        sqlstate = getattr(exc.orig, "sqlstate", None)
        if sqlstate is None or sqlstate.startswith("08"):  # no answer: not a refusal
            first = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else ""
            raise DatabaseProblem(
                f"The team database server cannot be reached ({first}). Check the address "
                "and that the server is running. Nothing was changed.") from None
        detail = getattr(getattr(exc.orig, "diag", None), "message_primary", None) or exc.orig
        raise server.AdminProblem(
            f"The server refused: {detail}. Run admin commands connected as the database's "
            "owner (a login with CREATEROLE). Nothing was changed.") from None
    finally:
        engine.dispose()


def set_up_security(url: str) -> list[str]:
    """Create the roles, grants and policies (as the owner; the schema is up to date)."""
    return _as_owner(url, server.init_security)


def add_user(url: str, login: str, role: str, region: str | None,
             password: str | None) -> bool:
    """Create (or complete) a person's login."""
    return _as_owner(url, lambda con: server.add_user(con, login, role, region, password))


def set_role(url: str, login: str, role: str, region: str | None,
             read_all_regions: bool | None) -> bool:
    """Change a person's role, region, or whether they may read other regions."""
    return _as_owner(url, lambda con: server.set_role(con, login, role, region,
                                                      read_all_regions))


def remove_user(url: str, login: str) -> bool:
    """Remove a person's login; their records stay."""
    return _as_owner(url, lambda con: server.remove_user(con, login))


def list_users(url: str) -> list[dict[str, Any]]:
    """Every person's login, role and region."""
    return [u.__dict__ for u in _as_owner(url, server.list_users)]
