"""Contacts, appointments and RAR requirements as operations, on SQLite and PostgreSQL.

The clock is injected and moved forward, so an appointment booked for tomorrow can
have its outcome recorded once tomorrow comes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from probation_desk.domain.contacts import ContactDetails
from probation_desk.domain.errors import ConflictError, RuleViolation
from probation_desk.domain.module import ModuleSession, SupporterRole
from probation_desk.domain.nsi import NsiFields, Outcome
from probation_desk.domain.people import OrderDetails, OrderKind
from probation_desk.services.desk import Desk

D, T = dt.date, dt.datetime


class Clock:
    """A clock a test can move on."""

    def __init__(self, now: dt.datetime) -> None:
        self.at = now

    def today(self) -> dt.date:
        return self.at.date()

    def now(self) -> dt.datetime:
        return self.at


@pytest.fixture
def clock() -> Clock:
    return Clock(T(2026, 11, 22, 9, 0))


@pytest.fixture
def timed(desk: Any, clock: Clock) -> Desk:
    return Desk(desk.engine, actor="Test Practitioner", clock=clock.today, now=clock.now)


def book(desk: Desk, person: Any, order: Any, at: dt.datetime, **kw: Any) -> Any:
    return desk.add_contact(person.id, ContactDetails("OFFICE_VISIT", at, order.id,
                                                      rar=True, **kw))


def summary(desk: Desk, person: Any) -> Any:
    (view,) = desk.rar(person.id)
    return view.summary


def test_book_then_outcomes_move_the_rar_count(timed: Desk, clock: Clock, person: Any,
                                               order: Any) -> None:
    a, b, c = (book(timed, person, order, T(2026, 11, d, 10, 0)) for d in (23, 24, 25))
    assert summary(timed, person).booked_text == "0 of 20 RAR days completed, 3 booked"
    with pytest.raises(RuleViolation) as exc:
        timed.record_outcome(a.id, "ATTENDED_COMPLIED")
    assert exc.value.rule == "outcome-too-early"
    clock.at = T(2026, 11, 25, 17, 0)
    timed.record_outcome(a.id, "ATTENDED_COMPLIED")
    timed.record_outcome(b.id, "ATTENDED_FAILED_TO_COMPLY")
    done = timed.record_outcome(c.id, "ACCEPTABLE_ABSENCE", "MEDICAL")
    assert done.outcome_text == "Acceptable absence (medical)"
    s = summary(timed, person)
    assert s.booked_text == "2 of 20 RAR days completed, 0 booked"
    assert [d.on for d in s.counted] == [D(2026, 11, 23), D(2026, 11, 24)]
    actions = [x.action for x in timed.audit(person.id)]
    assert actions.count("record contact outcome") == 3 and "add contact" in actions


def test_rar_flag_refused_without_a_rar_requirement(timed: Desk, person: Any) -> None:
    plain = timed.add_order(person.id, OrderDetails(OrderKind.LICENCE, D(2026, 1, 1),
                                                    D(2027, 1, 1)))
    with pytest.raises(RuleViolation) as exc:
        book(timed, person, plain, T(2026, 11, 23, 10))
    assert exc.value.rule == "rar-needs-requirement"
    assert timed.contacts(person.id) == []


def test_contact_via_nsi_counts_for_the_nsis_order(timed: Desk, clock: Clock, person: Any,
                                                   order: Any) -> None:
    n = timed.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 11, 1)),
                       order_id=order.id)
    c = timed.add_contact(person.id, ContactDetails("TOOLKIT_SESSION", T(2026, 11, 22, 8),
                                                    nsi_id=n.id, rar=True))
    assert c.order_id == order.id
    timed.record_outcome(c.id, "ATTENDED_COMPLIED")
    assert summary(timed, person).days_completed == 1


def test_closing_an_nsi_cancels_its_future_appointments(timed: Desk, person: Any,
                                                        order: Any) -> None:
    n = timed.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 11, 1)),
                       order_id=order.id)
    past = timed.add_contact(person.id, ContactDetails("TOOLKIT_SESSION", T(2026, 11, 21, 9),
                                                       nsi_id=n.id, rar=True))
    future = timed.add_contact(person.id, ContactDetails("TOOLKIT_SESSION",
                                                         T(2026, 11, 29, 9), nsi_id=n.id,
                                                         rar=True))
    assert timed.future_appointments(n.id) == 1
    assert summary(timed, person).booked_days == 1
    timed.close_nsi(n.id, Outcome.COMPLETED, D(2026, 11, 22), n.version)
    after = {c.id: c for c in timed.contacts(person.id)}
    assert after[future.id].cancelled_on == D(2026, 11, 22)
    assert after[future.id].outcome_text.startswith("Cancelled on 22/11/2026")
    assert after[past.id].cancelled_on is None
    assert summary(timed, person).booked_days == 0
    audit = [x for x in timed.audit(person.id) if x.action == "cancel appointment"]
    assert [x.entity_id for x in audit] == [future.id]


def test_switch_toolkit_cancels_future_appointments_too(timed: Desk, person: Any,
                                                        order: Any) -> None:
    n = timed.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 11, 1)),
                       order_id=order.id)
    f = timed.add_contact(person.id, ContactDetails("TOOLKIT_SESSION", T(2026, 12, 1, 9),
                                                    nsi_id=n.id))
    timed.switch_toolkit(n.id, "NMMOT", n.version)
    assert timed.contact(f.id).cancelled_on is not None


def test_edit_within_seven_days_then_only_a_correction(timed: Desk, clock: Clock,
                                                       person: Any, order: Any) -> None:
    c = book(timed, person, order, T(2026, 11, 20, 10), notes="first")
    timed.record_outcome(c.id, "ATTENDED_COMPLIED")
    timed.record_outcome(c.id, "UNACCEPTABLE_ABSENCE", notes="did not come")
    assert timed.contact(c.id).notes == "did not come"
    clock.at = T(2026, 11, 28, 9)
    with pytest.raises(RuleViolation) as exc:
        timed.record_outcome(c.id, "ATTENDED_COMPLIED")
    assert exc.value.rule == "edit-window-passed" and "27/11/2026" in exc.value.message
    with pytest.raises(RuleViolation):
        timed.edit_contact_notes(c.id, "changed")
    fixed = timed.add_correction(c.id, "Absence was agreed beforehand by phone.")
    assert fixed.notes == "did not come" and fixed.outcome is not None
    assert fixed.outcome.code == "UNACCEPTABLE_ABSENCE"
    assert [k.text for k in fixed.corrections] == ["Absence was agreed beforehand by phone."]


def test_two_saves_of_one_contact_second_is_told(timed: Desk, person: Any,
                                                 order: Any) -> None:
    c = book(timed, person, order, T(2026, 11, 21, 10))
    timed.record_outcome(c.id, "ATTENDED_COMPLIED", expected_version=c.version)
    with pytest.raises(ConflictError):
        timed.record_outcome(c.id, "UNACCEPTABLE_ABSENCE", expected_version=c.version)
    got = timed.contact(c.id).outcome
    assert got is not None and got.code == "ATTENDED_COMPLIED"


def test_failures_to_comply_review_at_two(timed: Desk, person: Any, order: Any) -> None:
    for day, outcome in ((1, "ATTENDED_FAILED_TO_COMPLY"), (8, "ATTENDED_COMPLIED")):
        timed.record_outcome(book(timed, person, order, T(2026, 11, day, 10)).id, outcome)
    assert not timed.enforcement(person.id).review
    timed.record_outcome(book(timed, person, order, T(2026, 11, 15, 10)).id,
                         "UNACCEPTABLE_ABSENCE")
    e = timed.enforcement(person.id)
    assert e.review and e.text.startswith("Review enforcement: 2 failures to comply")


def test_terminate_requirement(timed: Desk, person: Any, order: Any) -> None:
    c = book(timed, person, order, T(2026, 11, 10, 10))
    timed.record_outcome(c.id, "ATTENDED_COMPLIED")
    later = book(timed, person, order, T(2026, 11, 30, 10))
    n = timed.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 11, 1)),
                       order_id=order.id)
    with pytest.raises(RuleViolation) as exc:
        timed.terminate_requirement(order.id, D(2026, 11, 15), "Revoked")
    assert exc.value.rule == "open-nsis-on-requirement"
    timed.close_nsi(n.id, Outcome.COMPLETED, D(2026, 11, 15), n.version)
    timed.terminate_requirement(order.id, D(2026, 11, 15), "Revoked by the court")
    s = summary(timed, person)
    assert (s.days_completed, s.booked_days) == (1, 0)
    (view,) = timed.orders(person.id)
    assert view.rar_terminated_on == D(2026, 11, 15)
    assert timed.contact(later.id).cancelled_on is None  # kept, just no longer counted
    with pytest.raises(RuleViolation) as exc:
        timed.open_nsi(person.id, NsiFields("NMMOT", referral_date=D(2026, 11, 1)),
                       order_id=order.id)
    assert exc.value.rule == "requirement-terminated"


def test_withdrawn_completion_takes_the_module_day_back(timed: Desk, person: Any,
                                                        order: Any) -> None:
    timed.record_session(person.id, ModuleSession(D(2026, 11, 2), SupporterRole.PP, "Ŵyn",
                                                  True))
    assert summary(timed, person).module_days == 1
    (session_id,) = [s.id for s, _ in timed.module_state(person.id).sessions]
    assert session_id is not None
    state, change = timed.withdraw_session(session_id, "Recorded on the wrong person")
    assert not state.ready_for_si and change is not None and "no longer" in change
    assert summary(timed, person).module_days == 0
    assert timed.person(person.id).module_status == "NOT_STARTED"
    entries = [e.text for e in timed.timeline(person.id)]
    assert any("withdrawn on 22/11/2026" in t for t in entries)


def test_edit_session_and_order(timed: Desk, person: Any, order: Any) -> None:
    timed.record_session(person.id, ModuleSession(D(2026, 11, 2), SupporterRole.PP, "Ŵyn"))
    (sid,) = [s.id for s, _ in timed.module_state(person.id).sessions]
    assert sid is not None
    state, change = timed.edit_session(sid, ModuleSession(D(2026, 11, 3), SupporterRole.PP,
                                                          "Ŵyn", True))
    assert state.completed_on == D(2026, 11, 3) and change is not None
    changed = timed.update_order(order.id, OrderDetails(OrderKind.COMMUNITY_ORDER,
                                                        D(2022, 1, 10), D(2027, 1, 9), 30))
    assert changed.rar_max_days == 30 and summary(timed, person).max_days == 30
    with pytest.raises(RuleViolation):
        timed.update_order(order.id, OrderDetails(OrderKind.COMMUNITY_ORDER,
                                                  D(2022, 1, 10), D(2027, 1, 9), 366))


def test_timeline_newest_first_with_rar_in_words(timed: Desk, person: Any,
                                                 order: Any) -> None:
    book(timed, person, order, T(2026, 11, 20, 10))
    timed.add_contact(person.id, ContactDetails("TELEPHONE", T(2026, 11, 21, 10)))
    timed.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 11, 1)))
    entries = timed.timeline(person.id)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert entries[0].text.startswith("Telephone contact")
    assert entries[1].text.startswith("RAR: Office visit") and entries[1].rar
    assert entries[-1].kind == "NSI"


def test_a_session_edited_from_an_old_copy_is_refused_and_every_version_is_audited(
        timed: Desk, person: Any, order: Any) -> None:
    first = ModuleSession(D(2026, 11, 2), SupporterRole.PP, "Ŵyn")
    timed.record_session(person.id, first)
    ((seen, _kind),) = timed.module_state(person.id).sessions
    done = ModuleSession(D(2026, 11, 2), SupporterRole.PP, "Ŵyn", True, "Finished.")
    state, change = timed.edit_session(seen.id, done, seen)
    assert state.completed_on == D(2026, 11, 2) and summary(timed, person).module_days == 1
    assert change is not None and "may start" in change
    # A second editor still holding the first version: refused, nothing overwritten.
    with pytest.raises(ConflictError) as exc:
        timed.edit_session(seen.id, ModuleSession(D(2026, 11, 5), SupporterRole.PP, "Ŵyn"),
                           seen)
    assert exc.value.rule == "changed-by-someone-else"
    assert timed.module_state(person.id).completed_on == D(2026, 11, 2)
    edits = [a for a in timed.audit(person.id) if a.action == "edit module session"]
    assert len(edits) == 1 and edits[0].before is not None and edits[0].after is not None
    assert (edits[0].before["completed"], edits[0].after["completed"]) == (False, True)
    assert edits[0].after["notes"] == "Finished."
