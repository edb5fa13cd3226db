"""Rule 2: the Pre-Intervention Module: sessions, first completion, revisits, readiness.

The module is available from 6 June 2022. It is designed to be completed once: the
earliest session marked completed is the completion; every later session is a
revisit, even one marked completed again.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import (
    MODULE_AVAILABLE_FROM,
    ModuleSession,
    ModuleStatus,
    SessionKind,
    SupporterRole,
    check_session,
    module_state,
)

TODAY = dt.date(2022, 7, 1)
D = dt.date


def session(day: dt.date, *, completed: bool = False, id: int | None = None,
            role: SupporterRole = SupporterRole.PP, name: str = "Sam Officer",
            notes: str | None = None) -> ModuleSession:
    return ModuleSession(day, role, name, completed, notes, id)


# ----------------------------------------------------------------------------- check_session

def test_module_is_available_from_6_june_2022() -> None:
    assert MODULE_AVAILABLE_FROM == D(2022, 6, 6)
    assert check_session(session(D(2022, 6, 6)), TODAY).session_date == D(2022, 6, 6)


@pytest.mark.parametrize("day", [D(2022, 6, 5), D(2022, 6, 1), D(2021, 12, 25)])
def test_session_before_6_june_2022_is_refused(day: dt.date) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_session(session(day), TODAY)
    err = exc.value
    assert (err.rule, err.field) == ("module-not-available", "session_date")
    assert "Pre-Intervention Module" in err.message
    assert "6 Jun 2022" in err.message
    assert f"dated {day.day:02d}/{day.month:02d}/{day.year}" in err.message


def test_session_in_the_future_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_session(session(D(2022, 7, 2)), TODAY)
    err = exc.value
    assert (err.rule, err.field) == ("future-date", "session_date")
    assert "(02/07/2022) is in the future" in err.message
    assert check_session(session(TODAY), TODAY).session_date == TODAY


@pytest.mark.parametrize("role", list(SupporterRole))
def test_any_supporter_the_region_chooses_is_accepted(role: SupporterRole) -> None:
    checked = check_session(session(D(2022, 6, 10), role=role, completed=True, id=7), TODAY)
    assert checked.supporter_role is role and checked.completed and checked.id == 7


def test_session_text_is_cleaned() -> None:
    checked = check_session(session(D(2022, 6, 10), name="  Rhi Owe\u0302n ",
                                    notes=" Wrote <thoughts> & plans \n"), TODAY)
    assert checked.supporter_name == "Rhi Owên"
    assert checked.notes == "Wrote <thoughts> & plans"


@pytest.mark.parametrize(("name", "rule"), [("", "required"), ("  ", "required"),
                                            ("Sam\x07", "control-characters"),
                                            ("S" * 201, "too-long")])
def test_supporter_name_is_checked(name: str, rule: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_session(session(D(2022, 6, 10), name=name), TODAY)
    assert (exc.value.rule, exc.value.field) == (rule, "supporter_name")
    if rule == "required":
        assert exc.value.message == "The supporter's name is needed."


def test_session_notes_are_limited_to_4000_characters() -> None:
    assert check_session(session(D(2022, 6, 10), notes="n" * 4000), TODAY).notes == "n" * 4000
    with pytest.raises(RuleViolation) as exc:
        check_session(session(D(2022, 6, 10), notes="n" * 4001), TODAY)
    assert (exc.value.rule, exc.value.field) == ("too-long", "notes")


# ----------------------------------------------------------------------------- module_state

def test_no_sessions_is_not_started() -> None:
    state = module_state([])
    assert state.status is ModuleStatus.NOT_STARTED
    assert state.completed_on is None and state.completion_session is None
    assert state.revisits == () and state.sessions == () and state.last_session is None
    assert not state.ready_for_si
    assert state.readiness_text() == ("Not ready for a Structured Intervention: the "
                                      "Pre-Intervention Module has not been started.")


def test_sessions_without_completion_are_in_progress() -> None:
    state = module_state([session(D(2022, 6, 8), id=1), session(D(2022, 6, 15), id=2)])
    assert state.status is ModuleStatus.IN_PROGRESS
    assert state.completed_on is None and not state.ready_for_si
    assert [k for _, k in state.sessions] == [SessionKind.WORK, SessionKind.WORK]
    assert state.last_session == D(2022, 6, 15)
    assert state.readiness_text() == ("Not ready for a Structured Intervention: the "
                                      "Pre-Intervention Module has been started but not "
                                      "completed.")


def test_completion_makes_the_person_ready() -> None:
    work = session(D(2022, 6, 8), id=1)
    done = session(D(2022, 6, 15), completed=True, id=2)
    state = module_state([work, done])
    assert state.status is ModuleStatus.COMPLETED
    assert state.completed_on == D(2022, 6, 15) and state.completion_session is done
    assert state.revisits == ()
    assert state.sessions == ((work, SessionKind.WORK), (done, SessionKind.COMPLETION))
    assert state.ready_for_si
    assert state.readiness_text() == ("Ready for a Structured Intervention: module completed "
                                      "on 15/06/2022.")


def test_first_completion_is_the_earliest_completed_session_whatever_the_input_order() -> None:
    later = session(D(2022, 8, 1), completed=True, id=1)
    earlier = session(D(2022, 6, 20), completed=True, id=2)
    state = module_state([later, earlier])
    assert state.completed_on == D(2022, 6, 20)
    assert state.completion_session is earlier
    assert state.revisits == (later,)
    assert state.status is ModuleStatus.REVISITED


def test_later_sessions_are_revisits_even_when_marked_completed() -> None:
    work = session(D(2022, 6, 8), id=1)
    done = session(D(2022, 6, 15), completed=True, id=2)
    again = session(D(2022, 7, 1), id=3, role=SupporterRole.PEER_MENTOR, name="Mentor")
    again_done = session(D(2022, 9, 1), completed=True, id=4)
    state = module_state([again_done, work, again, done])
    assert state.status is ModuleStatus.REVISITED
    assert state.completed_on == D(2022, 6, 15)
    assert state.revisits == (again, again_done)
    assert [k for _, k in state.sessions] == [SessionKind.WORK, SessionKind.COMPLETION,
                                              SessionKind.REVISIT, SessionKind.REVISIT]
    assert state.last_session == D(2022, 9, 1)
    assert state.ready_for_si
    assert "module completed on 15/06/2022" in state.readiness_text()


def test_two_completions_on_one_day_the_first_recorded_wins() -> None:
    first = session(D(2022, 6, 15), completed=True, id=5)
    second = session(D(2022, 6, 15), completed=True, id=9)
    state = module_state([second, first])
    assert state.completion_session is first
    assert state.revisits == (second,)


def test_a_session_recorded_later_on_the_completion_day_is_a_revisit() -> None:
    done = session(D(2022, 6, 15), completed=True, id=5)
    after = session(D(2022, 6, 15), id=6)
    state = module_state([after, done])
    assert state.revisits == (after,)
    assert state.status is ModuleStatus.REVISITED


def test_work_recorded_before_the_completion_on_the_same_day_stays_work() -> None:
    # The docstring of module_state says every other session on the completion date is a
    # revisit; the code (rightly) keeps work recorded earlier that day as work.
    before = session(D(2022, 6, 15), id=4)
    done = session(D(2022, 6, 15), completed=True, id=5)
    state = module_state([done, before])
    assert state.sessions == ((before, SessionKind.WORK), (done, SessionKind.COMPLETION))
    assert state.status is ModuleStatus.COMPLETED


def test_status_completeness() -> None:
    assert [s.is_complete for s in ModuleStatus] == [False, False, True, True]


# ----------------------------------------------------------------------------- properties

module_days = st.dates(D(2022, 6, 6), D(2024, 12, 31))


@settings(deadline=None, max_examples=200)
@given(st.lists(st.tuples(module_days, st.booleans()), max_size=15), st.randoms())
def test_state_does_not_depend_on_the_order_sessions_are_given(
        rows: list[tuple[dt.date, bool]], rnd: random.Random) -> None:
    sessions = [session(day, completed=done, id=i + 1) for i, (day, done) in enumerate(rows)]
    state = module_state(sessions)
    shuffled = list(sessions)
    rnd.shuffle(shuffled)
    again = module_state(shuffled)
    assert again == state
    completed_days = [day for day, done in rows if done]
    assert state.completed_on == (min(completed_days) if completed_days else None)
    assert len(state.sessions) == len(sessions)
    if state.completed_on is not None:
        assert all(s.session_date >= state.completed_on for s in state.revisits)
        assert sum(k is SessionKind.COMPLETION for _, k in state.sessions) == 1
