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
from probation_desk.services.import_format import Person as Person_
from probation_desk.services.lifecycle import open_database
from probation_desk.services.transfer import export_file, import_file
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
    regions = {r.region for _, r in demo_records(24, 1, load_catalogue())
               if isinstance(r, Person_)}
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


HEADER = {"type": "header", "format": "probation-desk", "version": 2}


def write_lines(path: Path, records: list[Any], header: bool = True) -> Path:
    """A file with the header first (lines are then numbered from 2)."""
    lines = ([HEADER] if header else []) + records
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
                              for r in lines) + "\n", encoding="utf-8")
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
        {"type": "module_session", "ref": "K100200/S1", "crn": "K100200",
         "date": "2022-06-01", "supporter_role": "PP", "supporter_name": "PP"},
        {"type": "nsi", "ref": "K100200/N4", "crn": "Z999999", "toolkit": "MAPS",
         "status": "REFERRED", "referral_date": "2022-05-01"},
        {"type": "spaceship"},
    ]
    for rec in recs:
        if isinstance(rec, dict) and rec["type"] == "nsi":
            rec["history"] = [{"status": rec["status"], "date": rec["referral_date"]}]
    recs[4]["history"].insert(0, {"status": "REFERRED", "date": "2022-05-01"})
    result = import_file(desk, write_lines(tmp_path / "in.jsonl", recs))
    refused = {r.line - 1: r.rule for r in result.refused}
    assert refused == {2: "invalid-crn", 3: "bad-json", 4: "toolkit-withdrawn",
                       6: "too-long", 7: "module-not-available", 8: "unknown-person",
                       9: "unknown-type"}
    assert result.accepted == 2
    p = desk.person_by_crn("K100200")
    assert p.name == "Gwenllïan <Jones> & Co" and p.open_nsis == 1
    assert [n.fields.toolkit for n in desk.nsis(p.id)] == ["CHEMSEX"]


def test_import_of_a_known_person_changes_nothing(desk: Any, tmp_path: Path) -> None:
    rec = {"type": "person", "crn": "K100200", "name": "A", "region": "London",
           "pdu": "Hackney", "practitioner": "PP"}
    import_file(desk, write_lines(tmp_path / "a.jsonl", [rec]))
    same = import_file(desk, write_lines(tmp_path / "b.jsonl", [rec]))
    assert same.accepted == 0 and same.already_present == 1 and same.refused == []
    again = import_file(desk, write_lines(tmp_path / "c.jsonl", [rec | {"name": "B"}]))
    assert [(r.rule, r.field) for r in again.refused] == [("conflicting-change", "name")]
    assert "K100200" in again.refused[0].reason and "name" in again.refused[0].reason
    assert desk.person_by_crn("K100200").name == "A"


def test_contacts_round_trip_and_older_activity_lines(desk: Any, tmp_path: Path,
                                                      sqlite_url: str) -> None:
    """Contacts (outcomes, cancellations, corrections), terminations and withdrawn sessions
    survive export -> import -> export unchanged; an older ``activity`` line still imports."""
    from probation_desk.domain.contacts import ContactDetails
    from probation_desk.domain.module import ModuleSession, SupporterRole
    from probation_desk.domain.nsi import NsiFields, Outcome
    from probation_desk.domain.people import OrderDetails, OrderKind, PersonDetails

    T = dt.datetime
    p = desk.add_person(PersonDetails("X123456", "Siân Llŷr", None, "Wales", "Cardiff", "PP"))
    o = desk.add_order(p.id, OrderDetails(OrderKind.COMMUNITY_ORDER, D(2026, 1, 1),
                                          D(2027, 12, 31), 20))
    o2 = desk.add_order(p.id, OrderDetails(OrderKind.SUSPENDED_SENTENCE, D(2025, 1, 1),
                                           D(2027, 12, 31), 10))
    desk.terminate_requirement(o2.id, D(2026, 6, 1), "Revoked – re-sentenced")
    n = desk.open_nsi(p.id, NsiFields("MAPS", referral_date=D(2026, 11, 1)), order_id=o.id)
    c = desk.add_contact(p.id, ContactDetails("OFFICE_VISIT", T(2026, 11, 2, 10), o.id,
                                              rar=True, notes="Notes «quoted» ŵ"))
    desk.record_outcome(c.id, "ACCEPTABLE_ABSENCE", "RELIGIOUS")
    desk.add_correction(c.id, "It was a holy day.")
    desk.add_contact(p.id, ContactDetails("TOOLKIT_SESSION", T(2026, 12, 20, 14, 30),
                                          nsi_id=n.id, rar=True))
    desk.close_nsi(n.id, Outcome.COMPLETED, D(2026, 11, 20), n.version)
    desk.record_session(p.id, ModuleSession(D(2026, 10, 1), SupporterRole.PP, "Ŵyn", True))
    (sid,) = [s.id for s, _ in desk.module_state(p.id).sessions]
    desk.withdraw_session(sid, "Wrong person")
    first = tmp_path / "first.jsonl"
    export_file(desk, first)
    kinds = [json.loads(line)["type"] for line in strip_audit_free(first)]
    assert kinds.count("contact") == 2 and "activity" not in kinds
    other = Desk(open_database(sqlite_url), actor="Other", clock=fixed_clock(desk.today))
    imported = import_file(other, first)
    assert imported.refused == []
    second = tmp_path / "second.jsonl"
    export_file(other, second)
    assert strip_audit_free(first) == strip_audit_free(second)
    (view,) = [v for v in other.contacts(other.person_by_crn("X123456").id)
               if v.corrections]
    assert view.outcome_text == "Acceptable absence (religious)"
    # An older file's activity line: a past contact that counts, as the migration maps it.
    old = tmp_path / "old.jsonl"
    old.write_text("\n".join(json.dumps(r) for r in [
        {"type": "header", "format": "probation-desk", "version": 1},
        {"type": "person", "crn": "Y000001", "name": "A", "region": "Wales", "pdu": "Rhyl",
         "practitioner": "PP"},
        {"type": "order", "ref": "Y000001/O1", "crn": "Y000001", "kind": "LICENCE",
         "start_date": "2026-01-01", "end_date": "2026-12-31", "rar_max_days": 5},
        {"type": "activity", "crn": "Y000001", "order": "Y000001/O1", "date": "2026-03-02",
         "rar_activity": True, "attended": True, "description": "Group"},
        {"type": "activity", "crn": "Y000001", "order": "Y000001/O1", "date": "2026-03-03",
         "rar_activity": "yes"},
    ]) + "\n", encoding="utf-8")
    res = import_file(other, old)
    assert [r.line for r in res.refused] == [5]
    y = other.person_by_crn("Y000001")
    assert other.rar(y.id)[0].summary.days_completed == 1
    assert other.contacts(y.id)[0].outcome_text == "Attended – complied"
    other.engine.dispose()


def test_demo_books_rar_appointments_ahead_and_history_is_the_practitioners(
        desk: Any) -> None:
    from probation_desk.domain.catalogue import load_catalogue
    from probation_desk.services.demo import demo_records
    from probation_desk.services.import_format import Contact as Contact_
    from probation_desk.store.models import Contact, NsiStatusHistory

    # Booked appointments come from their own random stream: everything else is the same.
    plain = [r for _, r in demo_records(40, 3, load_catalogue())]
    booked = [r for _, r in demo_records(40, 3, load_catalogue(), D(2026, 11, 22))]
    ahead = [r for r in booked if isinstance(r, Contact_) and r.at.date() > D(2026, 11, 22)]
    assert ahead and [r for r in booked if r not in ahead] == plain
    assert all(r.outcome is None and r.rar_activity for r in ahead)

    result = load_demo(desk, 300, seed=4)
    assert result.refused == []
    with desk.engine.connect() as con:
        future = con.execute(select(Contact.person_id).where(
            Contact.at > dt.datetime.combine(desk.today, dt.time(23, 59)))).scalars().all()
        wrong = con.execute(select(func.count()).select_from(NsiStatusHistory)
                            .join(Nsi, Nsi.id == NsiStatusHistory.nsi_id)
                            .where(NsiStatusHistory.recorded_by != Nsi.practitioner)).scalar()
    assert future and wrong == 0  # no history "recorded by" whoever loaded the demo
    (view,) = [v for v in desk.rar(future[0]) if v.summary.booked_days]
    assert 1 <= view.summary.booked_days <= 3
