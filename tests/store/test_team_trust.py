"""What a person's login cannot do on a team database, however it talks to the server.

Each probe is plain SQL through psycopg as a person's login (a modified client or a
hand-written session), on the real PostgreSQL server: deleting records (a withdrawal is a
status; nobody deletes), back-dating the audit trail, rewriting the NSI history, inserting
an NSI already closed by the sweep, and reading other regions' business in audit rows
that name no person.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

import psycopg
import pytest

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.nsi import NsiFields
from probation_desk.services.check import check_database
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database, open_desk
from tests.conftest import TODAY
from tests.services.conftest import make_person
from tests.store import test_team_database as base

pytestmark = pytest.mark.postgres
D = dt.date
Team = base.Team
team = base.team  # the same set-up as IT's: one login per role, in Wales
refused = base.refused

STAFF_ROLES = ("practitioner", "treatment-manager", "regional-lead", "admin")


def owner_sql(team: Team) -> Any:
    """A plain connection as the database's owner (here the test server's superuser)."""
    return psycopg.connect(team.url.replace("postgresql+psycopg", "postgresql"))


def owner_desk(team: Team) -> Desk:
    return Desk(open_database(team.url), actor="IT", clock=fixed_clock(D(2022, 5, 10)))


def tables(team: Team) -> list[str]:
    con = owner_sql(team)
    try:
        return [r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename "
            "NOT IN ('alembic_version') ORDER BY 1")]
    finally:
        con.close()


def test_no_staff_login_deletes_a_record_and_a_sign_off_stays(team: Team) -> None:
    owner = owner_desk(team)
    person = make_person(owner, "W300001", name="Dilys Delete", region="Wales")
    owner.engine.dispose()
    tm = team.connect("treatment-manager")
    tm.execute("INSERT INTO sign_off (person_id, kind, on_date, by_name, recorded_at) "
               "VALUES (%s, 'REVIEWED', '2022-06-11', 'x', now())", (person.id,))
    tm.commit()
    tm.close()
    tries = 0
    for role in STAFF_ROLES:
        con = team.connect(role)
        try:
            # The practitioner's probe: the person goes, and the TM's sign-off with them.
            msg = refused(con, "DELETE FROM person WHERE id = %s", person.id)
            assert "permission denied for table person" in msg, (role, msg)
            tries += 1
            for table in tables(team):
                msg = refused(con, f'DELETE FROM "{table}"')
                assert f"permission denied for table {table}" in msg, (role, table, msg)
                tries += 1
        finally:
            con.close()
    assert tries == 4 * (1 + len(tables(team)))
    con = owner_sql(team)
    try:
        assert con.execute("SELECT count(*) FROM sign_off WHERE person_id = %s",
                           (person.id,)).fetchone()[0] == 1
        assert con.execute("SELECT name FROM person WHERE id = %s",
                           (person.id,)).fetchone()[0] == "Dilys Delete"
    finally:
        con.close()


def test_the_server_stamps_the_audit_time_whatever_the_client_sends(team: Team) -> None:
    for role in STAFF_ROLES:
        con = team.connect(role)
        try:
            at, server_now = con.execute(
                "INSERT INTO audit (at, actor, action, entity, person_id) VALUES "
                "(now() - interval '3 years', 'x', 'add contact', 'contact', %s) "
                "RETURNING at, now()", (team.wales,)).fetchone()
            assert at == server_now, role
            con.commit()
        finally:
            con.close()
    # The app's own rows too (its clock says 2022; the server's says today).
    desk = open_desk(team.url_of("practitioner"), clock=fixed_clock(D(2022, 5, 10)))
    desk.record_activity(team.wales, D(2022, 5, 10), order_id=None, description="x",
                         rar_activity=False)
    entry = desk.audit(team.wales)[0]
    desk.engine.dispose()
    assert entry.action == "add contact"
    assert abs(entry.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    con = owner_sql(team)
    try:
        assert con.execute("SELECT count(*) FROM audit WHERE at < now() - interval '1 day'"
                           ).fetchone()[0] == 0
    finally:
        con.close()


def history_of(team: Team, nsi_id: int) -> list[tuple[Any, ...]]:
    con = owner_sql(team)
    try:
        return con.execute("SELECT id, status, status_date, recorded_by, recorded_at, note, "
                           "recorded_login FROM nsi_status_history WHERE nsi_id = %s "
                           "ORDER BY id", (nsi_id,)).fetchall()
    finally:
        con.close()


def test_the_nsi_history_is_append_only(team: Team) -> None:
    before = history_of(team, team.wales_nsi)
    assert before
    probes = ("UPDATE nsi_status_history SET recorded_by = 'Someone Else', "
              "recorded_at = '2020-01-01' WHERE nsi_id = %s",
              "UPDATE nsi_status_history SET status = 'ENDED' WHERE nsi_id = %s",
              "DELETE FROM nsi_status_history WHERE nsi_id = %s")
    for role in STAFF_ROLES:
        con = team.connect(role)
        try:
            for sql in probes:
                assert "permission denied for table nsi_status_history" in refused(
                    con, sql, team.wales_nsi), (role, sql)
            # Adding to it stays allowed (every status change does).
            con.execute("INSERT INTO nsi_status_history (nsi_id, status, status_date, "
                        "recorded_by, recorded_at) VALUES (%s, 'REFERRED', '2022-05-01', "
                        "'x', now())", (team.wales_nsi,))
            con.rollback()
        finally:
            con.close()
    # Not even the owner rewrites it (triggers, as for the audit).
    con = owner_sql(team)
    try:
        for sql in probes:
            assert "append-only" in refused(con, sql, team.wales_nsi), sql
        assert "append-only" in refused(con, "TRUNCATE nsi_status_history CASCADE")
        # Nor does deleting its NSI take the history with it.
        assert "append-only" in refused(con, "DELETE FROM nsi WHERE id = %s", team.wales_nsi)
    finally:
        con.close()
    assert history_of(team, team.wales_nsi) == before


NSI_INSERT = ("INSERT INTO nsi (person_id, toolkit, status, status_date, referral_date, "
              "actual_start, actual_end, outcome, active, version) VALUES (%s, 'CHEMSEX', "
              "'ENDED', '2022-07-30', '2022-05-01', '2022-05-01', '2022-07-30', %s, false, 1)")


def test_an_nsi_cannot_be_inserted_closed_by_the_sweep_or_a_switch(team: Team) -> None:
    for role in ("practitioner", "treatment-manager"):
        con = team.connect(role)
        try:
            for outcome in ("AUTO_CLOSED", "TRANSFERRED"):
                msg = refused(con, NSI_INSERT, team.wales, outcome)
                assert "regional lead" in msg, (role, outcome, msg)
            # Any other ending a practitioner may record is still theirs to insert.
            con.execute(NSI_INSERT, (team.wales, "COMPLETED"))
            con.rollback()
        finally:
            con.close()
    for role in ("regional-lead", "admin"):
        con = team.connect(role)
        try:
            con.execute(NSI_INSERT, (team.wales, "AUTO_CLOSED"))
            con.rollback()
        finally:
            con.close()


def test_the_apps_sweep_still_closes_as_a_regional_lead(team: Team) -> None:
    owner = owner_desk(team)
    person = make_person(owner, "W300002", name="Siôn Sweep", region="Wales")
    opened = owner.open_nsi(person.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 1)))
    owner.engine.dispose()
    desk = open_desk(team.url_of("regional-lead"), clock=fixed_clock(TODAY))
    result = desk.sweep()
    assert result.closed >= 1 and opened.id in {i.nsi_id for i in result.items}
    view = desk.nsi(opened.id)
    assert view.outcome is not None and view.outcome.name == "AUTO_CLOSED"
    entry = desk.audit(person.id)[0]
    assert entry.action == "sweep close nsi" and entry.actor == team.logins["regional-lead"]
    assert abs(entry.at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    desk.engine.dispose()


def add_login(team: Team, role: str, region: str) -> str:
    login = f"x_{uuid.uuid4().hex[:8]}"
    assert base.admin(team.url, "add-user", login, "--role", role, "--region", region,
                      "--password-stdin", stdin=team.password + "\n") == 0
    return login


def unpersoned(con: Any) -> set[str]:
    return {r[0] for r in con.execute("SELECT action FROM audit WHERE person_id IS NULL")}


def test_audit_rows_with_no_person_stay_in_their_writers_view(team: Team) -> None:
    # IT's check repairs a London person's counter: the row names London's people.
    owner = owner_desk(team)
    con = owner_sql(team)
    con.execute("UPDATE person SET open_nsis = 7 WHERE id = %s", (team.london,))
    con.commit()
    con.close()
    report = check_database(owner)
    owner.engine.dispose()
    assert report.repaired
    london_login = add_login(team, "practitioner", "London")
    wales = team.connect("practitioner")
    london = team.server.connect(team.url, london_login, team.password)
    try:
        assert "repair counters" not in unpersoned(wales)
        assert "repair counters" not in unpersoned(london)
        # A login's own row with no person it reads; another region's login does not.
        wales.execute("INSERT INTO audit (at, actor, action, entity) VALUES "
                      "(now(), 'x', 'wales note', 'person')")
        wales.commit()
        assert "wales note" in unpersoned(wales)
        assert "wales note" not in unpersoned(london)
    finally:
        wales.close()
        london.close()
    # Through the app: the Wales practitioner's audit trail holds none of it.
    desk = open_desk(team.url_of("practitioner"), clock=fixed_clock(TODAY))
    assert "repair counters" not in {e.action for e in desk.audit()}
    desk.engine.dispose()
    # Logins that read every region (admins, and those an admin allows) read them all.
    for role in ("admin",):
        con = team.connect(role)
        try:
            assert {"repair counters", "wales note"} <= unpersoned(con)
        finally:
            con.close()
    login = team.logins["practitioner"]
    assert base.admin(team.url, "set-role", login, "practitioner", "--read-all-regions") == 0
    try:
        con = team.connect("practitioner")
        assert "repair counters" in unpersoned(con)
        con.close()
    finally:
        assert base.admin(team.url, "set-role", login, "practitioner",
                          "--own-region-only") == 0


# ------------------------------------------------------------------ the upgrade

def catalogue(url: str) -> list[list[tuple[Any, ...]]]:
    """What the server enforces in one database: grants, policies, triggers, functions."""
    con = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
    try:
        return [con.execute(sql).fetchall() for sql in (
            "SELECT relname, relacl::text, relrowsecurity, relowner::regrole::text FROM "
            "pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1",
            "SELECT tablename, policyname, cmd, roles::text, qual, with_check FROM pg_policies "
            "ORDER BY 1, 2",
            "SELECT tgrelid::regclass::text, tgname, pg_get_triggerdef(oid) FROM pg_trigger "
            "WHERE NOT tgisinternal ORDER BY 1, 2",
            "SELECT proname, prosrc, prosecdef FROM pg_proc WHERE pronamespace = "
            "'public'::regnamespace ORDER BY 1",
            "SELECT version_num FROM alembic_version")]
    finally:
        con.close()


def test_an_upgrade_by_its_owner_closes_each_gap_on_a_team_database(pg_server: Any) -> None:
    """IT's owner login (CREATEROLE, not a superuser) opens a database the previous
    version set up: the upgrade alone holds every probe, and leaves the database as a
    new one is made (``admin init`` then finds nothing to do)."""
    from probation_desk.store.engine import make_engine
    from probation_desk.store.migrate import downgrade, upgrade

    tag = uuid.uuid4().hex[:6]
    owner, login, password = f"owner_{tag}", f"pp_{tag}", f"pw {tag}"
    su = psycopg.connect(pg_server.url().replace("postgresql+psycopg", "postgresql"),
                         autocommit=True)
    su.execute(f'CREATE ROLE "{owner}" LOGIN CREATEROLE')
    urls = []
    for _ in range(2):
        name = pg_server.create_db().rsplit("/", 1)[1]
        su.execute(f'ALTER DATABASE "{name}" OWNER TO "{owner}"')
        urls.append(f"postgresql+psycopg://{owner}@127.0.0.1:{pg_server.port}/{name}")
    su.close()
    new, old = urls
    for url in urls:
        assert base.admin(url, "init") == 0
        assert base.admin(url, "add-user", login, "--role", "practitioner", "--region",
                          "Wales", "--password-stdin", stdin=password + "\n") == 0
    eng = make_engine(old)
    downgrade(eng, "0014")  # as the previous version's migrations and admin init left it
    eng.dispose()
    as_owner = psycopg.connect(old.replace("postgresql+psycopg", "postgresql"))
    person = as_owner.execute(
        "INSERT INTO person (crn, name, name_key, region, pdu, practitioner, language, "
        "print_needs, open_nsis, module_status) VALUES ('W400001', 'P', 'p', 'Wales', "
        "'Cardiff', 'PP', 'WELSH', 'STANDARD', 0, 'NOT_STARTED') RETURNING id").fetchone()[0]
    as_owner.execute("INSERT INTO audit (at, actor, action, entity) VALUES "
                     "(now(), 'IT', 'repair counters', 'person')")
    as_owner.commit()
    as_owner.close()
    as_owner = psycopg.connect(old.replace("postgresql+psycopg", "postgresql"))
    nsi = as_owner.execute(
        "INSERT INTO nsi (person_id, toolkit, status, status_date, referral_date, active, "
        "version) VALUES (%s, 'MAPS', 'REFERRED', '2022-05-01', '2022-05-01', true, 1) "
        "RETURNING id", (person,)).fetchone()[0]
    as_owner.execute("INSERT INTO nsi_status_history (nsi_id, status, status_date, "
                     "recorded_by, recorded_at) VALUES (%s, 'REFERRED', '2022-05-01', 'IT', "
                     "now())", (nsi,))
    as_owner.commit()
    as_owner.close()
    probes: list[tuple[str, tuple[Any, ...], Any]] = [  # (sql, values, got through?)
        ("DELETE FROM person WHERE id = %s", (person,), lambda cur: cur.rowcount == 1),
        ("INSERT INTO audit (at, actor, action, entity, person_id) VALUES "
         "('2023-01-01', 'x', 'x', 'person', %s) RETURNING at", (person,),
         lambda cur: cur.fetchone()[0].year == 2023),
        ("UPDATE nsi_status_history SET recorded_at = '2020-01-01' WHERE nsi_id = %s",
         (nsi,), lambda cur: cur.rowcount == 1),
        (NSI_INSERT, (person, "AUTO_CLOSED"), lambda cur: cur.rowcount == 1),
        ("SELECT count(*) FROM audit WHERE person_id IS NULL", (),
         lambda cur: cur.fetchone()[0] == 1),
    ]

    def held() -> int:
        con = pg_server.connect(old, login, password)
        try:
            n = 0
            for sql, params, through in probes:
                try:
                    n += not through(con.execute(sql, params))
                except psycopg.DatabaseError:
                    n += 1
                con.rollback()
            return n
        finally:
            con.close()

    assert held() == 0  # the previous version: every probe got through
    eng = make_engine(old)
    upgrade(eng)  # the migration alone, without admin init afterwards
    eng.dispose()
    assert held() == len(probes)
    assert catalogue(old) == catalogue(new)
    assert base.admin(old, "init") == 0  # and so admin init changes nothing
    assert catalogue(old) == catalogue(new)


def test_admin_init_takes_back_a_delete_granted_by_hand(team: Team, capsys: Any) -> None:
    login = team.logins["practitioner"]
    con = owner_sql(team)
    con.execute(f'GRANT DELETE, TRUNCATE ON person TO "{login}"')
    con.execute(f'GRANT UPDATE ON nsi_status_history TO "{login}"')
    con.commit()
    con.close()
    capsys.readouterr()
    assert base.admin(team.url, "init", "--json") == 0
    changes = json.loads(capsys.readouterr().out)["changes"]
    assert sorted(changes) == [f"nsi_status_history: no UPDATE for {login}",
                               f"person: no DELETE for {login}",
                               f"person: no TRUNCATE for {login}"]
    con = team.connect("practitioner")
    try:
        assert "permission denied" in refused(con, "DELETE FROM person WHERE id = %s",
                                              team.wales)
        assert "permission denied" in refused(con, "UPDATE nsi_status_history SET note = 'x'")
    finally:
        con.close()
