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
from dataclasses import dataclass


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

    @property
    def over_maximum(self) -> bool:
        """True when more days are recorded than the court's maximum."""
        return self.days_completed > self.max_days

    @property
    def text(self) -> str:
        """The figure shown on screens."""
        base = f"{self.days_completed} of {self.max_days} RAR days completed"
        return base + (" (over the court's maximum)" if self.over_maximum else "")


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
