"""Structured Interventions: referral and the module prerequisite for starting one."""

from __future__ import annotations

import datetime as dt
from enum import Enum

from probation_desk.domain.dates import uk
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.module import ModuleState
from probation_desk.domain.text import NAME_MAX, clean_text


class NeedArea(Enum):
    """The needs Structured Interventions address."""

    ATB = "Attitudes, thinking and behaviour"
    DOMESTIC_ABUSE = "Domestic abuse"
    EMOTIONAL_MANAGEMENT = "Emotional management"


NATIONAL_EXAMPLES: tuple[str, ...] = (
    "Stepwise Problem Solving",
    "Stepwise Driving",
    "Stepwise Relationships",
    "Stepwise Emotions",
)


def check_referral(referral_date: dt.date, today: dt.date, name: str) -> str:
    """A referral is dated today or earlier and names its intervention; the name checked.

    The name goes through the same text check as every other typed name (controls,
    direction marks and broken characters refused, at most 200 characters).
    """
    if referral_date > today:
        raise RuleViolation("future-date", f"The referral date ({uk(referral_date)}) is in "
                            "the future.", "referral_date")
    if not name.strip():
        raise RuleViolation("required", "Name the Structured Intervention.", "name")
    checked = clean_text(name, field="name", label="The intervention's name",
                         max_len=NAME_MAX, multiline=False, required=True)
    assert checked is not None
    return checked


def check_start(state: ModuleState, referral_date: dt.date, start: dt.date,
                today: dt.date) -> None:
    """Refuse to start a Structured Intervention before the module is completed."""
    if start > today:
        raise RuleViolation("future-date", f"The start date ({uk(start)}) is in the future.",
                            "start_date")
    if start < referral_date:
        raise RuleViolation("dates-out-of-order", f"The start date ({uk(start)}) is before "
                            f"the referral date ({uk(referral_date)}).", "start_date")
    if not state.ready_for_si or (state.completed_on is not None and state.completed_on > start):
        raise RuleViolation(
            "module-not-completed",
            _NOT_COMPLETED
            + (f" (it was completed later, on {uk(state.completed_on)})"
               if state.completed_on else "")
            + _WHAT_TO_DO,
            "start_date",
        )


_NOT_COMPLETED = ("This Structured Intervention cannot start because the person has not "
                  "completed the Pre-Intervention Module")
_WHAT_TO_DO = (". Record the module's completion first; a treatment manager for Structured "
               "Interventions can advise.")


def start_blocked(state: ModuleState) -> str | None:
    """Why no Structured Intervention can start for this person yet (None: one may).

    The same words :func:`check_start` refuses with, so the window can say them beside
    a disabled "Begin intervention…" before anyone presses it.
    """
    if state.ready_for_si:
        return None
    return _NOT_COMPLETED + _WHAT_TO_DO
