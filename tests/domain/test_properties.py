"""Property tests (hypothesis) of the withdrawal rule and RAR day counting.

The clock is injected: dates are drawn around the Chemsex withdrawal (1 June 2022, as
recorded in the catalogue), the module's start (6 June 2022) and the close-by date
(29 July 2022).
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from probation_desk.domain.catalogue import load_catalogue
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleSession, SupporterRole, module_state
from probation_desk.domain.nsi import (
    NsiFields,
    Outcome,
    Status,
    check_open,
    check_update,
    closed_fields,
    sweep_due,
)
from probation_desk.domain.rar import Activity, rar_days

CHEMSEX = load_catalogue().get("CHEMSEX")
WITHDRAWN = dt.date(2022, 6, 1)
CLOSE_BY = dt.date(2022, 7, 29)
days_2022 = st.dates(dt.date(2022, 4, 1), dt.date(2022, 10, 31))


def test_catalogue_holds_the_guidance_dates() -> None:
    assert CHEMSEX.withdrawn_from == WITHDRAWN and CHEMSEX.close_by == CLOSE_BY
    assert CHEMSEX.resource_pack and "assumption" in CHEMSEX.assumptions
    assert CHEMSEX not in load_catalogue().selectable(dt.date(2026, 11, 22))
    assert len(load_catalogue().selectable(dt.date(2026, 11, 22))) == 11


@given(today=days_2022, data=st.data())
def test_new_chemsex_nsi_refused_from_the_withdrawal_whatever_the_dates(
        today: dt.date, data: st.DataObject) -> None:
    referral = data.draw(st.dates(dt.date(2022, 1, 1), today))
    fields = NsiFields("CHEMSEX", referral_date=referral)
    if today >= WITHDRAWN:
        with pytest.raises(RuleViolation) as exc:
            check_open(CHEMSEX, fields, today, open_of_same_toolkit=0)
        assert exc.value.rule == "toolkit-withdrawn" and "1 Jun 2022" in exc.value.message
    else:
        assert check_open(CHEMSEX, fields, today, open_of_same_toolkit=0).is_open


@given(today=days_2022, data=st.data())
def test_history_import_accepted_only_for_referrals_before_the_withdrawal(
        today: dt.date, data: st.DataObject) -> None:
    referral = data.draw(st.dates(dt.date(2022, 1, 1), today))
    fields = NsiFields("CHEMSEX", referral_date=referral)
    accepted = True
    try:
        check_open(CHEMSEX, fields, today, open_of_same_toolkit=0, historical=True)
    except RuleViolation:
        accepted = False
    assert accepted == (referral < WITHDRAWN or today < WITHDRAWN)


@given(today=st.dates(WITHDRAWN, dt.date(2022, 12, 31)))
def test_in_flight_nsi_may_change_until_close_by_then_only_close(today: dt.date) -> None:
    before = NsiFields("CHEMSEX", Status.REFERRED, dt.date(2022, 5, 2))
    progressed = NsiFields("CHEMSEX", Status.IN_PROGRESS, dt.date(2022, 5, 2),
                           actual_start=dt.date(2022, 5, 9))
    if today <= CLOSE_BY:
        assert check_update(CHEMSEX, before, progressed, today).status is Status.IN_PROGRESS
    else:
        with pytest.raises(RuleViolation) as exc:
            check_update(CHEMSEX, before, progressed, today)
        assert exc.value.rule == "toolkit-close-by-passed"
    closed = closed_fields(before, Outcome.TOOLKIT_WITHDRAWN, today)
    assert not check_update(CHEMSEX, before, closed, today).is_open  # closing always allowed
    assert sweep_due(CHEMSEX, before, today) == (today > CLOSE_BY)
    assert not sweep_due(CHEMSEX, closed, today)


activities = st.lists(st.builds(Activity, on=days_2022, rar_activity=st.booleans(),
                                attended=st.booleans(), linked=st.booleans()), max_size=40)


@given(acts=activities, completion=st.none() | days_2022)
def test_rar_days_are_distinct_counting_dates_plus_one_for_completion(
        acts: list[Activity], completion: dt.date | None) -> None:
    summary = rar_days(20, acts, completion)
    counting = {a.on for a in acts if a.rar_activity and a.attended and a.linked}
    assert summary.days_completed == len(counting | ({completion} if completion else set()))
    assert summary.module_days == (1 if completion and completion not in counting else 0)
    assert summary.days_completed <= summary.activity_days + 1
    assert rar_days(20, list(reversed(acts)), completion) == summary


@given(first=st.dates(dt.date(2022, 6, 6), dt.date(2023, 6, 1)),
       revisit_gaps=st.lists(st.integers(0, 300), max_size=10))
def test_revisits_never_move_the_completion_or_add_rar_days(
        first: dt.date, revisit_gaps: list[int]) -> None:
    done = ModuleSession(first, SupporterRole.PP, "PP", completed=True, id=1)
    revisits = [ModuleSession(first + dt.timedelta(days=gap), SupporterRole.PEER_MENTOR,
                              "Mentor", completed=bool(i % 2), id=i + 2)
                for i, gap in enumerate(revisit_gaps)]
    state = module_state([done, *revisits])
    assert state.completed_on == first and len(state.revisits) == len(revisits)
    assert rar_days(20, [], state.completed_on).days_completed == 1


@pytest.mark.parametrize("text", ["Siân\u202eLlŷr", "\u2066Ŵyn", "note\x1c", "\x85note"])
def test_invisible_direction_and_control_marks_refused_even_at_the_ends(text: str) -> None:
    from probation_desk.domain.text import clean_text

    with pytest.raises(RuleViolation) as exc:
        clean_text(text, field="name", label="The name", max_len=200, multiline=False)
    assert exc.value.rule in {"direction-override", "control-characters"}
    assert clean_text("  Siân  ", field="n", label="N", max_len=200) == "Siân"
