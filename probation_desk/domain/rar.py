"""RAR day counting: distinct dates, and the module's completion as exactly one day.

A RAR day is a date on which RAR activity took place: an activity counts when it is
flagged as RAR activity, was not marked as not attended, and is linked to the RAR
requirement (directly or through an NSI). Several on one date are one day. The
Pre-Intervention Module's first completion adds one day; revisits add none; a
completion on a date that already has RAR activity adds nothing more.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from probation_desk.domain.contacts import OutcomeType, Requirement


@dataclass(frozen=True)
class Activity:
    """A contact as RAR counting sees it."""

    on: dt.date
    rar_activity: bool = True
    attended: bool = True
    linked: bool = True


@dataclass(frozen=True)
class RarSummary:
    """'X of Y RAR days completed' for one requirement."""

    max_days: int
    days_completed: int
    module_days: int
    module_date: dt.date | None
    activity_days: int
    booked_days: int = 0
    counted: tuple[CountedDay, ...] = ()
    awaiting_outcome: int = 0

    @property
    def over_maximum(self) -> bool:
        """True when more days are recorded than the court's maximum."""
        return self.days_completed > self.max_days

    @property
    def text(self) -> str:
        """The figure shown on screens."""
        base = f"{self.days_completed} of {self.max_days} RAR days completed"
        return base + (" (over the court's maximum)" if self.over_maximum else "")

    @property
    def booked_text(self) -> str:
        """'2 of 20 RAR days completed, 3 booked', with a warning past the maximum."""
        text = f"{self.text}, {self.booked_days} booked"
        if not self.over_maximum and self.days_completed + self.booked_days > self.max_days:
            text += (f" (the booked days would go past the court's maximum of "
                     f"{self.max_days})")
        return text


@dataclass(frozen=True)
class CountedDay:
    """One counted RAR day and what made it count."""

    on: dt.date
    reasons: tuple[str, ...]


def counts(a: Activity) -> bool:
    """True when an activity counts towards RAR."""
    return a.rar_activity and a.attended and a.linked


def rar_days(max_days: int, activities: Iterable[Activity],
             module_completed_on: dt.date | None) -> RarSummary:
    """Count RAR days for one requirement.

    ``module_completed_on`` is the date of the module's first completion when it falls
    to this requirement (see :func:`requirement_for_module`), else ``None``; revisits
    are never passed here, because they never add a day.
    """
    activity_dates = {a.on for a in activities if counts(a)}
    days = set(activity_dates)
    module_days = 0
    if module_completed_on is not None and module_completed_on not in activity_dates:
        module_days = 1
    if module_completed_on is not None:
        days.add(module_completed_on)
    return RarSummary(
        max_days=max_days,
        days_completed=len(days),
        module_days=module_days,
        module_date=module_completed_on,
        activity_days=len(activity_dates),
    )


@dataclass(frozen=True)
class RequirementSpan:
    """The dates of an order that carries a RAR requirement."""

    requirement_id: int
    start: dt.date
    end: dt.date


def requirement_for_module(completed_on: dt.date | None,
                           spans: Iterable[RequirementSpan]) -> int | None:
    """The RAR requirement the module's completion counts towards.

    It is the requirement whose order was running on the completion date (the
    earliest-starting one if several were); ``None`` if none was.
    """
    if completed_on is None:
        return None
    running = [s for s in spans if s.start <= completed_on <= s.end]
    if not running:
        return None
    return min(running, key=lambda s: (s.start, s.requirement_id)).requirement_id


@dataclass(frozen=True)
class RarContact:
    """A contact as RAR counting sees it: linked says it hangs off this requirement."""

    at: dt.datetime
    rar: bool
    linked: bool
    outcome: OutcomeType | None
    label: str = ""
    cancelled: bool = False


def count_requirement(req: Requirement, contacts: Iterable[RarContact],
                      module_completed_on: dt.date | None, now: dt.datetime) -> RarSummary:
    """RAR days for one requirement, counted from its contacts, as nDelius counts them.

    A day counts when a contact on it is flagged RAR, linked to the requirement
    (directly or through an NSI), not cancelled, within the requirement's dates (up to
    its termination), and has an outcome that counts as a RAR day (the activity took
    place). Days are distinct dates; the module's completion adds one day at most.
    Booked days are the distinct future dates with a RAR appointment still to happen.
    """
    mine = [c for c in contacts
            if c.rar and c.linked and not c.cancelled and req.covers(c.at.date())]
    counted: dict[dt.date, list[str]] = {}
    for c in sorted(mine, key=lambda c: c.at):
        if c.outcome is not None and c.outcome.rar_day:
            counted.setdefault(c.at.date(), []).append(
                f"{c.label or 'Contact'} at {c.at.hour:02d}:{c.at.minute:02d}: "
                f"{c.outcome.name}")
    module_on = module_completed_on if (module_completed_on is not None
                                        and req.covers(module_completed_on)) else None
    summary = rar_days(req.max_days,
                       [Activity(d) for d in counted], module_on)
    if module_on is not None:
        counted.setdefault(module_on, []).append("Pre-Intervention Module completed")
    booked = {c.at.date() for c in mine if c.outcome is None and c.at > now} - set(counted)
    waiting = sum(1 for c in mine if c.outcome is None and c.at <= now)
    return replace(summary, booked_days=len(booked), awaiting_outcome=waiting,
                   counted=tuple(CountedDay(d, tuple(r)) for d, r in sorted(counted.items())))
