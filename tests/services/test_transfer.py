"""Export, import and the demo caseload: same rules, line-numbered refusals, round trips."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from probation_desk.domain.dates import fixed_clock
from probation_desk.services.demo import load_demo
from probation_desk.services.desk import Desk
from probation_desk.services.transfer import export_file, import_file
from probation_desk.store.engine import open_database
from probation_desk.store.models import Nsi, Person

D = dt.date


def strip_audit_free(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_demo_export_import_export_round_trip(desk: Any, tmp_path: Path,
                                              sqlite_url: str) -> None:
    result = load_demo(desk, 60, seed=7)
    assert result.refused == [] and result.stopped is None
    first = tmp_path / "first.jsonl"
    export_file(desk, first)
    other = Desk(open_database(sqlite_url), actor="Other", clock=fixed_clock(desk.today))
    imported = import_file(other, first)
    assert imported.refused == [] and imported.accepted == result.accepted
    second = tmp_path / "second.jsonl"
    export_file(other, second)
    assert strip_audit_free(first) == strip_audit_free(second)
    assert desk.person_by_crn("A000007").open_nsis == other.person_by_crn("A000007").open_nsis
    other.engine.dispose()


def test_demo_is_deterministic_for_a_seed(tmp_path: Path) -> None:
    from probation_desk.domain.catalogue import load_catalogue
    from probation_desk.services.demo import demo_records

    a = [r for _, r in demo_records(30, 3, load_catalogue())]
    b = [r for _, r in demo_records(30, 3, load_catalogue())]
    c = [r for _, r in demo_records(30, 4, load_catalogue())]
    assert a == b and a != c
    regions = {r["region"] for _, r in demo_records(24, 1, load_catalogue())
               if r["type"] == "person"}
    assert len(regions) == 12


def test_demo_has_in_flight_chemsex_for_the_sweep(desk: Any) -> None:
    load_demo(desk, 400, seed=2)
    with desk.engine.connect() as con:
        open_chemsex = con.execute(select(func.count()).select_from(Nsi).where(
            Nsi.toolkit == "CHEMSEX", Nsi.active.is_(True))).scalar()
        statuses = set(con.execute(select(Nsi.status).distinct()).scalars())
        names = list(con.execute(select(Person.name)).scalars())
    assert open_chemsex and open_chemsex > 0
    assert statuses == {"REFERRED", "IN_PROGRESS", "COMPLETED", "ENDED"}
    assert any(any(ch in n for ch in "ŵŷâŴ") for n in names)
    assert desk.sweep().closed == open_chemsex


def write_lines(path: Path, records: list[Any]) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in records) + "\n", encoding="utf-8")
    return path


def test_import_refuses_bad_records_with_line_numbers(desk: Any, tmp_path: Path) -> None:
    person = {"type": "person", "crn": "K100200", "name": "Gwenllïan <Jones> & Co",
              "region": "Wales", "pdu": "Swansea", "practitioner": "PP"}
    recs = [
        person,
        {"type": "person", "crn": "bad", "name": "X", "region": "Wales", "pdu": "S",
         "practitioner": "PP"},
        "{not json",
        {"type": "nsi", "ref": "K100200/N1", "crn": "K100200", "toolkit": "CHEMSEX",
         "status": "REFERRED", "referral_date": "2022-07-01"},
        {"type": "nsi", "ref": "K100200/N2", "crn": "K100200", "toolkit": "CHEMSEX",
         "status": "IN_PROGRESS", "referral_date": "2022-05-01", "actual_start": "2022-05-03"},
        {"type": "nsi", "ref": "K100200/N3", "crn": "K100200", "toolkit": "MAPS",
         "status": "REFERRED", "referral_date": "2022-05-01", "notes": "y" * 4001},
        {"type": "module_session", "crn": "K100200", "date": "2022-06-01",
         "supporter_role": "PP", "supporter_name": "PP"},
        {"type": "nsi", "ref": "K100200/N4", "crn": "Z999999", "toolkit": "MAPS",
         "status": "REFERRED", "referral_date": "2022-05-01"},
        {"type": "spaceship"},
    ]
    result = import_file(desk, write_lines(tmp_path / "in.jsonl", recs))
    refused = {r.line: r.rule for r in result.refused}
    assert refused == {2: "invalid-crn", 3: "bad-json", 4: "toolkit-withdrawn",
                       6: "too-long", 7: "module-not-available", 8: "unknown-person",
                       9: "unknown-type"}
    assert result.accepted == 2
    p = desk.person_by_crn("K100200")
    assert p.name == "Gwenllïan <Jones> & Co" and p.open_nsis == 1
    assert [n.fields.toolkit for n in desk.nsis(p.id)] == ["CHEMSEX"]


def test_import_of_a_duplicate_person_changes_nothing(desk: Any, tmp_path: Path) -> None:
    rec = {"type": "person", "crn": "K100200", "name": "A", "region": "London",
           "pdu": "Hackney", "practitioner": "PP"}
    import_file(desk, write_lines(tmp_path / "a.jsonl", [rec]))
    again = import_file(desk, write_lines(tmp_path / "b.jsonl", [rec | {"name": "B"}]))
    assert [r.rule for r in again.refused] == ["duplicate-crn"]
    assert desk.person_by_crn("K100200").name == "A"
