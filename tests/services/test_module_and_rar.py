"""The Pre-Intervention Module, RAR day counting and Structured Intervention starts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.interventions import NeedArea
from probation_desk.domain.module import ModuleSession, ModuleStatus, SupporterRole

D = dt.date


def session(on: dt.date, completed: bool = False,
            role: SupporterRole = SupporterRole.PP) -> ModuleSession:
    return ModuleSession(on, role, "Ŵyn Price", completed, "Talked about barriers & hopes")


def rar_of(desk: Any, person: Any) -> Any:
    (view,) = desk.rar(person.id)
    return view.summary


def test_completion_counts_one_rar_day_and_revisits_none(desk: Any, person: Any,
                                                          order: Any) -> None:
    desk.record_activity(person.id, D(2026, 9, 1), order_id=order.id)
    desk.record_activity(person.id, D(2026, 9, 1), order_id=order.id)  # same date: one day
    desk.record_activity(person.id, D(2026, 9, 2), order_id=order.id, attended=False)
    desk.record_activity(person.id, D(2026, 9, 3), order_id=order.id, rar_activity=False)
    assert rar_of(desk, person).days_completed == 1
    desk.record_session(person.id, session(D(2026, 9, 8)))
    assert rar_of(desk, person).days_completed == 1  # not completed yet: no day
    state = desk.record_session(person.id, session(D(2026, 9, 15), completed=True,
                                                   role=SupporterRole.PEER_MENTOR))
    assert state.status is ModuleStatus.COMPLETED and state.completed_on == D(2026, 9, 15)
    summary = rar_of(desk, person)
    assert (summary.days_completed, summary.module_days) == (2, 1)
    for day in (D(2026, 10, 1), D(2026, 10, 20), D(2026, 11, 2)):
        state = desk.record_session(person.id, session(day, completed=True))
    assert state.status is ModuleStatus.REVISITED and len(state.revisits) == 3
    assert state.completed_on == D(2026, 9, 15)
    assert rar_of(desk, person).days_completed == 2
    assert rar_of(desk, person).text == "2 of 20 RAR days completed"
    assert desk.person(person.id).module_status == "REVISITED"


def test_completion_on_a_day_with_activity_adds_nothing(desk: Any, person: Any,
                                                        order: Any) -> None:
    desk.record_activity(person.id, D(2026, 9, 15), order_id=order.id)
    desk.record_session(person.id, session(D(2026, 9, 15), completed=True))
    summary = rar_of(desk, person)
    assert (summary.days_completed, summary.module_days) == (1, 0)


def test_activity_linked_through_an_nsi_counts(desk: Any, person: Any, order: Any) -> None:
    from probation_desk.domain.nsi import NsiFields

    n = desk.open_nsi(person.id, NsiFields("MAPS", referral_date=D(2026, 9, 1)),
                      order_id=order.id)
    desk.record_activity(person.id, D(2026, 9, 4), order_id=None, nsi_id=n.id)
    # Not linked to a RAR requirement: the RAR flag itself is refused now (nDelius).
    with pytest.raises(RuleViolation) as exc:
        desk.record_activity(person.id, D(2026, 9, 5), order_id=None)
    assert exc.value.rule == "rar-needs-requirement"
    assert rar_of(desk, person).days_completed == 1


def test_over_maximum_is_flagged(desk: Any, person: Any) -> None:
    from probation_desk.domain.people import OrderDetails, OrderKind

    o = desk.add_order(person.id, OrderDetails(OrderKind.SUSPENDED_SENTENCE, D(2026, 1, 1),
                                               D(2026, 12, 31), 2))
    for day in (1, 2, 3):
        desk.record_activity(person.id, D(2026, 3, day), order_id=o.id)
    summary = rar_of(desk, person)
    assert summary.over_maximum and "over the court's maximum" in summary.text


def test_session_dates_checked(desk: Any, person: Any) -> None:
    with pytest.raises(RuleViolation) as exc:
        desk.record_session(person.id, session(D(2022, 6, 5)))
    assert exc.value.rule == "module-not-available" and "6 Jun 2022" in exc.value.message
    with pytest.raises(RuleViolation):
        desk.record_session(person.id, session(D(2026, 11, 23)))
    assert desk.module_state(person.id).status is ModuleStatus.NOT_STARTED


def test_structured_intervention_needs_the_module(desk: Any, person: Any) -> None:
    ref = desk.refer_si(person.id, NeedArea.ATB, "Stepwise Problem Solving", D(2026, 9, 1))
    with pytest.raises(RuleViolation) as exc:
        desk.start_si(ref.id, D(2026, 10, 1))
    assert exc.value.rule == "module-not-completed"
    assert "treatment manager" in exc.value.message
    assert desk.si_referrals(person.id)[0].start_date is None
    desk.record_session(person.id, session(D(2026, 9, 20), completed=True))
    started = desk.start_si(ref.id, D(2026, 10, 1))
    assert started.start_date == D(2026, 10, 1)
