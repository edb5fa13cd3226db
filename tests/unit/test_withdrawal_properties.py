"""Property tests (hypothesis) of the withdrawal rule, for any day around the Chemsex dates.

Days are drawn from 1 May to 30 September 2022, around the withdrawal (1 June 2022)
and the close-by date (29 July 2022) held in the real catalogue. NSIs are drawn valid
for the day (any status, dates in order, none in the future), so a refusal can only
come from the withdrawal rule.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probation_desk.domain.catalogue import Catalogue, Lifecycle, Toolkit, load_catalogue
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.nsi import (
    NsiFields,
    Outcome,
    Status,
    check_open,
    check_update,
    closed_fields,
    is_overdue,
    outcomes_for,
    sweep_due,
)

CATALOGUE = load_catalogue()
CHEMSEX = CATALOGUE.get("CHEMSEX")
WITHDRAWN = dt.date(2022, 6, 1)
CLOSE_BY = dt.date(2022, 7, 29)


def test_the_catalogue_holds_these_dates() -> None:
    assert (CHEMSEX.withdrawn_from, CHEMSEX.close_by) == (WITHDRAWN, CLOSE_BY)


days = st.dates(dt.date(2022, 5, 1), dt.date(2022, 9, 30))
QUICK = settings(deadline=None, max_examples=300)


def between(data: st.DataObject, first: dt.date, last: dt.date) -> dt.date:
    return data.draw(st.dates(first, last))


def valid_nsi(data: st.DataObject, today: dt.date, *, latest_referral: dt.date | None = None,
              open_only: bool = False) -> NsiFields:
    """A Chemsex NSI valid on ``today``: any status, referral from 2019 onwards."""
    referral = between(data, CHEMSEX.available_from, min(today, latest_referral or today))
    statuses = [Status.REFERRED, Status.IN_PROGRESS]
    if not open_only:
        statuses += [Status.COMPLETED, Status.ENDED]
    status = data.draw(st.sampled_from(statuses))
    fields = NsiFields("CHEMSEX", status, referral,
                       notes=data.draw(st.none() | st.text("abc \n", max_size=20)))
    if status is Status.REFERRED:
        return fields
    start = between(data, referral, today)
    if status is Status.IN_PROGRESS:
        return replace(fields, actual_start=start)
    end = between(data, start, today)
    # Only outcomes the toolkit allows on the day (the withdrawn ones once withdrawn).
    outcome = Outcome.COMPLETED if status is Status.COMPLETED else data.draw(
        st.sampled_from([o for o in outcomes_for(CHEMSEX, today)
                         if o is not Outcome.COMPLETED]))
    return replace(fields, actual_start=start, actual_end=end, outcome=outcome)


def accepted(call: Callable[..., object], *args: object,
             **kwargs: object) -> RuleViolation | None:
    """None when ``call`` accepts, else the refusal."""
    try:
        call(*args, **kwargs)
    except RuleViolation as err:
        return err
    return None


@QUICK
@given(today=days, data=st.data())
def test_opening_chemsex_is_refused_iff_the_day_is_on_or_after_withdrawal(
        today: dt.date, data: st.DataObject) -> None:
    fields = valid_nsi(data, today)
    err = accepted(check_open, CHEMSEX, fields, today, open_of_same_toolkit=0)
    assert (err is not None) == (today >= WITHDRAWN)
    if err is not None:
        assert err.rule == "toolkit-withdrawn" and err.field == "toolkit"
        assert "Chemsex" in err.message and "1 Jun 2022" in err.message


@QUICK
@given(today=days, data=st.data())
def test_history_is_accepted_iff_referred_before_withdrawal(
        today: dt.date, data: st.DataObject) -> None:
    fields = valid_nsi(data, today)
    err = accepted(check_open, CHEMSEX, fields, today, open_of_same_toolkit=0, historical=True)
    assert (err is None) == (fields.referral_date is not None
                             and fields.referral_date < WITHDRAWN)
    if err is not None:
        assert err.rule == "toolkit-withdrawn"


@QUICK
@given(today=days)
def test_selectable_includes_chemsex_iff_before_withdrawal(today: dt.date) -> None:
    assert (CHEMSEX in CATALOGUE.selectable(today)) == (today < WITHDRAWN)
    assert len(CATALOGUE.selectable(today)) == (12 if today < WITHDRAWN else 11)


@QUICK
@given(today=days, data=st.data())
def test_an_open_nsi_that_stays_open_is_refused_iff_after_close_by(
        today: dt.date, data: st.DataObject) -> None:
    before = valid_nsi(data, today, latest_referral=WITHDRAWN - dt.timedelta(days=1),
                       open_only=True)
    change = data.draw(st.sampled_from(["same", "notes", "start", "expected"]))
    if change == "notes":
        after = replace(before, notes="updated")
    elif change == "start":
        assert before.referral_date is not None
        after = replace(before, status=Status.IN_PROGRESS,
                        actual_start=before.actual_start
                        or between(data, before.referral_date, today))
    elif change == "expected":
        after = replace(before, expected_end=data.draw(st.dates(today, dt.date(2022, 12, 31))))
    else:
        after = before
    err = accepted(check_update, CHEMSEX, before, after, today)
    assert (err is not None) == (today > CLOSE_BY)
    if err is not None:
        assert err.rule == "toolkit-close-by-passed" and "29 Jul 2022" in err.message


@QUICK
@given(today=days, data=st.data())
def test_closing_an_open_nsi_is_always_allowed(today: dt.date, data: st.DataObject) -> None:
    before = valid_nsi(data, today, open_only=True)
    assert before.referral_date is not None
    end = between(data, before.actual_start or before.referral_date, today)
    outcome = data.draw(st.sampled_from(outcomes_for(CHEMSEX, today)))
    closed = check_update(CHEMSEX, before, closed_fields(before, outcome, end), today)
    assert not closed.is_open and closed.outcome is outcome and closed.actual_end == end
    assert not sweep_due(CHEMSEX, closed, today)


@QUICK
@given(today=days, data=st.data())
def test_sweep_and_overdue_only_after_close_by_and_only_for_open_nsis(
        today: dt.date, data: st.DataObject) -> None:
    fields = valid_nsi(data, today)
    due = fields.is_open and today > CLOSE_BY
    assert sweep_due(CHEMSEX, fields, today) is due
    assert is_overdue(CHEMSEX, fields.is_open, today) is due


@QUICK
@given(withdrawn=st.dates(dt.date(2020, 1, 1), dt.date(2035, 12, 31)),
       gap=st.integers(0, 400), today=st.dates(dt.date(2019, 6, 1), dt.date(2037, 12, 31)))
def test_any_withdrawal_in_the_data_behaves_like_chemsex(
        withdrawn: dt.date, gap: int, today: dt.date) -> None:
    close_by = withdrawn + dt.timedelta(days=gap)
    cat = Catalogue.from_dict({"toolkits": [
        {"code": "K", "name": "Kit", "available_from": "2019-01-01",
         "withdrawn_from": withdrawn.isoformat(), "close_by": close_by.isoformat()}]})
    kit: Toolkit = cat.get("K")
    expected = (Lifecycle.APPROVED if today < withdrawn
                else Lifecycle.WITHDRAWN_CLOSING if today <= close_by
                else Lifecycle.WITHDRAWN_CLOSED)
    assert kit.lifecycle(today) is expected
    assert (kit in cat.selectable(today)) == (today < withdrawn)
    fields = NsiFields("K", referral_date=today)
    err = accepted(check_open, kit, fields, today, open_of_same_toolkit=0)
    assert (err is None) == (today < withdrawn)
    assert sweep_due(kit, fields, today) == (today > close_by)


@settings(deadline=None, max_examples=100)
@given(withdrawn=st.dates(dt.date(2020, 1, 1), dt.date(2030, 1, 1)), early=st.integers(1, 400))
def test_catalogue_refuses_any_close_by_before_the_withdrawal(
        withdrawn: dt.date, early: int) -> None:
    close_by = withdrawn - dt.timedelta(days=early)
    with pytest.raises(ValueError, match="close_by must follow withdrawn_from"):
        Catalogue.from_dict({"toolkits": [
            {"code": "K", "name": "Kit", "withdrawn_from": withdrawn.isoformat(),
             "close_by": close_by.isoformat()}]})
