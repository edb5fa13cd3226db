"""Dates as the practitioner reads and types them: 29/07/2022 and 29 Jul 2022, day first."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from probation_desk.domain.dates import fixed_clock, parse_date, system_today, uk, uk_long


@pytest.mark.parametrize(
    ("day", "short", "long"),
    [
        (dt.date(2022, 7, 29), "29/07/2022", "29 Jul 2022"),
        (dt.date(2022, 6, 1), "01/06/2022", "1 Jun 2022"),
        (dt.date(2022, 6, 6), "06/06/2022", "6 Jun 2022"),
        (dt.date(2026, 1, 9), "09/01/2026", "9 Jan 2026"),
        (dt.date(1999, 12, 31), "31/12/1999", "31 Dec 1999"),
        (dt.date(5, 3, 4), "04/03/0005", "4 Mar 5"),
    ],
)
def test_uk_formats(day: dt.date, short: str, long: str) -> None:
    assert uk(day) == short
    assert uk_long(day) == long


def test_no_date_is_shown_as_blank() -> None:
    assert uk(None) == ""
    assert uk_long(None) == ""


def test_every_month_has_its_english_abbreviation() -> None:
    names = [uk_long(dt.date(2022, m, 1)).split()[1] for m in range(1, 13)]
    assert names == ["Jan", "Feb", "Mar", "Apr", "May", "Jun",
                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("29/07/2022", dt.date(2022, 7, 29)),
        ("01/06/2022", dt.date(2022, 6, 1)),
        ("1/6/2022", dt.date(2022, 6, 1)),
        ("01/09/2026", dt.date(2026, 9, 1)),  # day first: 1 September, not 9 January
        ("12/01/2022", dt.date(2022, 1, 12)),
        ("29.07.2022", dt.date(2022, 7, 29)),
        ("29-07-2022", dt.date(2022, 7, 29)),
        ("  29/07/2022  ", dt.date(2022, 7, 29)),
        ("29/02/2024", dt.date(2024, 2, 29)),
        ("2022-07-29", dt.date(2022, 7, 29)),
        (" 2022-06-01\n", dt.date(2022, 6, 1)),
        ("01092026", dt.date(2026, 9, 1)),
    ],
)
def test_parse_date_reads_uk_and_iso(typed: str, day: dt.date) -> None:
    assert parse_date(typed) == day


@pytest.mark.parametrize(
    "typed",
    ["", "   ", "tomorrow", "29 July 2022", "31/02/2022", "29/02/2023", "29/13/2022",
     "00/01/2022", "32/01/2022", "2022-7-29", "2022/07/29", "2022-13-01",
     "29/07/2022x", "29//07/2022", "00/00/0000"],
)
def test_bad_input_is_refused_with_a_plain_message(typed: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_date(typed)
    message = str(exc.value)
    assert message == (f"'{typed}' is not a date. Type it as day/month/year, "
                       "for example 29/07/2022.")


@pytest.mark.parametrize("typed", ["29/07/22", "1/6/22", "1.6.22"])
def test_a_two_digit_year_is_refused_not_guessed(typed: str) -> None:
    with pytest.raises(ValueError, match="two-digit year") as exc:
        parse_date(typed)
    assert "in full" in str(exc.value)


@pytest.mark.parametrize("typed", ["\uff11/\uff16/\uff12\uff10\uff12\uff12",
                                   "\u0662\u0660\u0662\u0662-\u0660\u0661-\u0660\u0661"])
def test_only_plain_digits_are_read(typed: str) -> None:
    with pytest.raises(ValueError, match="is not a date"):
        parse_date(typed)


@given(st.dates())
def test_uk_and_iso_text_read_back_as_the_same_date(day: dt.date) -> None:
    assert parse_date(uk(day)) == day
    assert parse_date(day.isoformat()) == day


def test_clocks() -> None:
    clock = fixed_clock(dt.date(2022, 7, 29))
    assert clock() == dt.date(2022, 7, 29) and clock() == dt.date(2022, 7, 29)
    before = dt.date.today()
    assert before <= system_today() <= dt.date.today()
