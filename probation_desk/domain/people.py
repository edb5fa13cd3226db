"""People on probation and their orders: the checks made before anything is saved."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.text import NAME_MAX, clean_text

CRN_RE = re.compile(r"^[A-Z][0-9]{6}$")

REGIONS: tuple[str, ...] = (
    "North East",
    "North West",
    "Yorkshire and the Humber",
    "Wales",
    "West Midlands",
    "East Midlands",
    "South West",
    "South Central",
    "East of England",
    "London",
    "Kent, Surrey and Sussex",
    "Greater Manchester",
)


class Language(Enum):
    """Preferred language for printed material."""

    ENGLISH = "English"
    WELSH = "Welsh"


class PrintNeeds(Enum):
    """How the person needs printed material."""

    STANDARD = "Standard print"
    LARGE = "Large print"


class OrderKind(Enum):
    """The sentence or licence the supervision comes from."""

    COMMUNITY_ORDER = "Community order"
    SUSPENDED_SENTENCE = "Suspended sentence order"
    LICENCE = "Licence"
    POST_SENTENCE_SUPERVISION = "Post sentence supervision"


def check_crn(value: str) -> str:
    """Return the CRN (upper-cased, trimmed) or refuse it."""
    crn = (value or "").strip().upper()
    if not CRN_RE.match(crn):
        raise RuleViolation(
            "invalid-crn",
            f"'{value}' is not a valid CRN. A CRN is one letter followed by six digits, "
            "for example X123456.",
            "crn",
        )
    return crn


def check_region(value: str) -> str:
    """Return the region's proper name, or refuse an unknown one."""
    for region in REGIONS:
        if region.casefold() == (value or "").strip().casefold():
            return region
    raise RuleViolation(
        "unknown-region",
        f"'{value}' is not one of the 12 probation regions. Choose from: {', '.join(REGIONS)}.",
        "region",
    )


@dataclass(frozen=True)
class PersonDetails:
    """What is recorded about a person on probation."""

    crn: str
    name: str
    date_of_birth: dt.date | None
    region: str
    pdu: str
    practitioner: str
    language: Language = Language.ENGLISH
    print_needs: PrintNeeds = PrintNeeds.STANDARD


def check_person(details: PersonDetails, today: dt.date) -> PersonDetails:
    """Validate a person's details; return them normalised or raise ``RuleViolation``."""
    crn = check_crn(details.crn)
    name = clean_text(details.name, field="name", label="The name", max_len=NAME_MAX,
                      multiline=False, required=True)
    if details.date_of_birth is not None and details.date_of_birth > today:
        raise RuleViolation("future-date", "The date of birth cannot be in the future.",
                            "date_of_birth")
    region = check_region(details.region)
    pdu = clean_text(details.pdu, field="pdu", label="The PDU", max_len=100,
                     multiline=False, required=True)
    practitioner = clean_text(details.practitioner, field="practitioner",
                              label="The managing practitioner", max_len=NAME_MAX,
                              multiline=False, required=True)
    assert name is not None and pdu is not None and practitioner is not None
    return PersonDetails(crn, name, details.date_of_birth, region, pdu, practitioner,
                         details.language, details.print_needs)


@dataclass(frozen=True)
class OrderDetails:
    """A sentence or licence, with the court's maximum RAR days when it has a RAR."""

    kind: OrderKind
    start: dt.date
    end: dt.date
    rar_max_days: int | None = None


def check_order(order: OrderDetails) -> OrderDetails:
    """Validate an order's dates and RAR maximum."""
    if order.end < order.start:
        raise RuleViolation("dates-out-of-order",
                            "The order's end date is before its start date.", "end")
    if order.rar_max_days is not None and not 1 <= order.rar_max_days <= 365:
        raise RuleViolation(
            "rar-max",
            "The court's maximum RAR days must be a whole number from 1 to 365.",
            "rar_max_days",
        )
    return order
