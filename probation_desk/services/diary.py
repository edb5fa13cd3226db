"""My week: the appointments across a caseload, day by day, with the past ones still
waiting for an outcome first ("Outcomes to record").

An appointment needs an outcome once its time has passed, when it has none and was not
cancelled (the same rule as on the person's record: ``domain.contacts``). Outcomes are
recorded through ``Desk.record_outcome``, as on the record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from probation_desk.domain.errors import RuleViolation
from probation_desk.services.desk import Desk
from probation_desk.services.queries import managed_by, my_identity
from probation_desk.store.models import Contact, Person

OVERDUE_LIMIT = 500
"""At most this many outcomes to record are listed (the oldest first)."""


@dataclass(frozen=True)
class DiaryEntry:
    """One appointment in the diary."""

    id: int
    person_id: int
    crn: str
    name: str
    at: dt.datetime
    type_code: str
    type_name: str
    rar: bool
    outcome: str | None
    """The outcome's code (None: none recorded)."""
    outcome_name: str | None
    """The outcome in words, as the contact catalogue names it."""
    cancelled: bool
    needs_outcome: bool

    @property
    def ref(self) -> str:
        """The contact's reference (C and the id), as the record and the command line use."""
        return f"C{self.id}"

    @property
    def timed(self) -> bool:
        """False for a contact recorded without a time (stored at midnight)."""
        return self.at.time() != dt.time()


@dataclass(frozen=True)
class Diary:
    """The week asked for, and the outcomes still to record before it."""

    start: dt.date
    days: int
    to_record: list[DiaryEntry]
    """Past appointments with no outcome, oldest first (whatever their date)."""
    by_day: dict[dt.date, list[DiaryEntry]]
    """Every day of the range (empty days included), its appointments in time order."""
    everyone: bool


def diary(desk: Desk, start: dt.date, days: int = 7, *, everyone: bool = False,
          region: str = "") -> Diary:
    """The appointments of my caseload (or everyone's, in ``region`` if given) from
    ``start`` for ``days`` days, and every past one of theirs still needing an outcome."""
    if not 1 <= days <= 31:
        raise RuleViolation("bad-range", "Show between 1 and 31 days.", "days")
    now = desk.now
    end = dt.datetime.combine(start + dt.timedelta(days=days), dt.time())
    begin = dt.datetime.combine(start, dt.time())
    who = [] if everyone else [managed_by(my_identity(desk))]
    if region:
        who.append(Person.region == region)
    cols = (Contact.id, Contact.person_id, Person.crn, Person.name, Contact.at,
            Contact.contact_type, Contact.rar_activity, Contact.outcome, Contact.cancelled_on)
    with desk._read() as s:
        week = s.execute(select(*cols).join(Person, Person.id == Contact.person_id)
                         .where(*who, Contact.at >= begin, Contact.at < end)
                         .order_by(Contact.at, Contact.id)).all()
        due = s.execute(select(*cols).join(Person, Person.id == Contact.person_id)
                        .where(*who, Contact.at <= now, Contact.outcome.is_(None),
                               Contact.cancelled_on.is_(None))
                        .order_by(Contact.at, Contact.id).limit(OVERDUE_LIMIT)).all()
    cat = desk.contact_catalogue

    def entry(r: Any) -> DiaryEntry:
        try:
            type_name = cat.type(r.contact_type).name
        except RuleViolation:
            type_name = r.contact_type
        outcome_name = None
        if r.outcome:
            try:
                outcome_name = cat.outcome(r.outcome).name
            except RuleViolation:
                outcome_name = r.outcome
        return DiaryEntry(r.id, r.person_id, r.crn, r.name, r.at, r.contact_type, type_name,
                          bool(r.rar_activity), r.outcome, outcome_name,
                          r.cancelled_on is not None,
                          r.outcome is None and r.cancelled_on is None and r.at <= now)

    by_day: dict[dt.date, list[DiaryEntry]] = {
        start + dt.timedelta(days=i): [] for i in range(days)}
    for r in week:
        e = entry(r)
        by_day[e.at.date()].append(e)
    return Diary(start, days, [entry(r) for r in due], by_day, everyone)


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week (weeks start on Monday)."""
    return day - dt.timedelta(days=day.weekday())
