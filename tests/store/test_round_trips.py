"""Round trips to a team database: counted exactly through the proxy (``tests.netproxy``).

Each request-and-answer to the server is a round trip: at a 30 ms distance it is 30 ms
of waiting, whatever the machine. The counts below are what the actions take now; a
change that adds a round trip to one of them fails here, so it is a decision, not an
accident.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from probation_desk.cli import main
from tests.netproxy import DelayProxy

pytestmark = pytest.mark.postgres

PASSWORD = "round trips password"


@pytest.fixture(scope="module")
def team(pg_server: Any) -> Iterator[dict[str, Any]]:
    """A demo team database with a practitioner's login in the first person's region."""
    url = str(pg_server.create_db())
    assert main(["demo", "--cases", "40", "--seed", "7", "--db", url]) == 0
    assert main(["--db", url, "admin", "init"]) == 0
    engine = create_engine(url)
    with engine.connect() as con:
        row = con.execute(text(
            "SELECT p.id, p.crn, p.region FROM person p WHERE EXISTS (SELECT 1 FROM nsi n "
            "WHERE n.person_id = p.id) AND EXISTS (SELECT 1 FROM contact c WHERE "
            "c.person_id = p.id) ORDER BY p.id LIMIT 1")).mappings().one()
    engine.dispose()
    old = sys.stdin
    sys.stdin = io.StringIO(PASSWORD + "\n")
    try:
        assert main(["--db", url, "admin", "add-user", "pp_trips", "--role",
                     "practitioner", "--region", row["region"], "--password-stdin"]) == 0
    finally:
        sys.stdin = old
    yield {"url": url, "practitioner": pg_server.login_url(url, "pp_trips", PASSWORD),
           **row}


@pytest.fixture
def proxy(pg_server: Any) -> Iterator[DelayProxy]:
    with DelayProxy("127.0.0.1", pg_server.port) as p:
        yield p


def test_connecting_as_the_window_does_takes_7_round_trips(
        team: dict[str, Any], proxy: DelayProxy) -> None:
    from probation_desk.services.changes import ChangeWatcher
    from probation_desk.services.lifecycle import open_desk
    from probation_desk.services.queries import has_people

    proxy.reset_counts()
    desk = open_desk(proxy.url(team["url"]), backup=False)
    assert has_people(desk)
    watcher = ChangeWatcher(desk.engine)
    try:
        # The desk's one pooled connection and the watcher's own: nothing else.
        assert proxy.new_connections() == 2
        assert proxy.round_trips() <= 7  # the goal is 8
    finally:
        watcher.close()
        desk.engine.dispose()


def test_reads_take_no_transaction_round_trips(team: dict[str, Any],
                                               proxy: DelayProxy) -> None:
    from probation_desk.services.caseload_search import CaseloadSearcher
    from probation_desk.services.caseload_sql import CaseloadFilter
    from probation_desk.services.lifecycle import open_desk

    desk = open_desk(proxy.url(team["url"]), backup=False)
    try:
        proxy.reset_counts()
        assert desk.person(team["id"]).crn == team["crn"]
        assert proxy.round_trips() == 1  # no BEGIN before it, no ROLLBACK after
        proxy.reset_counts()
        found = CaseloadSearcher().search(desk, CaseloadFilter(search=team["crn"]), "crn",
                                          False, 200)
        assert team["id"] in found.ids
        assert proxy.round_trips() <= 2
    finally:
        desk.engine.dispose()


@pytest.mark.parametrize(("command", "most"), [("rar", 10), ("contact add", 14)])
def test_whole_commands_as_a_practitioner(team: dict[str, Any], proxy: DelayProxy,
                                          capsys: pytest.CaptureFixture[str], command: str,
                                          most: int) -> None:
    args = ["--db", proxy.url(team["practitioner"]), *command.split(), "--crn",
            team["crn"], "--type", "OFFICE_VISIT", "--at", "2030-01-07T10:00"] \
        if command == "contact add" else ["--db", proxy.url(team["practitioner"]), "rar",
                                          team["crn"]]
    proxy.reset_counts()
    assert main(args) == 0, capsys.readouterr().err
    assert proxy.new_connections() == 1  # sign-in included, on the one connection
    assert proxy.round_trips() <= most
