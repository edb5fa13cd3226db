"""Structured Interventions need the module first; roles guard treatment manager actions."""

from __future__ import annotations

import datetime as dt

import pytest

from probation_desk.domain.errors import PermissionRefused, RuleViolation
from probation_desk.domain.interventions import (
    NATIONAL_EXAMPLES,
    NeedArea,
    check_referral,
    check_start,
)
from probation_desk.domain.module import ModuleSession, ModuleState, SupporterRole, module_state
from probation_desk.domain.review import SignOffKind, blocked, check_sign_off
from probation_desk.domain.roles import Role, require_role

D = dt.date
TODAY = D(2022, 9, 1)
REFERRAL = D(2022, 6, 10)


def state(*sessions: tuple[dt.date, bool]) -> ModuleState:
    return module_state([ModuleSession(day, SupporterRole.PP, "Sam Officer", done, id=i + 1)
                         for i, (day, done) in enumerate(sessions)])


NOT_STARTED = state()
IN_PROGRESS = state((D(2022, 6, 8), False))
COMPLETED_20_JUNE = state((D(2022, 6, 8), False), (D(2022, 6, 20), True))
REVISITED = state((D(2022, 6, 20), True), (D(2022, 7, 20), True))


# ----------------------------------------------------------------------------- SI start

@pytest.mark.parametrize("module", [NOT_STARTED, IN_PROGRESS], ids=["not-started", "started"])
def test_si_cannot_start_before_the_module_is_completed(module: ModuleState) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_start(module, REFERRAL, D(2022, 7, 1), TODAY)
    err = exc.value
    assert (err.rule, err.field) == ("module-not-completed", "start_date")
    assert "has not completed the Pre-Intervention Module" in err.message
    assert "treatment manager" in err.message
    assert "completed later" not in err.message


def test_si_cannot_start_before_the_day_the_module_was_completed() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_start(COMPLETED_20_JUNE, REFERRAL, D(2022, 6, 19), TODAY)
    err = exc.value
    assert (err.rule, err.field) == ("module-not-completed", "start_date")
    assert "Pre-Intervention Module" in err.message and "treatment manager" in err.message
    assert "(it was completed later, on 20/06/2022)" in err.message


@pytest.mark.parametrize("start", [D(2022, 6, 20), D(2022, 6, 21), TODAY])
@pytest.mark.parametrize("module", [COMPLETED_20_JUNE, REVISITED], ids=["completed", "revisited"])
def test_si_may_start_on_or_after_the_module_completion(
        module: ModuleState, start: dt.date) -> None:
    check_start(module, REFERRAL, start, TODAY)  # no refusal


def test_si_start_in_the_future_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_start(COMPLETED_20_JUNE, REFERRAL, D(2022, 9, 2), TODAY)
    assert (exc.value.rule, exc.value.field) == ("future-date", "start_date")
    assert "02/09/2022" in exc.value.message


def test_si_start_before_its_referral_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_start(COMPLETED_20_JUNE, D(2022, 7, 1), D(2022, 6, 30), TODAY)
    assert (exc.value.rule, exc.value.field) == ("dates-out-of-order", "start_date")
    assert "(30/06/2022) is before the referral date (01/07/2022)" in exc.value.message


def test_si_referral_checks() -> None:
    check_referral(TODAY, TODAY, "Stepwise Emotions")
    with pytest.raises(RuleViolation) as exc:
        check_referral(D(2022, 9, 2), TODAY, "Stepwise Emotions")
    assert (exc.value.rule, exc.value.field) == ("future-date", "referral_date")
    with pytest.raises(RuleViolation) as exc:
        check_referral(TODAY, TODAY, "   ")
    assert (exc.value.rule, exc.value.field) == ("required", "name")


def test_need_areas_and_national_examples() -> None:
    assert {n.value for n in NeedArea} == {"Attitudes, thinking and behaviour",
                                           "Domestic abuse", "Emotional management"}
    assert NATIONAL_EXAMPLES == ("Stepwise Problem Solving", "Stepwise Driving",
                                 "Stepwise Relationships", "Stepwise Emotions")


def test_a_referral_not_started_is_blocked_until_the_module_is_completed() -> None:
    assert blocked(False, IN_PROGRESS)
    assert not blocked(False, COMPLETED_20_JUNE)
    assert not blocked(True, IN_PROGRESS)


# ----------------------------------------------------------------------------- roles

def test_practitioner_is_refused_a_treatment_manager_action_naming_both_roles() -> None:
    with pytest.raises(PermissionRefused) as exc:
        require_role(Role.PRACTITIONER, (Role.TREATMENT_MANAGER,), "sign off the module")
    err = exc.value
    assert isinstance(err, RuleViolation)
    assert err.rule == "role-not-allowed"
    message = err.message.casefold()
    assert "treatment manager" in message
    assert "probation practitioner" in message
    assert "can sign off the module" in err.message
    assert "Settings" in err.message


def test_an_allowed_role_passes() -> None:
    require_role(Role.TREATMENT_MANAGER, (Role.TREATMENT_MANAGER,), "sign off the module")
    require_role(Role.REGIONAL_LEAD, (Role.TREATMENT_MANAGER, Role.REGIONAL_LEAD),
                 "run the sweep")


def test_several_allowed_roles_are_all_named() -> None:
    with pytest.raises(PermissionRefused) as exc:
        require_role(Role.PRACTITIONER, (Role.TREATMENT_MANAGER, Role.REGIONAL_LEAD),
                     "run the sweep")
    message = exc.value.message.casefold()
    assert "treatment manager" in message and " or regional lead" in message


def test_sign_off_needs_a_treatment_manager() -> None:
    with pytest.raises(PermissionRefused) as exc:
        check_sign_off(Role.PRACTITIONER, SignOffKind.REVIEWED, COMPLETED_20_JUNE,
                       D(2022, 6, 21), TODAY, "Sam Officer", None)
    assert "treatment manager" in exc.value.message.casefold()
    assert "probation practitioner" in exc.value.message.casefold()
    assert check_sign_off(Role.TREATMENT_MANAGER, SignOffKind.REVIEWED, COMPLETED_20_JUNE,
                          D(2022, 6, 21), TODAY, " Tam Manager ", None) == ("Tam Manager", None)


def test_sign_off_refusals() -> None:
    tm = Role.TREATMENT_MANAGER
    with pytest.raises(RuleViolation) as exc:
        check_sign_off(tm, SignOffKind.REVIEWED, IN_PROGRESS, D(2022, 6, 21), TODAY, "Tam", None)
    assert exc.value.rule == "nothing-to-sign-off"
    with pytest.raises(RuleViolation) as exc:
        check_sign_off(tm, SignOffKind.REVIEWED, COMPLETED_20_JUNE, D(2022, 6, 19), TODAY,
                       "Tam", None)
    assert exc.value.rule == "dates-out-of-order" and "20/06/2022" in exc.value.message
    with pytest.raises(RuleViolation) as exc:
        check_sign_off(tm, SignOffKind.NOT_READY, IN_PROGRESS, D(2022, 6, 21), TODAY, "Tam",
                       "  ")
    assert exc.value.rule == "required" and exc.value.field == "comment"
    assert check_sign_off(tm, SignOffKind.NOT_READY, IN_PROGRESS, D(2022, 6, 21), TODAY,
                          "Tam", "Needs two more sessions") == ("Tam", "Needs two more sessions")
    with pytest.raises(RuleViolation) as exc:
        check_sign_off(tm, SignOffKind.NOT_READY, IN_PROGRESS, D(2022, 9, 2), TODAY, "Tam", "x")
    assert exc.value.rule == "future-date"
