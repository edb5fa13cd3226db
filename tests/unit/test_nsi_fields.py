"""NSI field validation (``nsi.check_fields``): every nDelius rule, one refusal at a time.

Each case starts from a valid NSI and breaks one rule, then checks the refusal's
``rule`` (stable identifier) and ``field`` (the form field highlighted), and that the
message shows dates in UK format.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.nsi import (
    MANUAL_OUTCOMES,
    OPEN_STATUSES,
    NsiFields,
    Outcome,
    Status,
    check_fields,
)

TODAY = dt.date(2022, 7, 1)
TOMORROW = dt.date(2022, 7, 2)
REFERRAL = dt.date(2022, 5, 3)
START = dt.date(2022, 5, 10)
END = dt.date(2022, 6, 20)

REFERRED = NsiFields("NMMOT", Status.REFERRED, REFERRAL)
IN_PROGRESS = replace(REFERRED, status=Status.IN_PROGRESS, actual_start=START)
COMPLETED = replace(IN_PROGRESS, status=Status.COMPLETED, actual_end=END,
                    outcome=Outcome.COMPLETED)
ENDED = replace(COMPLETED, status=Status.ENDED, outcome=Outcome.NOT_COMPLETED)


def refused(fields: NsiFields, today: dt.date = TODAY) -> RuleViolation:
    with pytest.raises(RuleViolation) as exc:
        check_fields(fields, today)
    return exc.value


# ----------------------------------------------------------------------------- accepted

@pytest.mark.parametrize("fields", [REFERRED, IN_PROGRESS, COMPLETED, ENDED],
                         ids=["referred", "in-progress", "completed", "ended"])
def test_valid_nsis_are_accepted_unchanged(fields: NsiFields) -> None:
    assert check_fields(fields, TODAY) == fields


def test_every_date_on_the_same_day_as_today_is_accepted() -> None:
    same_day = NsiFields("NMMOT", Status.COMPLETED, TODAY, TODAY, TODAY, TODAY, TODAY,
                         Outcome.COMPLETED)
    assert check_fields(same_day, TODAY) == same_day


def test_expected_dates_may_be_in_the_future() -> None:
    planned = replace(REFERRED, expected_start=TOMORROW, expected_end=dt.date(2022, 9, 30))
    assert check_fields(planned, TODAY) == planned


@pytest.mark.parametrize("outcome", [o for o in Outcome if o is not Outcome.COMPLETED])
def test_an_nsi_ended_early_may_have_any_other_outcome(outcome: Outcome) -> None:
    assert check_fields(replace(ENDED, outcome=outcome), TODAY).outcome is outcome


def test_notes_and_practitioner_are_returned_normalised() -> None:
    checked = check_fields(replace(REFERRED, notes="  Siân said <yes> & no\n",
                                   practitioner=" Sam Officer "), TODAY)
    assert checked.notes == "Siân said <yes> & no"
    assert checked.practitioner == "Sam Officer"
    assert check_fields(replace(REFERRED, notes="   "), TODAY).notes is None


def test_statuses_and_outcomes() -> None:
    assert OPEN_STATUSES == (Status.REFERRED, Status.IN_PROGRESS)
    assert [s.is_open for s in Status] == [True, True, False, False]
    assert REFERRED.is_open and IN_PROGRESS.is_open
    assert not COMPLETED.is_open and not ENDED.is_open
    assert Outcome.AUTO_CLOSED not in MANUAL_OUTCOMES
    assert Outcome.TRANSFERRED not in MANUAL_OUTCOMES
    assert Outcome.COMPLETED in MANUAL_OUTCOMES and Outcome.TOOLKIT_WITHDRAWN in MANUAL_OUTCOMES


# ----------------------------------------------------------------------------- refused

def test_referral_date_is_required() -> None:
    err = refused(replace(REFERRED, referral_date=None))
    assert (err.rule, err.field) == ("required", "referral_date")
    assert err.message == "The referral date is needed."


def test_referral_date_in_the_future_is_refused() -> None:
    err = refused(replace(REFERRED, referral_date=TOMORROW))
    assert (err.rule, err.field) == ("future-date", "referral_date")
    assert "referral date (02/07/2022) is in the future" in err.message
    assert "today (01/07/2022)" in err.message


def test_actual_start_in_the_future_is_refused() -> None:
    err = refused(replace(IN_PROGRESS, actual_start=TOMORROW))
    assert (err.rule, err.field) == ("future-date", "actual_start")
    assert "start date (02/07/2022)" in err.message


def test_actual_end_in_the_future_is_refused() -> None:
    err = refused(replace(ENDED, actual_end=TOMORROW))
    assert (err.rule, err.field) == ("future-date", "actual_end")
    assert "end date (02/07/2022)" in err.message


def test_expected_start_before_referral_is_refused() -> None:
    err = refused(replace(REFERRED, expected_start=dt.date(2022, 5, 2)))
    assert (err.rule, err.field) == ("dates-out-of-order", "expected_start")
    assert err.message == ("The expected start date (02/05/2022) is before the referral date "
                           "(03/05/2022).")


def test_expected_end_before_expected_start_is_refused() -> None:
    err = refused(replace(REFERRED, expected_start=dt.date(2022, 6, 1),
                          expected_end=dt.date(2022, 5, 31)))
    assert (err.rule, err.field) == ("dates-out-of-order", "expected_end")
    assert "expected end date (31/05/2022) is before the expected start date (01/06/2022)" \
        in err.message


def test_expected_end_before_referral_is_refused_without_an_expected_start() -> None:
    err = refused(replace(REFERRED, expected_end=dt.date(2022, 5, 1)))
    assert (err.rule, err.field) == ("dates-out-of-order", "expected_end")
    assert "before the referral date (03/05/2022)" in err.message


def test_actual_start_before_referral_is_refused() -> None:
    err = refused(replace(IN_PROGRESS, actual_start=dt.date(2022, 5, 2)))
    assert (err.rule, err.field) == ("dates-out-of-order", "actual_start")
    assert "start date (02/05/2022) is before the referral date (03/05/2022)" in err.message


def test_actual_end_before_actual_start_is_refused() -> None:
    err = refused(replace(COMPLETED, actual_end=dt.date(2022, 5, 9)))
    assert (err.rule, err.field) == ("dates-out-of-order", "actual_end")
    assert "end date (09/05/2022) is before the start date (10/05/2022)" in err.message


def test_actual_end_before_referral_is_refused_without_a_start() -> None:
    err = refused(replace(COMPLETED, actual_start=None, actual_end=dt.date(2022, 5, 1)))
    assert (err.rule, err.field) == ("dates-out-of-order", "actual_end")
    assert "before the referral date (03/05/2022)" in err.message


def test_end_date_needs_an_outcome() -> None:
    err = refused(replace(ENDED, outcome=None))
    assert (err.rule, err.field) == ("end-needs-outcome", "outcome")


def test_end_date_needs_a_start_date() -> None:
    err = refused(replace(ENDED, actual_start=None))
    assert (err.rule, err.field) == ("end-needs-start", "actual_start")


@pytest.mark.parametrize("status", list(Status))
def test_outcome_needs_an_end_date(status: Status) -> None:
    err = refused(replace(IN_PROGRESS, status=status, outcome=Outcome.NOT_SUITABLE))
    assert (err.rule, err.field) == ("outcome-needs-end", "actual_end")


@pytest.mark.parametrize("status", OPEN_STATUSES)
def test_open_statuses_have_no_outcome(status: Status) -> None:
    err = refused(replace(ENDED, status=status))
    assert (err.rule, err.field) == ("open-with-outcome", "outcome")
    assert f"'{status.value}'" in err.message


@pytest.mark.parametrize("status", [Status.COMPLETED, Status.ENDED])
def test_closed_statuses_need_an_end_date(status: Status) -> None:
    err = refused(replace(IN_PROGRESS, status=status))
    assert (err.rule, err.field) == ("closed-needs-end", "actual_end")
    assert f"'{status.value}'" in err.message


@pytest.mark.parametrize("outcome", [o for o in Outcome if o is not Outcome.COMPLETED])
def test_completed_needs_the_outcome_toolkit_completed(outcome: Outcome) -> None:
    err = refused(replace(COMPLETED, outcome=outcome))
    assert (err.rule, err.field) == ("completed-outcome", "outcome")
    assert "'Toolkit completed'" in err.message


def test_ended_early_cannot_have_the_outcome_toolkit_completed() -> None:
    err = refused(replace(ENDED, outcome=Outcome.COMPLETED))
    assert (err.rule, err.field) == ("ended-outcome", "outcome")
    assert "Completed" in err.message


def test_in_progress_needs_a_start_date() -> None:
    err = refused(replace(IN_PROGRESS, actual_start=None))
    assert (err.rule, err.field) == ("in-progress-needs-start", "actual_start")


def test_notes_over_4000_characters_are_refused() -> None:
    err = refused(replace(REFERRED, notes="x" * 4001))
    assert (err.rule, err.field) == ("too-long", "notes")


def test_notes_with_a_control_character_are_refused() -> None:
    err = refused(replace(REFERRED, notes="bell\x07"))
    assert (err.rule, err.field) == ("control-characters", "notes")


@pytest.mark.parametrize(("value", "rule"), [("Sam\nOfficer", "control-characters"),
                                             ("S" * 201, "too-long")])
def test_practitioner_is_a_single_line_of_at_most_200_characters(value: str, rule: str) -> None:
    err = refused(replace(REFERRED, practitioner=value))
    assert (err.rule, err.field) == (rule, "practitioner")
