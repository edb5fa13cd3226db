"""A team database on the real PostgreSQL server: the server, not the client, decides.

Logins connect over TCP with SCRAM passwords (the test server's pg_hba asks members of
``probation_desk_staff`` for one). Refusals are checked with plain SQL through psycopg,
as a modified client or a hand-written session would send it.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from probation_desk.cli import main
from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.errors import PermissionRefused, RuleViolation
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import NsiFields
from probation_desk.domain.review import SignOffKind
from probation_desk.domain.roles import Role
from probation_desk.errors import DatabaseProblem
from probation_desk.services import review
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database, open_desk
from probation_desk.settings import Settings
from tests.conftest import TODAY
from tests.services.conftest import make_person

pytestmark = pytest.mark.postgres
D = dt.date


@dataclass
class Team:
    server: Any
    url: str  # as the owner (the test server's superuser)
    logins: dict[str, str]  # role -> login
    password: str
    wales: int  # person ids
    london: int
    wales_nsi: int
    london_nsi: int

    def connect(self, role: str) -> Any:
        return self.server.connect(self.url, self.logins[role], self.password)

    def url_of(self, role: str) -> str:
        return self.server.login_url(self.url, self.logins[role], self.password)


def admin(url: str, *args: str, stdin: str | None = None,
          capsys: pytest.CaptureFixture[str] | None = None) -> int:
    import sys

    old = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        return main(["--db", url, "admin", *args])
    finally:
        sys.stdin = old


@pytest.fixture(scope="module")
def team(pg_server: Any) -> Iterator[Team]:
    """One database set up by IT: a practitioner and a treatment manager in Wales, a
    regional lead for Wales and an admin; a Wales and a London person, each with an
    in-flight Chemsex NSI from before the withdrawal."""
    url = pg_server.create_db()
    assert admin(url, "init") == 0
    tag = uuid.uuid4().hex[:6]
    password = "correct horse " + tag
    logins = {"practitioner": f"pp_{tag}", "treatment-manager": f"tm_{tag}",
              "regional-lead": f"rl_{tag}", "admin": f"ad_{tag}"}
    for role, login in logins.items():
        region = [] if role == "admin" else ["--region", "Wales"]
        assert admin(url, "add-user", login, "--role", role, *region, "--password-stdin",
                     stdin=password + "\n") == 0
    owner = Desk(open_database(url), actor="IT", clock=fixed_clock(D(2022, 5, 10)))
    wales = make_person(owner, "W100001", region="Wales")
    london = make_person(owner, "L100001", name="Lola London", region="London")
    w_nsi = owner.open_nsi(wales.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 1)))
    l_nsi = owner.open_nsi(london.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 1)))
    owner.clock = fixed_clock(D(2022, 7, 1))
    owner.record_session(wales.id, ModuleSession(D(2022, 6, 10), SupporterRole.PP, "PP", True))
    owner.engine.dispose()
    yield Team(pg_server, url, logins, password, wales.id, london.id, w_nsi.id, l_nsi.id)


def refused(con: Any, sql: str, *params: Any) -> str:
    """Run ``sql``; it must be refused by the server. Returns the server's message."""
    with pytest.raises(psycopg.DatabaseError) as exc:
        con.execute(sql, params)
    con.rollback()
    return str(exc.value)


def test_a_practitioner_cannot_sign_off_or_touch_the_audit_trail(team: Team) -> None:
    con = team.connect("practitioner")
    try:
        assert con.execute("SELECT session_user").fetchone()[0] == team.logins["practitioner"]
        msg = refused(con, "INSERT INTO sign_off (person_id, kind, on_date, by_name, "
                      "recorded_at) VALUES (%s, 'REVIEWED', '2022-05-10', 'A TM', now())",
                      team.wales)
        assert "permission denied for table sign_off" in msg
        for sql in ("UPDATE audit SET actor = 'someone else'", "DELETE FROM audit",
                    "TRUNCATE audit"):
            assert "permission denied for table audit" in refused(con, sql)
        # Even the audit's owner is a role nobody logs in as.
        owner = con.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'audit'")
        assert owner.fetchone()[0] == "probation_desk_audit_owner"
        assert not con.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = "
                               "'probation_desk_audit_owner'").fetchone()[0]
    finally:
        con.close()
    # Not even the owner (here the superuser) truncates it or rewrites a row.
    owner = psycopg.connect(team.url.replace("postgresql+psycopg", "postgresql"))
    try:
        assert "append-only" in refused(owner, "TRUNCATE audit")  # migration 0009
        assert "append-only" in refused(owner, "UPDATE audit SET actor = 'x'")
    finally:
        owner.close()


def test_a_practitioner_changes_only_people_of_their_own_region(team: Team) -> None:
    con = team.connect("practitioner")
    try:
        # London is invisible (no admin allowed reading other regions) and unchangeable.
        assert con.execute("SELECT count(*) FROM person WHERE id = %s",
                           (team.london,)).fetchone()[0] == 0
        cur = con.execute("UPDATE person SET pdu = 'Changed' WHERE id = %s", (team.london,))
        assert cur.rowcount == 0
        con.commit()
        msg = refused(con, "INSERT INTO person (crn, name, name_key, region, pdu, "
                      "practitioner, language, print_needs, open_nsis, module_status) VALUES "
                      "('L200002', 'N', 'n', 'London', 'P', 'PP', 'ENGLISH', 'STANDARD', 0, "
                      "'NOT_STARTED')")
        assert "row-level security" in msg
        msg = refused(con, "UPDATE person SET region = 'London' WHERE id = %s", team.wales)
        assert "row-level security" in msg
        # Their own region they may change.
        cur = con.execute("UPDATE person SET pdu = 'Swansea' WHERE id = %s", (team.wales,))
        assert cur.rowcount == 1
        con.rollback()
    finally:
        con.close()
    owner = psycopg.connect(team.url.replace("postgresql+psycopg", "postgresql"))
    assert owner.execute("SELECT pdu FROM person WHERE id = %s",
                         (team.london,)).fetchone()[0] == "Cardiff"
    owner.close()


def test_an_admin_may_let_a_practitioner_read_other_regions(team: Team) -> None:
    login = team.logins["practitioner"]
    assert admin(team.url, "set-role", login, "practitioner", "--read-all-regions") == 0
    try:
        con = team.connect("practitioner")
        assert con.execute("SELECT count(*) FROM person").fetchone()[0] == 2
        cur = con.execute("UPDATE person SET pdu = 'Changed' WHERE id = %s", (team.london,))
        assert cur.rowcount == 0  # reading is allowed; changing another region is not
        con.close()
    finally:
        assert admin(team.url, "set-role", login, "practitioner", "--own-region-only") == 0


def test_the_sweep_is_refused_to_a_practitioner_and_kept_to_a_leads_region(team: Team) -> None:
    sweep = ("UPDATE nsi SET status = 'ENDED', outcome = 'AUTO_CLOSED', active = false, "
             "actual_end = '2022-07-30' WHERE toolkit = 'CHEMSEX' AND active")
    con = team.connect("practitioner")
    assert "regional lead" in refused(con, sweep)
    con.close()
    # Through the app, the practitioner is told why before anything is tried.
    desk = open_desk(team.url_of("practitioner"), clock=fixed_clock(TODAY))
    assert desk.team is not None and desk.role is Role.PRACTITIONER
    with pytest.raises(PermissionRefused) as exc:
        desk.sweep()
    assert "regional lead" in exc.value.message
    desk.engine.dispose()

    con = team.connect("regional-lead")
    try:
        cur = con.execute(sweep)
        assert cur.rowcount == 1  # Wales only: London's NSI is not theirs to close
        con.rollback()
    finally:
        con.close()


def test_a_treatment_manager_signs_off_under_their_own_login(team: Team) -> None:
    tm = team.logins["treatment-manager"]
    con = team.connect("treatment-manager")
    try:
        row = con.execute(
            "INSERT INTO sign_off (person_id, kind, on_date, by_name, recorded_at) VALUES "
            "(%s, 'REVIEWED', '2022-06-11', 'Somebody Else', now()) RETURNING by_name",
            (team.wales,)).fetchone()
        assert row[0] == tm
        actor = con.execute(
            "INSERT INTO audit (at, actor, action, entity, person_id) VALUES "
            "(now(), 'Somebody Else', 'sign off', 'sign_off', %s) RETURNING actor",
            (team.wales,)).fetchone()[0]
        assert actor == tm
        con.rollback()
        # Not for a person of another region.
        assert "row-level security" in refused(
            con, "INSERT INTO sign_off (person_id, kind, on_date, by_name, recorded_at) "
            "VALUES (%s, 'REVIEWED', '2022-05-10', 'x', now())", team.london)
    finally:
        con.close()
    # Through the app: the role comes from the server, whatever the settings say.
    desk = open_desk(team.url_of("treatment-manager"), clock=fixed_clock(TODAY))
    assert desk.role is Role.TREATMENT_MANAGER and desk.actor == tm
    view = review.record_sign_off(desk, team.wales, SignOffKind.REVIEWED, D(2022, 6, 11),
                                  by_name="Claimed Name")
    assert view.by_name == tm
    entry = desk.audit(team.wales)[0]
    assert entry.action == "sign off" and entry.actor == tm
    assert desk.team is not None
    assert desk.team.signed_in_text() == (
        f"Signed in as {tm} (Treatment manager (Structured Interventions)) on "
        f"127.0.0.1:{team.server.port}/{team.url.rsplit('/', 1)[1]}")
    desk.engine.dispose()


def test_the_practitioners_own_changes_carry_their_login(team: Team) -> None:
    desk = open_desk(team.url_of("practitioner"), clock=fixed_clock(TODAY))
    pp = team.logins["practitioner"]
    desk.actor = "Pretending To Be Someone"  # a modified client
    desk.record_activity(team.wales, D(2022, 5, 10), order_id=None, description="x",
                         rar_activity=False)
    assert desk.audit(team.wales)[0].actor == pp
    with pytest.raises(RuleViolation) as exc:  # the server's refusal, in words
        desk.record_activity(team.london, D(2022, 5, 10), order_id=None, rar_activity=False)
    assert exc.value.rule in ("server-refused", "not-found")
    desk.engine.dispose()


def test_my_caseload_on_a_team_database_is_the_logins_people(team: Team) -> None:
    from probation_desk.services.caseload_search import caseload_search
    from probation_desk.services.queries import CaseloadFilter, my_identity

    pp = team.logins["practitioner"]
    owner = open_desk(team.url, clock=fixed_clock(TODAY))
    mine = make_person(owner, "W100777", region="Wales", practitioner=pp)
    owner.engine.dispose()
    desk = open_desk(team.url_of("practitioner"), clock=fixed_clock(TODAY),
                     settings=Settings(user_name="A Name In The Settings"))
    assert my_identity(desk) == pp  # the server's login, not the settings' name
    found = caseload_search(desk, CaseloadFilter(mine=my_identity(desk)))
    assert found.ids == [mine.id]
    desk.engine.dispose()


def test_admin_init_twice_changes_nothing_the_second_time(team: Team,
                                                          capsys: Any) -> None:
    def snapshot() -> Any:
        con = psycopg.connect(team.url.replace("postgresql+psycopg", "postgresql"))
        try:
            return [con.execute(sql).fetchall() for sql in (
                "SELECT rolname, rolcanlogin FROM pg_roles WHERE rolname LIKE "
                "'probation_desk%' ORDER BY 1",
                "SELECT g.rolname, u.rolname FROM pg_auth_members m JOIN pg_roles g ON "
                "g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member ORDER BY 1, 2",
                "SELECT relname, relacl::text, relrowsecurity, relowner FROM pg_class WHERE "
                "relnamespace = 'public'::regnamespace ORDER BY 1",
                "SELECT tablename, policyname, cmd, qual, with_check FROM pg_policies "
                "ORDER BY 1, 2",
                "SELECT tgrelid::regclass::text, tgname, oid FROM pg_trigger WHERE NOT "
                "tgisinternal ORDER BY 1, 2",
                "SELECT proname, prosrc, oid, xmin::text FROM pg_proc WHERE proname LIKE "
                "'probation_desk%' ORDER BY 1",
                "SELECT version_num FROM alembic_version",
            )]
        finally:
            con.close()

    before = snapshot()
    capsys.readouterr()
    assert admin(team.url, "init", "--json") == 0
    assert json.loads(capsys.readouterr().out) == {"changes": []}
    assert snapshot() == before


def test_add_user_connect_and_remove_user(team: Team, capsys: Any) -> None:
    login = f"new_{uuid.uuid4().hex[:6]}"
    assert admin(team.url, "add-user", login, "--role", "practitioner", "--region",
                 "London", "--password-stdin", stdin="s3cret\n") == 0
    con = team.server.connect(team.url, login, "s3cret")
    assert con.execute("SELECT count(*) FROM person").fetchone()[0] == 1  # London only
    con.close()
    with pytest.raises(psycopg.OperationalError):  # SCRAM: a wrong password is refused
        team.server.connect(team.url, login, "wrong")
    capsys.readouterr()
    assert admin(team.url, "list-users", "--json") == 0
    users = {u["login"]: u for u in json.loads(capsys.readouterr().out)}
    assert users[login]["role"] == "practitioner" and users[login]["region"] == "London"
    assert users[team.logins["admin"]]["role"] == "admin"
    assert admin(team.url, "set-role", login, "treatment-manager") == 0
    capsys.readouterr()
    assert admin(team.url, "list-users", "--json") == 0
    users = {u["login"]: u for u in json.loads(capsys.readouterr().out)}
    assert users[login]["role"] == "treatment-manager"
    assert admin(team.url, "remove-user", login) == 0
    with pytest.raises(psycopg.OperationalError) as exc:
        team.server.connect(team.url, login, "s3cret")
    assert "does not exist" in str(exc.value) or "authentication" in str(exc.value)
    assert admin(team.url, "remove-user", login) == 0  # idempotent: already gone


def test_admin_commands_refuse_sqlite_and_unknown_roles(sqlite_url: str, team: Team,
                                                        capsys: Any) -> None:
    assert admin(sqlite_url, "init") == 2
    assert "SQLite file is personal" in capsys.readouterr().err
    assert admin(team.url, "add-user", "Bad Name!", "--role", "practitioner",
                 "--region", "Wales") == 2
    assert "not a usable login name" in capsys.readouterr().err
    assert admin(team.url, "add-user", "someone", "--role", "practitioner") == 2
    assert "--region" in capsys.readouterr().err


def test_a_login_that_cannot_migrate_is_told_it_must_wait_for_it(team: Team,
                                                                  pg_server: Any) -> None:
    # Up to date: opens normally.
    desk = open_desk(team.url_of("practitioner"), clock=fixed_clock(TODAY))
    assert desk.person(team.wales).crn == "W100001"
    desk.engine.dispose()
    # Out of date (an empty database here): told that IT must upgrade it, nothing changed.
    empty = pg_server.create_db()
    with pytest.raises(DatabaseProblem) as exc:
        open_database(pg_server.login_url(empty, team.logins["practitioner"], team.password))
    assert "Ask IT to upgrade it" in str(exc.value)
    assert team.logins["practitioner"] in str(exc.value)
