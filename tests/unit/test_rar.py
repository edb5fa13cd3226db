"""RAR day counting: distinct dates, and the module's completion as exactly one RAR day.

A RAR day is a date with counting activity (flagged RAR, attended, linked to the RAR
requirement); several on one date are one day. The module's first completion adds
one day unless that date already has activity; revisits never add a day.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probation_desk.domain.module import ModuleSession, SupporterRole, module_state
from probation_desk.domain.rar import (
    Activity,
    RarSummary,
    RequirementSpan,
    counts,
    rar_days,
    requirement_for_module,
)

D = dt.date


def test_two_activities_on_one_date_are_one_day() -> None:
    acts = [Activity(D(2022, 6, 7)), Activity(D(2022, 6, 7)), Activity(D(2022, 6, 14))]
    summary = rar_days(20, acts, None)
    assert summary.days_completed == 2 and summary.activity_days == 2
    assert summary.module_days == 0 and summary.module_date is None
    assert summary.text == "2 of 20 RAR days completed"


@pytest.mark.parametrize("activity", [
    Activity(D(2022, 6, 7), rar_activity=False),
    Activity(D(2022, 6, 7), attended=False),
    Activity(D(2022, 6, 7), linked=False),
    Activity(D(2022, 6, 7), rar_activity=False, attended=False, linked=False),
], ids=["not-rar", "not-attended", "not-linked", "none"])
def test_activities_that_do_not_count(activity: Activity) -> None:
    assert not counts(activity)
    summary = rar_days(20, [activity], None)
    assert summary.days_completed == 0 and summary.activity_days == 0
    assert summary.text == "0 of 20 RAR days completed"


def test_a_non_counting_activity_does_not_hide_a_counting_one_on_the_same_date() -> None:
    acts = [Activity(D(2022, 6, 7), attended=False), Activity(D(2022, 6, 7))]
    assert rar_days(20, acts, None).days_completed == 1


def test_module_completion_adds_exactly_one_day() -> None:
    acts = [Activity(D(2022, 6, 7)), Activity(D(2022, 6, 14))]
    summary = rar_days(20, acts, D(2022, 6, 20))
    assert summary.days_completed == 3
    assert summary.module_days == 1 and summary.module_date == D(2022, 6, 20)
    assert summary.activity_days == 2
    assert summary.text == "3 of 20 RAR days completed"


def test_module_completion_alone_is_one_day() -> None:
    summary = rar_days(10, [], D(2022, 6, 20))
    assert (summary.days_completed, summary.module_days) == (1, 1)
    assert summary.text == "1 of 10 RAR days completed"


def test_module_completion_on_a_day_with_activity_adds_nothing() -> None:
    acts = [Activity(D(2022, 6, 7)), Activity(D(2022, 6, 14))]
    summary = rar_days(20, acts, D(2022, 6, 14))
    assert summary.days_completed == 2
    assert summary.module_days == 0 and summary.module_date == D(2022, 6, 14)


def test_module_completion_on_a_day_with_only_non_counting_activity_adds_a_day() -> None:
    summary = rar_days(20, [Activity(D(2022, 6, 14), attended=False)], D(2022, 6, 14))
    assert (summary.days_completed, summary.module_days) == (1, 1)


def test_over_the_courts_maximum_is_said_plainly() -> None:
    acts = [Activity(D(2022, 6, d)) for d in (7, 8, 9)]
    at_max = rar_days(3, acts, None)
    assert not at_max.over_maximum and at_max.text == "3 of 3 RAR days completed"
    over = rar_days(3, acts, D(2022, 6, 10))
    assert over.over_maximum
    assert over.text == "4 of 3 RAR days completed (over the court's maximum)"


def test_summary_text_is_computed_from_the_numbers() -> None:
    assert RarSummary(15, 7, 1, D(2022, 6, 20), 6).text == "7 of 15 RAR days completed"


# ----------------------------------------------------------------------------- requirement

SPANS = [
    RequirementSpan(1, D(2022, 1, 1), D(2022, 12, 31)),
    RequirementSpan(2, D(2022, 6, 1), D(2023, 5, 31)),
    RequirementSpan(3, D(2023, 6, 1), D(2024, 5, 31)),
]


@pytest.mark.parametrize(("completed_on", "requirement"), [
    (None, None),
    (D(2021, 12, 31), None),
    (D(2022, 1, 1), 1),
    (D(2022, 7, 1), 1),         # two orders running: the earliest-starting one
    (D(2022, 12, 31), 1),
    (D(2023, 1, 1), 2),
    (D(2023, 5, 31), 2),
    (D(2023, 6, 1), 3),
    (D(2024, 6, 1), None),
])
def test_completion_counts_towards_the_order_running_on_that_date(
        completed_on: dt.date | None, requirement: int | None) -> None:
    assert requirement_for_module(completed_on, SPANS) == requirement


def test_requirement_ties_on_start_go_to_the_lower_id() -> None:
    spans = [RequirementSpan(9, D(2022, 1, 1), D(2022, 12, 31)),
             RequirementSpan(4, D(2022, 1, 1), D(2022, 12, 31))]
    assert requirement_for_module(D(2022, 6, 6), spans) == 4
    assert requirement_for_module(D(2022, 6, 6), []) is None


# ----------------------------------------------------------------------------- properties

days = st.dates(D(2022, 6, 1), D(2022, 9, 30))
activities = st.lists(st.builds(Activity, on=days, rar_activity=st.booleans(),
                                attended=st.booleans(), linked=st.booleans()), max_size=40)
PROPS = settings(deadline=None, max_examples=300)


@PROPS
@given(acts=activities, completion=st.none() | days, max_days=st.integers(1, 365))
def test_days_are_the_distinct_counting_dates_plus_the_completion(
        acts: list[Activity], completion: dt.date | None, max_days: int) -> None:
    summary = rar_days(max_days, acts, completion)
    counting = {a.on for a in acts if a.rar_activity and a.attended and a.linked}
    expected = counting | ({completion} if completion is not None else set())
    assert summary.days_completed == len(expected)
    assert summary.activity_days == len(counting)
    assert summary.module_days == (1 if completion is not None and completion not in counting
                                   else 0)
    assert summary.days_completed == summary.activity_days + summary.module_days
    assert summary.days_completed <= summary.activity_days + 1
    assert summary.over_maximum == (len(expected) > max_days)
    assert summary.text.startswith(f"{len(expected)} of {max_days} RAR days completed")


@PROPS
@given(acts=activities, completion=st.none() | days, data=st.data())
def test_days_do_not_depend_on_the_order_of_activities(
        acts: list[Activity], completion: dt.date | None, data: st.DataObject) -> None:
    shuffled = data.draw(st.permutations(acts))
    assert rar_days(20, shuffled, completion) == rar_days(20, acts, completion)


@PROPS
@given(acts=activities, first=days,
       work=st.lists(st.integers(1, 60), max_size=5),
       revisits=st.lists(st.tuples(st.integers(0, 120), st.booleans()), max_size=12))
def test_revisits_never_change_the_rar_days(
        acts: list[Activity], first: dt.date, work: list[int],
        revisits: list[tuple[int, bool]]) -> None:
    done = ModuleSession(first, SupporterRole.PP, "Sam Officer", completed=True, id=100)
    earlier = [ModuleSession(first - dt.timedelta(days=gap), SupporterRole.PP, "Sam Officer",
                             id=10 + i) for i, gap in enumerate(work)]
    extra = [ModuleSession(first + dt.timedelta(days=gap), SupporterRole.FACILITATOR,
                           "Facilitator", completed=marked, id=200 + i)
             for i, (gap, marked) in enumerate(revisits)]
    without = module_state([*earlier, done])
    with_revisits = module_state([*extra, done, *earlier])
    assert without.completed_on == with_revisits.completed_on == first
    assert len(with_revisits.revisits) == len(extra)
    assert rar_days(20, acts, with_revisits.completed_on) == rar_days(20, acts, first)
    plain = rar_days(20, acts, None)
    assert rar_days(20, acts, first).days_completed - plain.days_completed in (0, 1)
