"""PostgreSQL team databases: roles, grants, row-level security, change notices and logins.

Everything here is idempotent SQL run by the schema's owner (``probation-desk admin
init``), so running it twice changes nothing the second time. What each role may do:

- every person's login is a member of exactly one of ``probation_desk_practitioner``,
  ``probation_desk_treatment_manager``, ``probation_desk_regional_lead`` and
  ``probation_desk_admin``, each a member of ``probation_desk_staff``;
- all staff read (``SELECT``) every table, filtered by row-level security to people of
  their own region (``desk_staff.region``) unless an admin allows them to read all
  regions (``desk_staff.read_all_regions``); admins read and change every region;
- all staff insert audit rows; nobody is granted UPDATE, DELETE or TRUNCATE on it, its
  triggers refuse those for everyone, and it is owned by ``probation_desk_audit_owner``,
  a role nobody logs in as; the server stamps each row's time and login;
- an audit row with no person (a database-wide event, such as ``check`` repairing
  counters) is read only by the login that wrote it and by logins that read all regions;
- practitioners, treatment managers and regional leads insert and update the records of
  people in their own region only (the person's region); the NSI status history they
  only insert, as the audit;
- no staff login deletes anything (the app never deletes: a withdrawal is a status), so
  no DELETE can cascade away records the login may not even read; ``init_security``
  takes back any DELETE or TRUNCATE it finds granted to a staff login;
- only treatment managers write sign-offs (and "not ready yet");
- closing NSIs automatically (the sweep) or by a toolkit switch is refused to anyone
  below a regional lead; row-level security keeps a regional lead to their region, so
  the all-regions sweep is an admin's (or the owner's scheduled job's).

New tables are covered without new code when they have a ``person_id`` column (found
in the catalogue); a table that reaches a person through another table is one line in
``LINKED``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, text

from probation_desk.errors import NotAllowed

STAFF = "probation_desk_staff"
AUDIT_OWNER = "probation_desk_audit_owner"
ROLES = {
    "practitioner": "probation_desk_practitioner",
    "treatment-manager": "probation_desk_treatment_manager",
    "regional-lead": "probation_desk_regional_lead",
    "admin": "probation_desk_admin",
}
"""The command line's role names and the database roles behind them."""
WRITERS = tuple(ROLES.values())
SIGNERS = (ROLES["treatment-manager"],)
SWEEPERS = (ROLES["regional-lead"], ROLES["admin"])

LINKED: dict[str, tuple[str, str]] = {
    "nsi_status_history": ("nsi_id", "nsi"),
    "contact_correction": ("contact_id", "contact"),
}
"""Tables that reach a person through another table: table -> (column, parent table)."""
NO_POLICY = {"alembic_version", "desk_staff"}
"""Tables without rows about a person: read by all staff, written by nobody but IT."""
INSERT_ONLY = {"audit"}
APPEND_ONLY = {"audit", "nsi_status_history"}
"""Tables whose rows are never changed once written (their triggers refuse it to anyone)."""
NEVER_GRANTED = ("DELETE", "TRUNCATE")
"""Privileges no staff login holds on any table (nor UPDATE on ``APPEND_ONLY``)."""
SIGNERS_ONLY = {"sign_off"}
NOTICE_CHANNEL = "probation_desk_changes"

LOGIN_PATTERN = re.compile(r"^[a-z_][a-z0-9_.@-]{0,62}$")


class AdminProblem(NotAllowed):
    """An admin command cannot be done; the message says why and what to do."""


def q(name: str) -> str:
    """A quoted SQL identifier (names are also checked before they reach here)."""
    return '"' + name.replace('"', '""') + '"'


def check_login(login: str) -> str:
    """A login name as PostgreSQL will store it; refused if it is not a plain name."""
    if not LOGIN_PATTERN.match(login):
        raise AdminProblem(
            f"'{login}' is not a usable login name: use lower-case letters, digits, '_', "
            "'.', '@' or '-', starting with a letter or '_', at most 63 characters.")
    if login.startswith("probation_desk_") or login in ("postgres", "public"):
        raise AdminProblem(f"'{login}' is reserved: choose another login name.")
    return login


# ------------------------------------------------------------------ helpers

def _scalar(con: Connection, sql: str, **params: Any) -> Any:
    return con.execute(text(sql), params).scalar()


def _role_exists(con: Connection, role: str) -> bool:
    return bool(_scalar(con, "SELECT 1 FROM pg_roles WHERE rolname = :r", r=role))


def _is_member(con: Connection, member: str, group: str) -> bool:
    return bool(_scalar(
        con, "SELECT 1 FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member WHERE g.rolname = :g AND u.rolname = :u",
        g=group, u=member))


def _tables(con: Connection) -> list[str]:
    return list(con.execute(text(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "ORDER BY tablename")).scalars())


def _columns(con: Connection, table: str) -> set[str]:
    return set(con.execute(text(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = :t"), {"t": table}).scalars())


def _has_trigger(con: Connection, table: str, name: str) -> bool:
    return bool(_scalar(
        con, "SELECT 1 FROM pg_trigger WHERE tgrelid = to_regclass(:t) AND tgname = :n",
        t=table, n=name))


def _has_policy(con: Connection, table: str, name: str) -> bool:
    return bool(_scalar(
        con, "SELECT 1 FROM pg_policies WHERE schemaname = current_schema() "
        "AND tablename = :t AND policyname = :n", t=table, n=name))


def _function(con: Connection, name: str, definition: str) -> int:
    """Create or replace a function only when its body differs (so a rerun is a no-op)."""
    body = definition.split("$$")[1]
    same = _scalar(con, "SELECT 1 FROM pg_proc WHERE proname = :n AND prosrc = :b "
                   "AND pronamespace = current_schema()::regnamespace", n=name, b=body)
    if same:
        return 0
    con.exec_driver_sql(definition)
    return 1


# ------------------------------------------------------------------ change notices

NOTIFY_FUNCTION = f"""
CREATE OR REPLACE FUNCTION probation_desk_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  payload text;
BEGIN
  SELECT json_build_object(
    'table', TG_TABLE_NAME, 'op', lower(TG_OP), 'count', count(*),
    'ids', (SELECT json_agg(i) FROM (SELECT DISTINCT to_jsonb(c) -> 'id' AS i
            FROM changed c LIMIT 200) s),
    'people', (SELECT json_agg(p) FROM (SELECT DISTINCT to_jsonb(c) -> 'person_id' AS p
               FROM changed c WHERE to_jsonb(c) ? 'person_id' LIMIT 200) s))::text
    INTO payload FROM changed;
  PERFORM pg_notify('{NOTICE_CHANNEL}', payload);
  RETURN NULL;
END $$"""  # noqa: S608 (constants only)


def install_change_notices(con: Connection) -> int:
    """One notice per statement that changes a table (after commit, ids only)."""
    changes = _function(con, "probation_desk_notify", NOTIFY_FUNCTION)
    for table in _tables(con):
        if table == "alembic_version":
            continue
        for op, ref in (("insert", "NEW"), ("update", "NEW"), ("delete", "OLD")):
            name = f"{table}_notify_{op}"
            if not _has_trigger(con, table, name):
                con.exec_driver_sql(
                    f"CREATE TRIGGER {q(name)} AFTER {op.upper()} ON {q(table)} "
                    f"REFERENCING {ref} TABLE AS changed FOR EACH STATEMENT "
                    "EXECUTE FUNCTION probation_desk_notify()")
                changes += 1
    return changes


# ------------------------------------------------------------------ roles and policies

def _security_functions() -> list[tuple[str, str]]:
    admin = ROLES["admin"]
    sweepers = " OR ".join(f"pg_has_role(session_user, '{r}', 'MEMBER')" for r in SWEEPERS)
    common = "LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public"
    return [
        ("probation_desk_my_region", f"""
CREATE OR REPLACE FUNCTION probation_desk_my_region() RETURNS text {common} AS $$
  SELECT region FROM public.desk_staff WHERE login = session_user
$$"""),  # noqa: S608 (constants only)
        ("probation_desk_writes_all", f"""
CREATE OR REPLACE FUNCTION probation_desk_writes_all() RETURNS boolean {common} AS $$
  SELECT pg_has_role(session_user, '{admin}', 'MEMBER')
$$"""),
        ("probation_desk_reads_all", f"""
CREATE OR REPLACE FUNCTION probation_desk_reads_all() RETURNS boolean {common} AS $$
  SELECT pg_has_role(session_user, '{admin}', 'MEMBER') OR coalesce((SELECT read_all_regions
    FROM public.desk_staff WHERE login = session_user), false)
$$"""),  # noqa: S608 (constants only)
        ("probation_desk_check_sweep", f"""
CREATE OR REPLACE FUNCTION probation_desk_check_sweep() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF NEW.outcome IN ('AUTO_CLOSED', 'TRANSFERRED')
     AND (TG_OP = 'INSERT' OR NEW.outcome IS DISTINCT FROM OLD.outcome)
     AND pg_has_role(session_user, '{STAFF}', 'MEMBER') AND NOT ({sweepers}) THEN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE =
      'only a regional lead (for their own region) or an admin may close NSIs by the '
      'sweep or switch a toolkit';
  END IF;
  RETURN NEW;
END $$"""),
    ]


def _person_filter(con: Connection, table: str, cols: set[str], everyone: str) -> str | None:
    """The row-level security condition for ``table``, or None if it is not about people.

    ``everyone`` is the function that lets a login past the region (reads_all/writes_all).
    An audit row with no person any staff login may write; it is read back by the login
    that wrote it (the server stamps ``actor``) and by logins that read all regions.
    """
    mine = "(SELECT probation_desk_my_region())"
    all_regions = f"(SELECT {everyone}())"
    in_region = f"IN (SELECT id FROM person WHERE region = {mine})"  # noqa: S608 (constants and quoted names only)
    if table == "person":
        return f"{all_regions} OR region = {mine}"
    if table in LINKED:
        column, parent = LINKED[table]
        return (f"{all_regions} OR {q(column)} IN (SELECT id FROM {q(parent)} "  # noqa: S608 (constants and quoted names only)
                f"WHERE person_id {in_region})")
    if "person_id" in cols:
        nullable = ""
        if table == "audit":
            nullable = (" OR person_id IS NULL" if everyone == "probation_desk_writes_all"
                        else " OR (person_id IS NULL AND actor = session_user)")
        return f"{all_regions} OR person_id {in_region}{nullable}"
    return None


def _grants(table: str, policed: bool) -> list[tuple[str, str]]:
    """(privileges, role) pairs for a table."""
    out = [("SELECT", STAFF)]
    if table in INSERT_ONLY:
        out.append(("INSERT", STAFF))
    elif table in SIGNERS_ONLY:
        out += [("INSERT, UPDATE", r) for r in SIGNERS]
    elif table == "desk_staff":
        out.append(("UPDATE", ROLES["admin"]))
    elif table in APPEND_ONLY:
        out += [("INSERT", r) for r in WRITERS]
    elif policed:
        out += [("INSERT, UPDATE", r) for r in WRITERS]
    return out


def _revoke_forbidden(con: Connection, table: str) -> list[str]:
    """Take back what no staff login may hold on ``table`` (granted by an older version,
    or by hand): DELETE and TRUNCATE anywhere, UPDATE on an append-only table."""
    forbidden = [*NEVER_GRANTED, *(("UPDATE",) if table in APPEND_ONLY else ())]
    rows = con.execute(text(
        "SELECT DISTINCT a.privilege_type, r.rolname FROM pg_class c "
        "CROSS JOIN LATERAL aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.oid = to_regclass(:t) AND a.privilege_type = ANY(:p) "
        "AND pg_has_role(r.oid, :staff, 'MEMBER') AND NOT r.rolsuper "
        "AND r.oid <> c.relowner ORDER BY 2, 1"),
        {"t": q(table), "p": forbidden, "staff": STAFF}).all()
    for privilege, role in rows:
        con.exec_driver_sql(f"REVOKE {privilege} ON {q(table)} FROM {q(role)}")
    return [f"{table}: no {privilege} for {role}" for privilege, role in rows]


def init_security(con: Connection) -> list[str]:
    """Create the roles, grants, policies and triggers that are missing; what was done.

    Run as the schema's owner (who needs CREATEROLE, or is a superuser), after the
    migrations. A second run finds everything in place and returns an empty list.
    """
    done: list[str] = []
    for role in (STAFF, AUDIT_OWNER, *ROLES.values()):
        if not _role_exists(con, role):
            con.exec_driver_sql(f"CREATE ROLE {q(role)} NOLOGIN")
            done.append(f"created role {role}")
    for role in ROLES.values():
        if not _is_member(con, role, STAFF):
            con.exec_driver_sql(f"GRANT {q(STAFF)} TO {q(role)}")
            done.append(f"{role} is staff")
    owner = str(_scalar(con, "SELECT current_user"))
    superuser = bool(_scalar(con, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    if not superuser and not _is_member(con, owner, AUDIT_OWNER):
        # The owner may still migrate the audit table (as a member of its owning role).
        con.exec_driver_sql(f"GRANT {q(AUDIT_OWNER)} TO {q(owner)}")
        done.append(f"{owner} may migrate the audit table")
    db = str(_scalar(con, "SELECT current_database()"))
    if not _scalar(con, "SELECT has_database_privilege(:r, :d, 'CONNECT')", r=STAFF, d=db):
        con.exec_driver_sql(f"GRANT CONNECT ON DATABASE {q(db)} TO {q(STAFF)}")
        done.append("staff may connect")
    schema = q(str(_scalar(con, "SELECT current_schema()")))
    if not _scalar(con, "SELECT has_schema_privilege(:r, current_schema(), 'USAGE')", r=STAFF):
        con.exec_driver_sql(f"GRANT USAGE ON SCHEMA {schema} TO {q(STAFF)}")
        done.append("staff may use the schema")
    if _scalar(con, "SELECT has_schema_privilege('public', current_schema(), 'CREATE')"):
        # Only the owner changes the structure (older servers let everyone create tables).
        con.exec_driver_sql(f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC")
        done.append("only the owner may create tables")
    if not _scalar(con, "SELECT has_schema_privilege(:r, current_schema(), 'CREATE')",
                   r=AUDIT_OWNER):
        con.exec_driver_sql(f"GRANT CREATE ON SCHEMA {schema} TO {q(AUDIT_OWNER)}")
        done.append("the audit owner may own a table")
    for name, definition in _security_functions():
        if _function(con, name, definition):
            done.append(f"function {name}")
    if str(_scalar(con, "SELECT tableowner FROM pg_tables WHERE tablename = 'audit' "
                   "AND schemaname = current_schema()")) != AUDIT_OWNER:
        con.exec_driver_sql(f"ALTER TABLE audit OWNER TO {q(AUDIT_OWNER)}")
        done.append("audit owned by a role nobody logs in as")
    done += _table_security(con)
    if not _has_trigger(con, "nsi", "nsi_check_sweep"):
        con.exec_driver_sql("CREATE TRIGGER nsi_check_sweep BEFORE INSERT OR UPDATE ON nsi "
                            "FOR EACH ROW EXECUTE FUNCTION probation_desk_check_sweep()")
        done.append("sweep and switch limited to regional leads and admins")
    if install_change_notices(con):
        done.append("change notices")
    return done


def _privilege_missing(con: Connection, table: str, privileges: str, role: str) -> bool:
    return any(not _scalar(con, "SELECT has_table_privilege(:r, :t, :p)", r=role,
                           t=f"{q(table)}", p=p.strip())
               for p in privileges.split(","))


def _table_security(con: Connection) -> list[str]:
    done: list[str] = []
    for table in _tables(con):
        cols = _columns(con, table)
        read = None if table in NO_POLICY else _person_filter(
            con, table, cols, "probation_desk_reads_all")
        write = None if table in NO_POLICY else _person_filter(
            con, table, cols, "probation_desk_writes_all")
        for privileges, role in _grants(table, read is not None):
            if _privilege_missing(con, table, privileges, role):
                con.exec_driver_sql(f"GRANT {privileges} ON {q(table)} TO {q(role)}")
                done.append(f"{table}: {privileges} to {role}")
        done += _revoke_forbidden(con, table)
        if "id" in cols:
            seq = _scalar(con, "SELECT pg_get_serial_sequence(:t, 'id')", t=table)
            if seq and not _scalar(con, "SELECT has_sequence_privilege(:r, :s, 'USAGE')",
                                   r=STAFF, s=seq):
                con.exec_driver_sql(f"GRANT USAGE ON SEQUENCE {seq} TO {q(STAFF)}")
                done.append(f"{table}: new ids for staff")
        if read is None or write is None:
            continue
        if not _scalar(con, "SELECT relrowsecurity FROM pg_class WHERE oid = to_regclass(:t)",
                       t=table):
            con.exec_driver_sql(f"ALTER TABLE {q(table)} ENABLE ROW LEVEL SECURITY")
            done.append(f"{table}: row-level security")
        policies = [
            ("pd_read", f"FOR SELECT TO {q(STAFF)} USING ({read})"),
            ("pd_insert", f"FOR INSERT TO {q(STAFF)} WITH CHECK ({write})"),
            ("pd_update", f"FOR UPDATE TO {q(STAFF)} USING ({write}) WITH CHECK ({write})"),
        ]
        for name, body in policies:
            if not _has_policy(con, table, name):
                con.exec_driver_sql(f"CREATE POLICY {name} ON {q(table)} {body}")
                done.append(f"{table}: policy {name}")
        if _has_policy(con, table, "pd_delete"):  # an older version's: nobody deletes now
            con.exec_driver_sql(f"DROP POLICY pd_delete ON {q(table)}")
            done.append(f"{table}: no delete policy")
    return done


def security_installed(con: Connection) -> bool:
    """True once ``admin init`` has created the roles on this server."""
    return _role_exists(con, STAFF) and bool(_scalar(
        con, "SELECT 1 FROM pg_proc WHERE proname = 'probation_desk_my_region'"))


# ------------------------------------------------------------------ people's logins

@dataclass(frozen=True)
class StaffLogin:
    """A person's login on the team database."""

    login: str
    role: str  # the command line's name: practitioner, treatment-manager, ...
    region: str | None
    read_all_regions: bool
    can_log_in: bool


def role_name(role: str) -> str:
    """The database role for a command-line role name (refused if unknown)."""
    try:
        return ROLES[role]
    except KeyError:
        raise AdminProblem(f"'{role}' is not a role: choose one of {', '.join(ROLES)}.") \
            from None


def _require_init(con: Connection) -> None:
    if not security_installed(con):
        raise AdminProblem("The roles do not exist yet on this server: run "
                           "'probation-desk --db URL admin init' first, as the owner.")


def _password_sql(con: Connection, login: str, password: str | None) -> str:
    """A PASSWORD clause with the SCRAM verifier made here, so no password travels."""
    if password is None:
        return ""
    if not password:
        raise AdminProblem("The password is empty: give one, or leave out --password-stdin.")
    raw = con.connection.dbapi_connection
    verifier = raw.pgconn.encrypt_password(  # type: ignore[union-attr]
        password.encode(), login.encode(), b"scram-sha-256").decode()
    if not re.fullmatch(r"[A-Za-z0-9+/=$:-]+", verifier):
        raise AdminProblem("The server gave an unexpected password format.")
    return f" PASSWORD '{verifier}'"


def add_user(con: Connection, login: str, role: str, region: str | None,
             password: str | None = None) -> bool:
    """Create a person's login in ``role``; False if it already existed as asked."""
    _require_init(con)
    login = check_login(login)
    group = role_name(role)
    if role != "admin" and not region:
        raise AdminProblem(f"A {role} works in one region: give --region.")
    created = False
    if not _role_exists(con, login):
        con.exec_driver_sql(f"CREATE ROLE {q(login)} LOGIN{_password_sql(con, login, password)}")
        created = True
    elif password is not None:
        con.exec_driver_sql(f"ALTER ROLE {q(login)} LOGIN{_password_sql(con, login, password)}")
    changed = _set_membership(con, login, group)
    changed |= _set_staff_row(con, login, region)
    return created or changed


def _set_membership(con: Connection, login: str, group: str) -> bool:
    changed = False
    for other in ROLES.values():
        member = _is_member(con, login, other)
        if other == group and not member:
            con.exec_driver_sql(f"GRANT {q(other)} TO {q(login)}")
            changed = True
        elif other != group and member:
            con.exec_driver_sql(f"REVOKE {q(other)} FROM {q(login)}")
            changed = True
    return changed


def _set_staff_row(con: Connection, login: str, region: str | None,
                   read_all: bool | None = None) -> bool:
    row = con.execute(text("SELECT region, read_all_regions FROM desk_staff WHERE login = :l"),
                      {"l": login}).first()
    if row is None:
        con.execute(text("INSERT INTO desk_staff (login, region, read_all_regions) "
                         "VALUES (:l, :r, :a)"), {"l": login, "r": region, "a": bool(read_all)})
        return True
    new_region = region if region is not None else row.region
    new_all = row.read_all_regions if read_all is None else read_all
    if (new_region, new_all) == (row.region, row.read_all_regions):
        return False
    con.execute(text("UPDATE desk_staff SET region = :r, read_all_regions = :a WHERE login = :l"),
                {"l": login, "r": new_region, "a": new_all})
    return True


def set_role(con: Connection, login: str, role: str, region: str | None = None,
             read_all_regions: bool | None = None) -> bool:
    """Move a login to another role (and region); False if nothing changed."""
    _require_init(con)
    login = check_login(login)
    if not _role_exists(con, login):
        raise AdminProblem(f"There is no login '{login}' on this server.")
    changed = _set_membership(con, login, role_name(role))
    return _set_staff_row(con, login, region, read_all_regions) or changed


def remove_user(con: Connection, login: str) -> bool:
    """Drop a person's login (their records stay); False if it did not exist."""
    login = check_login(login)
    con.execute(text("DELETE FROM desk_staff WHERE login = :l"), {"l": login})
    if not _role_exists(con, login):
        return False
    if not any(_is_member(con, login, r) for r in (*ROLES.values(), STAFF)):
        raise AdminProblem(f"'{login}' is not a Probation Desk login, so it was left alone.")
    con.exec_driver_sql(f"DROP ROLE {q(login)}")
    # End the sessions it still has open, where this login is allowed to.
    con.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = :l "
                     "AND pg_has_role(current_user, 'pg_signal_backend', 'MEMBER')"),
                {"l": login})
    return True


def list_users(con: Connection) -> list[StaffLogin]:
    """Every person's login with their role and region, by login."""
    if not security_installed(con):
        return []
    by_group = {v: k for k, v in ROLES.items()}
    rows = con.execute(text(
        "SELECT u.rolname AS login, g.rolname AS grp, u.rolcanlogin AS can_log_in, "
        "s.region, coalesce(s.read_all_regions, false) AS read_all "
        "FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid "
        "JOIN pg_roles u ON u.oid = m.member LEFT JOIN desk_staff s ON s.login = u.rolname "
        "WHERE g.rolname IN :groups ORDER BY u.rolname").bindparams(
            _expanding("groups")), {"groups": list(ROLES.values())}).all()
    return [StaffLogin(r.login, by_group[r.grp], r.region, r.read_all, r.can_log_in)
            for r in rows]


def _expanding(name: str) -> Any:
    from sqlalchemy import bindparam

    return bindparam(name, expanding=True)


# ------------------------------------------------------------------ who is connected

@dataclass(frozen=True)
class ServerLogin:
    """What the server says about this connection."""

    login: str
    database: str
    roles: tuple[str, ...]  # command-line names of the desk roles this login is in
    region: str | None
    read_all_regions: bool
    owner: bool  # owns the schema (IT, migrations) or is a superuser
    may_migrate: bool = False  # as :func:`may_migrate` says


WHOAMI_SQL = """
SELECT session_user AS login, current_database() AS database,
       ARRAY(SELECT r FROM unnest(CAST(:groups AS text[])) AS r
             WHERE CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
                        THEN pg_has_role(session_user, r, 'MEMBER') ELSE false END
       ) AS groups,
       CASE WHEN to_regclass('desk_staff') IS NOT NULL THEN query_to_xml(format(
            'SELECT region, read_all_regions FROM desk_staff WHERE login = %L',
            session_user), false, true, '')::text END AS staff,
       (SELECT rolsuper OR EXISTS (SELECT 1 FROM pg_tables WHERE tablename =
            'alembic_version' AND schemaname = current_schema() AND
            pg_has_role(session_user, tableowner, 'USAGE'))
        FROM pg_roles WHERE rolname = session_user) AS owner,
       (SELECT has_schema_privilege(current_user, current_schema(), 'CREATE') AND
        coalesce((SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables
                  WHERE tablename = 'alembic_version' AND schemaname = current_schema()),
                 true)) AS may_migrate
"""


def whoami(con: Connection) -> ServerLogin:
    """The session's login, its desk roles and region, as the server reports them (one
    statement: one round trip to a far server)."""
    row = con.execute(text(WHOAMI_SQL), {"groups": list(ROLES.values())}).mappings().one()
    return login_from_row(dict(row))


def login_from_row(row: Mapping[str, Any]) -> ServerLogin:
    """A :class:`ServerLogin` from :data:`WHOAMI_SQL`'s columns."""
    import xml.etree.ElementTree as ET

    groups = set(row["groups"] or [])
    roles = tuple(k for k, v in ROLES.items() if v in groups)
    region: str | None = None
    read_all = False
    if row["staff"]:
        found = ET.fromstring(f"<rows>{row['staff']}</rows>").find("row")
        if found is not None:
            region = found.findtext("region")
            read_all = (found.findtext("read_all_regions") or "").strip() == "true"
    return ServerLogin(str(row["login"]), str(row["database"]), roles, region, read_all,
                       bool(row["owner"]), bool(row["may_migrate"]))


def may_migrate(con: Connection) -> bool:
    """Can this login change the schema (create tables, alter the owner's tables)?"""
    return bool(_scalar(
        con, "SELECT has_schema_privilege(current_user, current_schema(), 'CREATE') AND "
        "coalesce((SELECT pg_has_role(current_user, tableowner, 'USAGE') FROM pg_tables "
        "WHERE tablename = 'alembic_version' AND schemaname = current_schema()), true)"))


def describe(done: Iterable[str]) -> str:
    """A summary of what init_security did, for the command line."""
    items = list(done)
    if not items:
        return "Everything was already in place: nothing was changed."
    return f"Made {len(items)} change(s):\n" + "\n".join(f"  {i}" for i in items)
