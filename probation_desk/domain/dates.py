"""Dates: an injectable clock and UK formatting (dd/mm/yyyy) whatever the locale."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

Clock = Callable[[], dt.date]
"""A function returning today's date; injected so rules can be tested around key dates."""


def system_today() -> dt.date:
    """Today's date on this machine."""
    return dt.date.today()


def fixed_clock(day: dt.date) -> Clock:
    """A clock that always says ``day`` (for tests and for replaying history)."""
    return lambda: day


_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def uk(day: dt.date | None) -> str:
    """29/07/2022 style, or an empty string for no date."""
    return "" if day is None else f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def uk_long(day: dt.date | None) -> str:
    """29 Jul 2022 style, or an empty string for no date."""
    return "" if day is None else f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


_UK_RE = re.compile(r"^\s*([0-9]{1,2})[/.\-]([0-9]{1,2})[/.\-]([0-9]{4})\s*$")
_ISO_RE = re.compile(r"^\s*([0-9]{4})-([0-9]{2})-([0-9]{2})\s*$")
_COMPACT_RE = re.compile(r"^\s*([0-9]{2})([0-9]{2})([0-9]{4})\s*$")
_SHORT_YEAR_RE = re.compile(r"^\s*[0-9]{1,2}[/.\-][0-9]{1,2}[/.\-][0-9]{2}\s*$")


def parse_date(text: str) -> dt.date:
    """Read a date typed as dd/mm/yyyy (UK; also d/m/yyyy, dots, dashes, ddmmyyyy) or ISO.

    Only ASCII digits are read. Raises ``ValueError`` with a plain message when the text
    is not exactly one date: a two-digit year is refused rather than guessed.
    """
    m = _UK_RE.match(text) or _COMPACT_RE.match(text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _ISO_RE.match(text)
        if m:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        pass
    if _SHORT_YEAR_RE.match(text):
        raise ValueError(f"'{text.strip()}' has a two-digit year, which could mean more than "
                         "one date. Type the year in full, for example 01/06/2022.")
    raise ValueError(f"'{text}' is not a date. Type it as day/month/year, for example 29/07/2022.")
