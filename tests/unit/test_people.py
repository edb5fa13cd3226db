"""People on probation: CRNs, regions, personal details and orders, as a practitioner types them.

Each refusal is checked for what the practitioner sees: that it is refused at all, the
rule and form field it concerns, and the words of the message.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.people import (
    REGIONS,
    Language,
    OrderDetails,
    OrderKind,
    PersonDetails,
    PrintNeeds,
    check_crn,
    check_order,
    check_person,
    check_region,
)

TODAY = dt.date(2022, 7, 1)


def person(**changes: Any) -> PersonDetails:
    """A valid, synthetic person, with ``changes`` applied."""
    base = PersonDetails(
        crn="X123456",
        name="Alex Example",
        date_of_birth=dt.date(1990, 5, 17),
        region="Wales",
        pdu="Cardiff and Vale",
        practitioner="Sam Officer",
    )
    return replace(base, **changes)


# ----------------------------------------------------------------------------- CRN

@pytest.mark.parametrize("typed", ["X123456", "A000000", "Z999999", "N654321"])
def test_valid_crn_is_accepted_unchanged(typed: str) -> None:
    assert check_crn(typed) == typed


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("x123456", "X123456"),
        ("  X123456", "X123456"),
        ("X123456  ", "X123456"),
        ("\tx123456\n", "X123456"),
        (" a000001 ", "A000001"),
    ],
)
def test_crn_is_trimmed_and_upper_cased(typed: str, stored: str) -> None:
    assert check_crn(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "X12345",        # five digits
        "XX123456",      # two letters
        "X1234567",      # seven digits
        "XX12345",       # two letters, five digits: still seven characters
        "1234567",       # no letter
        "123456X",       # letter at the end
        "X 123456",      # space inside
        "X-123456",      # punctuation inside
        "X12345A",       # letter among the digits
        "X１２３４５６",  # full-width digits
        "É123456",       # accented letter
        "",
        "   ",
    ],
)
def test_invalid_crn_is_refused_with_the_form_explained(typed: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_crn(typed)
    err = exc.value
    assert err.rule == "invalid-crn"
    assert err.field == "crn"
    assert f"'{typed}'" in err.message
    assert "one letter followed by six digits" in err.message
    assert "X123456" in err.message
    assert str(err) == err.message


# ----------------------------------------------------------------------------- regions

def test_there_are_twelve_distinct_regions() -> None:
    assert len(REGIONS) == 12
    assert len({r.casefold() for r in REGIONS}) == 12
    assert "Kent, Surrey and Sussex" in REGIONS and "Greater Manchester" in REGIONS


@pytest.mark.parametrize("region", REGIONS)
def test_each_region_is_accepted_in_any_case(region: str) -> None:
    assert check_region(region) == region
    assert check_region(region.upper()) == region
    assert check_region(region.lower()) == region
    assert check_region(f"  {region.swapcase()}  ") == region


@pytest.mark.parametrize("typed", ["Scotland", "Northern Ireland", "North", "", "Londn",
                                   "Kent Surrey and Sussex"])
def test_unknown_region_is_refused_and_the_twelve_are_listed(typed: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_region(typed)
    err = exc.value
    assert err.rule == "unknown-region" and err.field == "region"
    assert f"'{typed}'" in err.message
    assert "12 probation regions" in err.message
    for region in REGIONS:
        assert region in err.message


# ----------------------------------------------------------------------------- person

def test_valid_person_is_accepted_and_normalised() -> None:
    checked = check_person(person(crn=" x123456 ", region="greater manchester",
                                  name="  Alex Example  ", pdu=" Bolton ",
                                  language=Language.WELSH, print_needs=PrintNeeds.LARGE),
                           TODAY)
    assert checked.crn == "X123456"
    assert checked.region == "Greater Manchester"
    assert checked.name == "Alex Example"
    assert checked.pdu == "Bolton"
    assert checked.language is Language.WELSH
    assert checked.print_needs is PrintNeeds.LARGE


def test_date_of_birth_today_or_unknown_is_accepted() -> None:
    assert check_person(person(date_of_birth=TODAY), TODAY).date_of_birth == TODAY
    assert check_person(person(date_of_birth=None), TODAY).date_of_birth is None


@pytest.mark.parametrize("days_ahead", [1, 30, 365 * 20])
def test_future_date_of_birth_is_refused(days_ahead: int) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_person(person(date_of_birth=TODAY + dt.timedelta(days=days_ahead)), TODAY)
    assert exc.value.rule == "future-date"
    assert exc.value.field == "date_of_birth"
    assert "date of birth cannot be in the future" in exc.value.message


@pytest.mark.parametrize("name", ["", "   ", "\t\n"])
def test_name_is_required(name: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_person(person(name=name), TODAY)
    assert exc.value.rule == "required" and exc.value.field == "name"
    assert exc.value.message == "The name is needed."


@pytest.mark.parametrize(("char", "code"), [("\x00", 0), ("\x07", 7), ("\x1b", 27),
                                            ("\x7f", 127), ("\t", 9), ("\n", 10)])
def test_control_characters_in_a_name_are_refused_with_a_message(char: str, code: int) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_person(person(name=f"Alex{char}Example"), TODAY)
    err = exc.value
    assert err.rule == "control-characters" and err.field == "name"
    assert "The name" in err.message
    assert "invisible control character" in err.message
    assert f"(code {code})" in err.message


@pytest.mark.parametrize("name", ["<b>Alex</b> & Sam", "O'Brien & <i>Jones</i>",
                                  "Jo \"JJ\" <script>alert(1)</script>", "A &amp; B"])
def test_markup_in_a_name_is_kept_literally(name: str) -> None:
    assert check_person(person(name=name), TODAY).name == name


def test_welsh_name_is_normalised_to_composed_letters() -> None:
    decomposed = "Sia\u0302n Llywelyn-Dw\u0302r"
    checked = check_person(person(name=decomposed), TODAY)
    assert checked.name == "Siân Llywelyn-Dŵr"
    assert len(checked.name) == len("Siân Llywelyn-Dŵr")


def test_name_of_200_characters_is_accepted_and_201_refused() -> None:
    assert len(check_person(person(name="A" * 200), TODAY).name) == 200
    with pytest.raises(RuleViolation) as exc:
        check_person(person(name="A" * 201), TODAY)
    assert exc.value.rule == "too-long" and exc.value.field == "name"
    assert "201" in exc.value.message and "200" in exc.value.message


def test_invalid_crn_is_reported_before_other_problems() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_person(person(crn="X12345", name=""), TODAY)
    assert exc.value.field == "crn"


def test_unknown_region_is_refused_for_a_person() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_person(person(region="Scotland"), TODAY)
    assert exc.value.field == "region"


@pytest.mark.parametrize("field", ["pdu", "practitioner"])
def test_pdu_and_practitioner_are_required(field: str) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_person(person(**{field: "  "}), TODAY)
    assert exc.value.rule == "required" and exc.value.field == field


def test_pdu_longer_than_100_characters_is_refused() -> None:
    assert check_person(person(pdu="P" * 100), TODAY).pdu == "P" * 100
    with pytest.raises(RuleViolation) as exc:
        check_person(person(pdu="P" * 101), TODAY)
    assert exc.value.rule == "too-long" and exc.value.field == "pdu"


# ----------------------------------------------------------------------------- orders

def order(**changes: Any) -> OrderDetails:
    base = OrderDetails(OrderKind.COMMUNITY_ORDER, dt.date(2022, 3, 1), dt.date(2023, 3, 1),
                        rar_max_days=20)
    return replace(base, **changes)


def test_valid_order_is_accepted() -> None:
    assert check_order(order()) == order()
    assert check_order(order(rar_max_days=None)).rar_max_days is None
    assert check_order(order(end=dt.date(2022, 3, 1))).end == dt.date(2022, 3, 1)


def test_order_ending_before_it_starts_is_refused() -> None:
    with pytest.raises(RuleViolation) as exc:
        check_order(order(end=dt.date(2022, 2, 28)))
    assert exc.value.rule == "dates-out-of-order" and exc.value.field == "end"


@pytest.mark.parametrize("days", [1, 365])
def test_rar_maximum_within_1_to_365_is_accepted(days: int) -> None:
    assert check_order(order(rar_max_days=days)).rar_max_days == days


@pytest.mark.parametrize("days", [0, -1, 366])
def test_rar_maximum_outside_1_to_365_is_refused(days: int) -> None:
    with pytest.raises(RuleViolation) as exc:
        check_order(order(rar_max_days=days))
    assert exc.value.rule == "rar-max" and exc.value.field == "rar_max_days"
    assert "1 to 365" in exc.value.message
