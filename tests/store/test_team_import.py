"""A practitioner's import on a team database: a line the server would refuse (a person
of another region, a record for one, an NSI ending as only the sweep or a switch may end
it) is refused in words before anything is written, and the rest of the file is kept.

Before: the server refused the whole batch ("the database refused them
(ProgrammingError)") and the import stopped, losing a valid person of their own region.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.nsi import NsiFields
from probation_desk.services.desk import Desk
from probation_desk.services.lifecycle import open_database, open_desk
from probation_desk.services.transfer import export_file, import_file
from probation_desk.services.transfer.common import FORMAT_VERSION
from tests.conftest import TODAY
from tests.services.conftest import make_person
from tests.store.test_team_database import Team, admin, team  # noqa: F401 (the fixture)

pytestmark = pytest.mark.postgres
D = dt.date
HEADER = {"type": "header", "format": "probation-desk", "version": FORMAT_VERSION}


def _person(crn: str, region: str) -> dict[str, Any]:
    return {"type": "person", "crn": crn, "name": "Imported Person", "date_of_birth": None,
            "region": region, "pdu": "Somewhere", "practitioner": "PP",
            "language": "ENGLISH", "print_needs": "STANDARD"}


def _swept_nsi(tmp_path: Path, crn: str) -> dict[str, Any]:
    """An NSI ended by the sweep (AUTO_CLOSED), as an export writes it."""
    desk = Desk(open_database(f"sqlite:///{tmp_path / 'swept.sqlite3'}"), actor="Lead",
                clock=fixed_clock(D(2022, 5, 10)))
    make_person(desk, crn, region="Wales")
    desk.open_nsi(desk.person_by_crn(crn).id,
                  NsiFields("CHEMSEX", referral_date=D(2022, 5, 1)))
    desk.clock = fixed_clock(TODAY)
    assert desk.sweep().closed == 1
    export_file(desk, tmp_path / "swept.jsonl")
    desk.engine.dispose()
    lines = [json.loads(x) for x in (tmp_path / "swept.jsonl").read_text().splitlines()]
    [nsi] = [x for x in lines if x["type"] == "nsi"]
    assert nsi["outcome"] == "AUTO_CLOSED"
    return nsi


def test_a_practitioners_import_refuses_lines_the_server_would_and_keeps_the_rest(
        team: Team, tmp_path: Path) -> None:  # noqa: F811 (the fixture)
    swept = _swept_nsi(tmp_path, "W300002")
    open_nsi = dict(swept, ref="W300002/N9", status="REFERRED", actual_start=None,
                    actual_end=None, outcome=None, toolkit="MAPS",
                    referral_date="2026-10-01",
                    history=[{"status": "REFERRED", "date": "2026-10-01", "by": "PP",
                              "at": "2026-10-01T09:00:00Z", "note": None}])
    order_for_london = {"type": "order", "ref": "L100001/O77", "crn": "L100001",
                        "kind": "COMMUNITY_ORDER", "start_date": "2026-01-05",
                        "end_date": "2027-01-04", "rar_max_days": None,
                        "rar_terminated_on": None, "rar_termination_reason": None}
    lines = [HEADER, _person("W300001", "Wales"), _person("L300001", "London"),
             _person("W300002", "Wales"), swept, open_nsi, order_for_london]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")

    login = team.logins["practitioner"]
    assert admin(team.url, "set-role", login, "practitioner", "--read-all-regions") == 0
    try:
        desk = open_desk(team.url_of("practitioner"), clock=fixed_clock(TODAY))
        try:
            result = import_file(desk, path)
        finally:
            desk.engine.dispose()
    finally:
        assert admin(team.url, "set-role", login, "practitioner", "--own-region-only") == 0

    assert result.stopped is None, result.stopped
    refused = {r.line: r for r in result.refused}
    assert set(refused) == {3, 5, 7}, refused
    assert refused[3].field == "region" and "Wales" in refused[3].reason
    assert "London" in refused[3].reason
    assert refused[5].field == "outcome" and "regional lead" in refused[5].reason
    assert refused[7].field == "crn" and "London" in refused[7].reason
    assert result.accepted == 3  # W300001, W300002 and the MAPS NSI: whole, saved

    owner = open_database(team.url)
    try:
        with owner.connect() as con:
            crns = set(con.exec_driver_sql(
                "SELECT crn FROM person WHERE crn LIKE '_3%%'").scalars())
            refs = set(con.exec_driver_sql(
                "SELECT ref FROM nsi WHERE ref LIKE 'W3%%'").scalars())
    finally:
        owner.dispose()
    assert crns == {"W300001", "W300002"} and refs == {"W300002/N9"}
