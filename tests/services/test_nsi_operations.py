"""Opening, updating, closing and switching NSIs, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import func, select

from probation_desk.domain.dates import fixed_clock
from probation_desk.domain.errors import ConflictError, RuleViolation
from probation_desk.domain.nsi import NsiFields, Outcome, Status
from probation_desk.services.desk import Desk
from probation_desk.store.models import AuditEntry, Nsi, NsiStatusHistory
from tests.services.conftest import make_person

D = dt.date


def count(desk: Any, model: Any) -> int:
    with desk.engine.connect() as con:
        return int(con.execute(select(func.count()).select_from(model)).scalar() or 0)


def test_open_update_close_keeps_history_and_audit(desk: Any, person: Any, order: Any) -> None:
    n = desk.open_nsi(person.id, NsiFields("NMMOT", referral_date=D(2026, 10, 1)),
                      order_id=order.id)
    assert n.status is Status.REFERRED and n.is_open and n.fields.practitioner
    assert desk.person(person.id).open_nsis == 1
    n = desk.update_nsi(n.id, NsiFields("NMMOT", Status.IN_PROGRESS, D(2026, 10, 1),
                                        actual_start=D(2026, 10, 5), notes="Started well."),
                        n.version)
    n = desk.close_nsi(n.id, Outcome.COMPLETED, D(2026, 11, 20), n.version)
    assert n.status is Status.COMPLETED and n.outcome is Outcome.COMPLETED
    assert n.fields.actual_end == D(2026, 11, 20)
    assert [h.status for h in desk.nsi(n.id).history] == [
        Status.REFERRED, Status.IN_PROGRESS, Status.COMPLETED]
    assert desk.person(person.id).open_nsis == 0
    actions = [a.action for a in desk.audit(person.id)]
    assert actions[:3] == ["close nsi", "update nsi", "open nsi"]
    close = desk.audit(person.id)[0]
    assert close.before["status"] == "IN_PROGRESS" and close.after["status"] == "COMPLETED"
    # On PostgreSQL the server records its own login (here the test superuser), never
    # the name the client sends; a SQLite file records the configured name.
    pg = desk.engine.dialect.name == "postgresql"
    assert close.actor == ("postgres" if pg else "Test Practitioner")


def test_new_chemsex_nsi_refused_and_nothing_written(desk: Any, person: Any) -> None:
    before = (count(desk, Nsi), count(desk, AuditEntry))
    for referral in (D(2022, 5, 1), D(2026, 11, 1)):
        with pytest.raises(RuleViolation) as exc:
            desk.open_nsi(person.id, NsiFields("CHEMSEX", referral_date=referral))
        assert exc.value.rule == "toolkit-withdrawn"
        assert "Chemsex" in exc.value.message and "1 Jun 2022" in exc.value.message
        assert "approved toolkit" in exc.value.message
    assert (count(desk, Nsi), count(desk, AuditEntry)) == before


def test_historical_chemsex_import_accepted_then_swept(desk: Any, person: Any) -> None:
    n = desk.open_nsi(person.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 20)),
                      historical=True)
    assert n.overdue
    with pytest.raises(RuleViolation) as exc:
        desk.update_nsi(n.id, NsiFields("CHEMSEX", Status.IN_PROGRESS, D(2022, 5, 20),
                                        actual_start=D(2022, 5, 21)), n.version)
    assert exc.value.rule == "toolkit-close-by-passed"
    assert desk.sweep(dry_run=True).closed == 1
    assert desk.nsi(n.id).is_open  # the dry run changed nothing
    result = desk.sweep()
    assert result.closed == 1
    swept = desk.nsi(n.id)
    assert swept.outcome is Outcome.AUTO_CLOSED and swept.fields.actual_end == D(2022, 7, 29)
    assert swept.history[-1].note == "closed automatically: toolkit withdrawn"
    assert desk.person(person.id).open_nsis == 0
    assert desk.sweep().closed == 0  # idempotent
    assert any(a.action == "sweep close nsi" for a in desk.audit(person.id))


def test_in_flight_chemsex_may_finish_before_close_by(db_url: str) -> None:
    from probation_desk.services.lifecycle import open_database

    desk = Desk(open_database(db_url), actor="PP", clock=fixed_clock(D(2022, 5, 10)))
    p = make_person(desk)
    n = desk.open_nsi(p.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 1)))
    desk.clock = fixed_clock(D(2022, 7, 29))
    n = desk.update_nsi(n.id, NsiFields("CHEMSEX", Status.IN_PROGRESS, D(2022, 5, 1),
                                        actual_start=D(2022, 6, 2)), n.version)
    assert n.status is Status.IN_PROGRESS
    assert desk.sweep().closed == 0  # not yet past the close-by date
    desk.clock = fixed_clock(D(2022, 7, 30))
    closed = desk.close_nsi(n.id, Outcome.TOOLKIT_WITHDRAWN, D(2022, 7, 30), n.version)
    assert closed.outcome is Outcome.TOOLKIT_WITHDRAWN
    desk.engine.dispose()


def test_duplicate_open_nsi_refused(desk: Any, person: Any) -> None:
    desk.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 9, 1)))
    with pytest.raises(RuleViolation) as exc:
        desk.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 9, 2)))
    assert exc.value.rule == "duplicate-open-nsi" and "Maps for Change" in exc.value.message
    assert desk.person(person.id).open_nsis == 1


@pytest.mark.parametrize(("fields", "rule"), [
    (NsiFields("MAPS", referral_date=D(2026, 12, 1)), "future-date"),
    (NsiFields("MAPS", referral_date=D(2026, 9, 1), expected_start=D(2026, 8, 1)),
     "dates-out-of-order"),
    (NsiFields("MAPS", Status.ENDED, D(2026, 9, 1), actual_start=D(2026, 9, 2),
               actual_end=D(2026, 9, 3)), "end-needs-outcome"),
    (NsiFields("MAPS", referral_date=D(2026, 9, 1), notes="x" * 4001), "too-long"),
    (NsiFields("MAPS", referral_date=D(2026, 9, 1), notes="bad\x00byte"), "control-characters"),
])
def test_bad_input_refused_and_nothing_written(desk: Any, person: Any, fields: NsiFields,
                                               rule: str) -> None:
    audits = count(desk, AuditEntry)
    with pytest.raises(RuleViolation) as exc:
        desk.open_nsi(person.id, fields)
    assert exc.value.rule == rule and exc.value.message
    assert count(desk, Nsi) == 0 and count(desk, AuditEntry) == audits


def test_markup_in_notes_kept_exactly(desk: Any, person: Any) -> None:
    notes = "Said <b>'no'</b> & \"maybe\"\nnext line"
    n = desk.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 9, 1), notes=notes))
    assert desk.nsi(n.id).fields.notes == notes


def test_second_save_of_same_version_is_refused(desk: Any, person: Any) -> None:
    n = desk.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 9, 1)))
    mine = NsiFields("MAPS", referral_date=D(2026, 9, 1), notes="mine")
    theirs = NsiFields("MAPS", referral_date=D(2026, 9, 1), notes="theirs")
    desk.update_nsi(n.id, theirs, n.version)
    with pytest.raises(RuleViolation) as exc:
        desk.update_nsi(n.id, mine, n.version)
    assert exc.value.rule == "changed-by-someone-else" and "reload" in exc.value.message
    assert desk.nsi(n.id).fields.notes == "theirs"


def test_switch_toolkit_in_one_step(desk: Any, person: Any) -> None:
    old = desk.open_nsi(person.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 2),
                                             notes="Session 1 & 2 done"), historical=True)
    closed, new = desk.switch_toolkit(old.id, "CPC", old.version)
    assert closed.outcome is Outcome.TRANSFERRED and not closed.is_open
    assert new.fields.toolkit == "CPC" and new.previous_nsi_id == old.id and new.is_open
    assert "Session 1 & 2 done" in (new.fields.notes or "")
    assert "Chemsex" in (new.fields.notes or "")
    assert desk.person(person.id).open_nsis == 1
    with pytest.raises(RuleViolation) as exc:
        desk.switch_toolkit(new.id, "CHEMSEX", new.version)
    assert exc.value.rule == "toolkit-withdrawn"


def test_switch_failure_rolls_back_both_halves(desk: Any, person: Any) -> None:
    desk.open_nsi(person.id, NsiFields("CPC", referral_date=D(2026, 9, 1)))
    old = desk.open_nsi(person.id, NsiFields("CHEMSEX", referral_date=D(2022, 5, 2)),
                        historical=True)
    with pytest.raises(RuleViolation) as exc:
        desk.switch_toolkit(old.id, "CPC", old.version)  # CPC already open: duplicate
    assert exc.value.rule == "duplicate-open-nsi"
    assert desk.nsi(old.id).is_open  # the close half was rolled back too
    assert desk.person(person.id).open_nsis == 2


def test_status_history_counts_in_database(desk: Any, person: Any) -> None:
    n = desk.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 9, 1)))
    desk.close_nsi(n.id, Outcome.NOT_SUITABLE, D(2026, 9, 10), n.version)
    assert count(desk, NsiStatusHistory) == 2


def test_sweep_audit_rows_hold_before_and_after_values(desk: Any, person: Any) -> None:
    n = desk.open_nsi(person.id, NsiFields("CHEMSEX", Status.IN_PROGRESS, D(2022, 5, 2),
                                           actual_start=D(2022, 5, 3)), historical=True)
    desk.sweep()
    entry = next(a for a in desk.audit(person.id) if a.action == "sweep close nsi")
    assert entry.entity_id == n.id
    assert entry.before == {"status": "IN_PROGRESS", "active": True}
    assert entry.after["outcome"] == "AUTO_CLOSED" and entry.after["actual_end"] == "2022-07-29"


@pytest.mark.parametrize(("crn", "name", "rule"), [
    ("X12345", "A Person", "invalid-crn"),
    ("XX23456", "A Person", "invalid-crn"),
    ("X123456", "", "required"),
    ("X123456", "Bad\x1bname", "control-characters"),
])
def test_bad_person_refused_and_nothing_written(desk: Any, crn: str, name: str,
                                                rule: str) -> None:
    from probation_desk.domain.people import PersonDetails
    from probation_desk.store.models import Person

    with pytest.raises(RuleViolation) as exc:
        desk.add_person(PersonDetails(crn, name, None, "London", "Hackney", "PP"))
    assert exc.value.rule == rule
    assert count(desk, Person) == 0 and count(desk, AuditEntry) == 0


def test_duplicate_crn_refused(desk: Any, person: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        make_person(desk, crn=person.crn.lower(), name="Someone Else")
    assert exc.value.rule == "duplicate-crn"
    assert desk.person(person.id).name == person.name


def test_stale_person_save_is_refused_naming_who_saved(desk: Any, person: Any) -> None:
    from probation_desk.domain.people import PersonDetails
    from probation_desk.services.desk import Desk

    other = Desk(desk.engine, actor="Another Practitioner", clock=desk.clock)
    details = PersonDetails(person.crn, person.name, person.date_of_birth, person.region,
                            person.pdu, "New PP")
    saved = other.update_person(person.id, details, person.version)
    assert saved.version == person.version + 1
    with pytest.raises(ConflictError) as exc:
        desk.update_person(person.id, replace(details, practitioner="Mine"), person.version)
    # On a team database the server itself records its login (not the name typed).
    by = "postgres" if desk.engine.dialect.name == "postgresql" else "Another Practitioner"
    assert exc.value.by == by
    assert f"changed by someone else ({by} at " in exc.value.message
    assert desk.person(person.id).practitioner == "New PP"
    assert desk.update_person(person.id, replace(details, practitioner="Mine"),
                              saved.version).practitioner == "Mine"
