"""Nobody deletes or rewrites history; the server stamps the audit's time

On PostgreSQL (a team database), whatever a person's login sends as plain SQL:

- no staff login deletes: DELETE (and TRUNCATE) is taken back from every member of
  ``probation_desk_staff`` on every table, and the ``pd_delete`` policies go (the app
  never deletes; a withdrawal is a status), so no DELETE of a person cascades away a
  treatment manager's sign-off;
- the server writes the audit row's time (``now()``) as it writes its login, in one
  trigger that replaces 0005's ``audit_stamp_login``;
- the NSI status history is append-only, as the audit is: UPDATE is taken back from
  staff, and triggers refuse UPDATE, DELETE (a cascade from its NSI included) and
  TRUNCATE to everyone;
- the check that keeps the sweep's and a switch's outcomes (AUTO_CLOSED, TRANSFERRED) to
  regional leads and admins covers an INSERT too, not only an UPDATE;
- an audit row with no person is read only by the login that wrote it and by logins
  that read all regions (it was readable in every region).

The grants, policies and check function exist once ``probation-desk admin init`` has
run; on a database where it has not, only the triggers are added here, and ``admin
init`` makes the rest as ``store/server.py`` describes (the same text as here).

On SQLite (a personal file) only the history's triggers are meaningful: UPDATE, DELETE
and INSERT OR REPLACE of a history row are refused, as 0003 and 0009 do for the audit.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

STAFF = "probation_desk_staff"
HISTORY = "nsi_status_history"
MESSAGE = "the NSI status history is append-only: its rows cannot be changed or deleted"

_SWEEPERS = ("pg_has_role(session_user, 'probation_desk_regional_lead', 'MEMBER') OR "
             "pg_has_role(session_user, 'probation_desk_admin', 'MEMBER')")
_CHECK_SWEEP = """
CREATE OR REPLACE FUNCTION probation_desk_check_sweep() RETURNS trigger LANGUAGE plpgsql
SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
  IF {condition}
     AND pg_has_role(session_user, 'probation_desk_staff', 'MEMBER') AND NOT ({sweepers}) THEN
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege', MESSAGE =
      'only a regional lead (for their own region) or an admin may close NSIs by the '
      'sweep or switch a toolkit';
  END IF;
  RETURN NEW;
END $$"""
CHECK_SWEEP = _CHECK_SWEEP.format(sweepers=_SWEEPERS, condition=(
    "NEW.outcome IN ('AUTO_CLOSED', 'TRANSFERRED')\n"
    "     AND (TG_OP = 'INSERT' OR NEW.outcome IS DISTINCT FROM OLD.outcome)"))
"""The same text as ``store/server.py`` makes (so ``admin init`` finds nothing to change)."""
OLD_CHECK_SWEEP = _CHECK_SWEEP.format(sweepers=_SWEEPERS, condition=(
    "NEW.outcome IS DISTINCT FROM OLD.outcome AND NEW.outcome IN ('AUTO_CLOSED', "
    "'TRANSFERRED')"))

_AUDIT_READ = ("(SELECT probation_desk_reads_all()) OR person_id IN (SELECT id FROM person "
               "WHERE region = (SELECT probation_desk_my_region())) OR {unpersoned}")
AUDIT_READ = _AUDIT_READ.format(unpersoned="(person_id IS NULL AND actor = session_user)")
OLD_AUDIT_READ = _AUDIT_READ.format(unpersoned="person_id IS NULL")


def _sqlite_upgrade() -> None:
    for event in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER {HISTORY}_no_{event.lower()} BEFORE {event} ON {HISTORY} "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    op.execute(f"CREATE TRIGGER {HISTORY}_no_replace BEFORE INSERT ON {HISTORY} "  # noqa: S608 (constants only)
               f"WHEN NEW.id IS NOT NULL AND EXISTS (SELECT 1 FROM {HISTORY} WHERE id = NEW.id) "
               f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def _scalar(sql: str, **params: object) -> object:
    return op.get_bind().execute(sa.text(sql), params).scalar()


def _staff_grants(privileges: dict[str, tuple[str, ...]]) -> list[tuple[str, str, str]]:
    """(table, privilege, grantee) for each listed privilege a staff member holds."""
    rows = op.get_bind().execute(sa.text(
        "SELECT c.relname, a.privilege_type, r.rolname FROM pg_class c "
        "CROSS JOIN LATERAL aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee "
        "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r' "
        "AND pg_has_role(r.oid, :staff, 'MEMBER') AND NOT r.rolsuper "
        "AND r.oid <> c.relowner ORDER BY 1, 3, 2"), {"staff": STAFF}).all()
    return [(t, p, r) for t, p, r in rows if p in privileges.get(t, privileges["*"])]


def _postgresql_upgrade() -> None:
    op.execute(
        f"CREATE FUNCTION {HISTORY}_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$")
    op.execute(f"CREATE TRIGGER {HISTORY}_append_only BEFORE UPDATE OR DELETE ON {HISTORY} "
               f"FOR EACH ROW EXECUTE FUNCTION {HISTORY}_append_only()")
    op.execute(f"CREATE TRIGGER {HISTORY}_no_truncate BEFORE TRUNCATE ON {HISTORY} "
               f"FOR EACH STATEMENT EXECUTE FUNCTION {HISTORY}_append_only()")
    # The audit's login and time in one trigger (0005's wrote the login alone).
    op.execute("DROP TRIGGER audit_stamp_login ON audit")
    op.execute(
        "CREATE FUNCTION probation_desk_stamp_audit() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN NEW.actor := session_user; NEW.at := now(); RETURN NEW; END $$")
    op.execute("CREATE TRIGGER audit_stamp BEFORE INSERT OR UPDATE ON audit "
               "FOR EACH ROW EXECUTE FUNCTION probation_desk_stamp_audit()")
    if _scalar("SELECT 1 FROM pg_roles WHERE rolname = :r", r=STAFF):
        forbidden = {"*": ("DELETE", "TRUNCATE"),
                     HISTORY: ("UPDATE", "DELETE", "TRUNCATE"),
                     "audit": ("UPDATE", "DELETE", "TRUNCATE")}
        for table, privilege, role in _staff_grants(forbidden):
            op.execute(f'REVOKE {privilege} ON "{table}" FROM "{role}"')
        for table in op.get_bind().execute(sa.text(
                "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() "
                "AND policyname = 'pd_delete' ORDER BY 1")).scalars():
            op.execute(f'DROP POLICY pd_delete ON "{table}"')
    if _scalar("SELECT 1 FROM pg_policies WHERE schemaname = current_schema() "
               "AND tablename = 'audit' AND policyname = 'pd_read'"):
        op.execute(f"ALTER POLICY pd_read ON audit USING ({AUDIT_READ})")
    if _scalar("SELECT to_regprocedure('probation_desk_check_sweep()')") is not None:
        op.execute(CHECK_SWEEP)
        op.execute("DROP TRIGGER IF EXISTS nsi_check_sweep ON nsi")
        op.execute("CREATE TRIGGER nsi_check_sweep BEFORE INSERT OR UPDATE ON nsi "
                   "FOR EACH ROW EXECUTE FUNCTION probation_desk_check_sweep()")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        _postgresql_upgrade()


def _postgresql_downgrade() -> None:
    """Back to what 0014 and the previous version's ``admin init`` left."""
    if _scalar("SELECT to_regprocedure('probation_desk_check_sweep()')") is not None:
        op.execute(OLD_CHECK_SWEEP)
        op.execute("DROP TRIGGER IF EXISTS nsi_check_sweep ON nsi")
        op.execute("CREATE TRIGGER nsi_check_sweep BEFORE UPDATE ON nsi "
                   "FOR EACH ROW EXECUTE FUNCTION probation_desk_check_sweep()")
    if _scalar("SELECT 1 FROM pg_policies WHERE schemaname = current_schema() "
               "AND tablename = 'audit' AND policyname = 'pd_read'"):
        op.execute(f"ALTER POLICY pd_read ON audit USING ({OLD_AUDIT_READ})")
    writers = ("probation_desk_practitioner", "probation_desk_treatment_manager",
               "probation_desk_regional_lead", "probation_desk_admin")
    if _scalar("SELECT 1 FROM pg_roles WHERE rolname = :r", r=STAFF):
        # Each table the writers could change: DELETE again, and its delete policy.
        for table, qual in op.get_bind().execute(sa.text(
                "SELECT tablename, qual FROM pg_policies WHERE schemaname = current_schema() "
                "AND policyname = 'pd_update' ORDER BY 1")).all():
            op.execute(f'CREATE POLICY pd_delete ON "{table}" FOR DELETE TO "{STAFF}" '
                       f"USING ({qual})")
            if table not in ("audit", "sign_off"):
                extra = ", UPDATE" if table == HISTORY else ""
                for role in writers:
                    op.execute(f'GRANT DELETE{extra} ON "{table}" TO "{role}"')
    op.execute("DROP TRIGGER audit_stamp ON audit")
    op.execute("DROP FUNCTION probation_desk_stamp_audit()")
    op.execute("CREATE TRIGGER audit_stamp_login BEFORE INSERT OR UPDATE ON audit FOR EACH ROW "
               "EXECUTE FUNCTION probation_desk_stamp_login('actor')")
    op.execute(f"DROP TRIGGER {HISTORY}_no_truncate ON {HISTORY}")
    op.execute(f"DROP TRIGGER {HISTORY}_append_only ON {HISTORY}")
    op.execute(f"DROP FUNCTION {HISTORY}_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for event in ("update", "delete", "replace"):
            op.execute(f"DROP TRIGGER {HISTORY}_no_{event}")
    else:
        _postgresql_downgrade()
