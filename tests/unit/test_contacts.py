"""Contacts and RAR days counted from them (nDelius's rule), with an injected clock.

Properties (hypothesis): only contacts that are flagged RAR, linked to the requirement,
within its dates (up to a termination) and with an outcome where the activity took
place count; days are distinct dates; the module's completion adds one day at most;
booked days are future dates only.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from probation_desk.domain.contacts import (
    ContactDetails,
    Requirement,
    check_contact,
    check_edit_window,
    check_nsi_on_requirement,
    check_outcome,
    check_termination,
    enforcement,
    load_contact_catalogue,
    months_before,
)
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.rar import RarContact, count_requirement

CAT = load_contact_catalogue()
D, T = dt.date, dt.datetime
REQ = Requirement(1, D(2024, 1, 1), D(2024, 12, 31), 20)
NOW = T(2024, 6, 30, 12, 0)
COMPLIED = CAT.outcome("ATTENDED_COMPLIED")
FAILED = CAT.outcome("ATTENDED_FAILED_TO_COMPLY")
ABSENT = CAT.outcome("ACCEPTABLE_ABSENCE")


def test_catalogue_lists_the_issue_types_and_outcomes() -> None:
    assert {"OFFICE_VISIT", "HOME_VISIT", "TELEPHONE", "VIDEO", "TOOLKIT_SESSION",
            "MODULE_SESSION", "SI_SESSION", "OTHER"} <= {t.code for t in CAT.types}
    assert [o.code for o in CAT.outcomes] == [
        "ATTENDED_COMPLIED", "ATTENDED_FAILED_TO_COMPLY", "SENT_HOME_BEHAVIOUR",
        "SENT_HOME_SERVICE_ISSUES", "ACCEPTABLE_ABSENCE", "UNACCEPTABLE_ABSENCE",
        "RESCHEDULED", "WITHDRAWN"]
    assert CAT.review_threshold == 2 and CAT.window_months == 12


def test_the_walk_two_of_twenty_after_complied_failed_and_absence() -> None:
    contacts = [RarContact(T(2024, 6, d, 10), True, True, o)
                for d, o in ((3, COMPLIED), (10, FAILED), (17, ABSENT))]
    s = count_requirement(REQ, contacts, None, NOW)
    assert s.booked_text == "2 of 20 RAR days completed, 0 booked"
    assert [c.on for c in s.counted] == [D(2024, 6, 3), D(2024, 6, 10)]
    assert "Attended – complied" in s.counted[0].reasons[0]


def test_future_appointments_are_booked_not_completed() -> None:
    contacts = [RarContact(T(2024, 7, d, 10), True, True, None) for d in (1, 1, 8)]
    s = count_requirement(REQ, contacts, None, NOW)
    assert (s.days_completed, s.booked_days) == (0, 2)


def test_module_day_once_and_listed() -> None:
    s = count_requirement(REQ, [RarContact(T(2024, 6, 3, 9), True, True, COMPLIED)],
                          D(2024, 6, 5), NOW)
    assert s.days_completed == 2 and s.module_days == 1
    assert s.counted[1].reasons == ("Pre-Intervention Module completed",)


def test_terminated_requirement_stops_counting_and_booking() -> None:
    req = Requirement(1, D(2024, 1, 1), D(2024, 12, 31), 20, terminated_on=D(2024, 6, 5))
    contacts = [RarContact(T(2024, 6, 3, 9), True, True, COMPLIED),
                RarContact(T(2024, 6, 10, 9), True, True, COMPLIED),
                RarContact(T(2024, 7, 10, 9), True, True, None)]
    s = count_requirement(req, contacts, D(2024, 6, 20), NOW)
    assert (s.days_completed, s.booked_days, s.module_days) == (1, 0, 0)


def test_over_the_maximum_is_said_in_words() -> None:
    req = Requirement(1, D(2024, 1, 1), D(2024, 12, 31), 1)
    contacts = [RarContact(T(2024, 6, d, 9), True, True, COMPLIED) for d in (3, 4)]
    assert "over the court's maximum" in count_requirement(req, contacts, None, NOW).text
    booked = [RarContact(T(2024, 6, 3, 9), True, True, COMPLIED),
              RarContact(T(2024, 7, 3, 9), True, True, None)]
    assert "would go past the court's maximum" in count_requirement(
        req, booked, None, NOW).booked_text


dates = st.dates(D(2023, 10, 1), D(2025, 3, 31))
times = st.builds(lambda d, h: T(d.year, d.month, d.day, h), dates, st.integers(8, 18))
outcomes = st.sampled_from([None, *CAT.outcomes])
contact = st.builds(RarContact, times, st.booleans(), st.booleans(), outcomes,
                    st.just(""), st.booleans())


@settings(max_examples=150, deadline=None)
@given(st.lists(contact, max_size=25), st.one_of(st.none(), dates), times,
       st.one_of(st.none(), st.dates(D(2024, 1, 1), D(2024, 12, 31))))
def test_count_properties(contacts: list[RarContact], module_on: dt.date | None,
                          now: dt.datetime, terminated: dt.date | None) -> None:
    req = Requirement(1, D(2024, 1, 1), D(2024, 12, 31), 20, terminated)
    s = count_requirement(req, contacts, module_on, now)
    counting = {c.at.date() for c in contacts
                if c.rar and c.linked and not c.cancelled and c.outcome is not None
                and c.outcome.rar_day and req.covers(c.at.date())}
    module_adds = module_on is not None and req.covers(module_on) and module_on not in counting
    assert s.days_completed == len(counting) + (1 if module_adds else 0)
    assert s.module_days == (1 if module_adds else 0)
    assert all(req.start <= d.on <= req.last_day for d in s.counted)
    assert len({d.on for d in s.counted}) == len(s.counted) == s.days_completed
    # The order the contacts come in changes nothing.
    assert count_requirement(req, list(reversed(contacts)), module_on, now) == s
    # A contact whose outcome is not a RAR day never changes the count.
    extra = RarContact(T(2024, 6, 1, 9), True, True, ABSENT)
    assert count_requirement(req, [*contacts, extra], module_on,
                             now).days_completed == s.days_completed
    future = {c.at.date() for c in contacts if c.rar and c.linked and not c.cancelled
              and c.outcome is None and c.at > now and req.covers(c.at.date())}
    assert s.booked_days == len(future - {d.on for d in s.counted})


@given(times, times)
def test_outcome_never_before_the_appointment(at: dt.datetime, now: dt.datetime) -> None:
    if now < at:
        with pytest.raises(RuleViolation) as exc:
            check_outcome(CAT, at, "ATTENDED_COMPLIED", None, now)
        assert exc.value.rule == "outcome-too-early"
    else:
        assert check_outcome(CAT, at, "ATTENDED_COMPLIED", None, now)[0] is COMPLIED


def test_acceptable_absence_needs_one_of_the_reasons() -> None:
    with pytest.raises(RuleViolation, match="needs a reason"):
        check_outcome(CAT, T(2024, 6, 1, 9), "ACCEPTABLE_ABSENCE", None, NOW)
    assert check_outcome(CAT, T(2024, 6, 1, 9), "ACCEPTABLE_ABSENCE", "MEDICAL",
                         NOW)[1] == "MEDICAL"
    with pytest.raises(RuleViolation, match="only given for an acceptable absence"):
        check_outcome(CAT, T(2024, 6, 1, 9), "ATTENDED_COMPLIED", "MEDICAL", NOW)


def test_rar_flag_needs_a_rar_requirement_and_its_dates() -> None:
    d = ContactDetails("OFFICE_VISIT", T(2024, 6, 1, 9, 30, 15), rar=True)
    with pytest.raises(RuleViolation) as exc:
        check_contact(CAT, d, None)
    assert exc.value.rule == "rar-needs-requirement" and exc.value.field == "rar"
    assert check_contact(CAT, d, REQ).at == T(2024, 6, 1, 9, 30)
    with pytest.raises(RuleViolation, match="runs from 01/01/2024 to 31/12/2024"):
        check_contact(CAT, ContactDetails("OFFICE_VISIT", T(2025, 1, 2, 9), rar=True), REQ)
    with pytest.raises(RuleViolation, match="OFFICE_VISIT"):
        check_contact(CAT, ContactDetails("NOPE", T(2024, 6, 1, 9)), None)


@given(dates, dates)
def test_edit_window_is_seven_days(on: dt.date, today: dt.date) -> None:
    at = T(on.year, on.month, on.day, 10)
    if (today - on).days > 7:
        with pytest.raises(RuleViolation, match="note of correction"):
            check_edit_window(CAT, at, today)
    else:
        check_edit_window(CAT, at, today)


def test_enforcement_threshold_and_window() -> None:
    fails = [(D(2023, 6, 30), FAILED), (D(2024, 3, 1), FAILED),
             (D(2024, 5, 1), CAT.outcome("UNACCEPTABLE_ABSENCE")), (D(2024, 5, 2), ABSENT)]
    e = enforcement(CAT, fails, D(2024, 6, 30))
    assert len(e.failures) == 2 and e.review
    assert e.text.startswith("Review enforcement: 2 failures to comply since 30/06/2023")
    assert not enforcement(CAT, fails[:2], D(2024, 6, 30)).review
    assert months_before(D(2024, 2, 29), 12) == D(2023, 2, 28)


def test_termination_and_nsi_on_a_terminated_requirement() -> None:
    today = D(2024, 6, 30)
    assert check_termination(REQ, D(2024, 6, 1), " Revoked by the court ", today) == \
        "Revoked by the court"
    for on, reason, rule in ((D(2024, 7, 1), "x", "future-date"),
                             (D(2023, 12, 1), "x", "termination-outside-order"),
                             (D(2024, 6, 1), "  ", "required")):
        with pytest.raises(RuleViolation) as exc:
            check_termination(REQ, on, reason, today)
        assert exc.value.rule == rule
    done = Requirement(1, REQ.start, REQ.end, 20, D(2024, 6, 1))
    with pytest.raises(RuleViolation, match="needs an end date"):
        check_nsi_on_requirement(done, None)
    check_nsi_on_requirement(done, D(2024, 6, 1))
    check_nsi_on_requirement(REQ, None)


@pytest.mark.parametrize(("look_up", "rule", "what", "field", "known"), [
    (CAT.type, "unknown-contact-type", "a contact type", "type", CAT.types),
    (CAT.outcome, "unknown-outcome", "an outcome", "outcome", CAT.outcomes),
    (CAT.reason, "unknown-reason", "an absence reason", "reason", CAT.reasons),
])
def test_each_catalogue_look_up_finds_its_codes_and_names_them_when_refusing(
        look_up: object, rule: str, what: str, field: str, known: tuple) -> None:
    assert callable(look_up)
    for item in known:
        assert look_up(item.code) is item
    with pytest.raises(RuleViolation) as exc:
        look_up("NO_SUCH_CODE")
    assert exc.value.rule == rule and exc.value.field == field
    assert exc.value.message == (f"'NO_SUCH_CODE' is not {what}. Choose one of: "
                                 f"{', '.join(i.code for i in known)}.")
