"""Contacts and appointments, as nDelius holds them: types, outcomes and their rules.

A contact has a date and time, a type from the catalogue, the person, optionally the
order (its RAR requirement) and the NSI it is delivered under, a RAR activity flag,
notes, and an outcome once it has happened. The catalogue (types, outcomes with their
flags, absence reasons, the enforcement threshold and the edit window) is data, in
``resources/contact_types.json``; this module holds the rules only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from probation_desk.domain.dates import uk
from probation_desk.domain.errors import RuleViolation
from probation_desk.domain.text import NOTES_MAX, clean_text

NowClock = Callable[[], dt.datetime]
"""A function returning the current local date and time (injected in tests)."""


def system_now() -> dt.datetime:
    """The current local time on this machine, to the minute."""
    return dt.datetime.now().replace(second=0, microsecond=0)


def now_by(clock: Callable[[], dt.date]) -> dt.datetime:
    """Now by a date clock: its date at this machine's time of day, to the minute, so an
    injected date clock moves appointments' "now" too."""
    return dt.datetime.combine(clock(), dt.datetime.now().time().replace(second=0,
                                                                         microsecond=0))


def uk_time(at: dt.datetime) -> str:
    """29/07/2022 14:30 style."""
    return f"{uk(at.date())} {at.hour:02d}:{at.minute:02d}"


@dataclass(frozen=True)
class ContactType:
    """A kind of contact (office visit, telephone...)."""

    code: str
    name: str


@dataclass(frozen=True)
class OutcomeType:
    """An outcome with its flags, as nDelius keeps them."""

    code: str
    name: str
    attended: bool
    complied: bool
    enforceable: bool
    rar_day: bool
    needs_reason: bool = False


@dataclass(frozen=True)
class AbsenceReason:
    """Why an absence was acceptable."""

    code: str
    name: str


@dataclass(frozen=True)
class ContactCatalogue:
    """The contact types, outcomes and thresholds from ``resources/contact_types.json``."""

    types: tuple[ContactType, ...]
    outcomes: tuple[OutcomeType, ...]
    reasons: tuple[AbsenceReason, ...]
    review_threshold: int
    window_months: int
    edit_window_days: int

    def type(self, code: str) -> ContactType:
        """The type with ``code``, or a refusal naming the codes there are."""
        return _find(self.types, code, "unknown-contact-type", "a contact type", "type")

    def outcome(self, code: str) -> OutcomeType:
        """The outcome with ``code``, or a refusal naming the codes there are."""
        return _find(self.outcomes, code, "unknown-outcome", "an outcome", "outcome")

    def reason(self, code: str) -> AbsenceReason:
        """The absence reason with ``code``, or a refusal naming the codes there are."""
        return _find(self.reasons, code, "unknown-reason", "an absence reason", "reason")


_Coded = TypeVar("_Coded", ContactType, OutcomeType, AbsenceReason)


def _find(items: tuple[_Coded, ...], code: str, rule: str, what: str, field: str) -> _Coded:
    """The catalogue entry with ``code``, or ``rule``'s refusal naming the codes there are."""
    for item in items:
        if item.code == code:
            return item
    raise RuleViolation(rule, f"'{code}' is not {what}. Choose one of: "
                        f"{', '.join(i.code for i in items)}.", field)


def parse_contact_catalogue(data: dict[str, Any]) -> ContactCatalogue:
    """Build the catalogue from its JSON form (refusing a malformed one)."""
    try:
        types = tuple(ContactType(str(t["code"]), str(t["name"])) for t in data["types"])
        outcomes = tuple(
            OutcomeType(str(o["code"]), str(o["name"]), bool(o["attended"]),
                        bool(o["complied"]), bool(o["enforceable"]), bool(o["rar_day"]),
                        bool(o.get("needs_reason", False)))
            for o in data["outcomes"])
        reasons = tuple(AbsenceReason(str(r["code"]), str(r["name"]))
                        for r in data["absence_reasons"])
        enforcement = data["enforcement"]
        cat = ContactCatalogue(types, outcomes, reasons, int(enforcement["review_threshold"]),
                               int(enforcement["window_months"]),
                               int(data["edit_window_days"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"The contact catalogue is malformed: {exc!r}") from None
    if cat.review_threshold < 1 or cat.window_months < 1 or cat.edit_window_days < 0:
        raise ValueError("The contact catalogue's thresholds must be positive.")
    return cat


@lru_cache(maxsize=4)
def load_contact_catalogue(path: Path | None = None) -> ContactCatalogue:
    """The shipped contact catalogue (or the one at ``path``)."""
    if path is None:
        from probation_desk.resources import resource_path

        path = resource_path("contact_types.json")
    return parse_contact_catalogue(json.loads(path.read_text(encoding="utf-8")))


# ---------------------------------------------------------------- requirements
@dataclass(frozen=True)
class Requirement:
    """A RAR requirement: its order's dates, the court's maximum and any termination."""

    id: int
    start: dt.date
    end: dt.date
    max_days: int
    terminated_on: dt.date | None = None

    @property
    def last_day(self) -> dt.date:
        """The last day RAR activity can count: the end, or the termination if earlier."""
        if self.terminated_on is not None and self.terminated_on < self.end:
            return self.terminated_on
        return self.end

    def covers(self, day: dt.date) -> bool:
        """True when ``day`` falls within the requirement's running dates."""
        return self.start <= day <= self.last_day


def check_termination(req: Requirement, on: dt.date, reason: str | None,
                      today: dt.date) -> str:
    """Validate an early termination of a RAR requirement; returns the cleaned reason."""
    if req.terminated_on is not None:
        raise RuleViolation("already-terminated",
                            f"This RAR requirement was already terminated on "
                            f"{uk(req.terminated_on)}.", "terminated_on")
    if on > today:
        raise RuleViolation("future-date", "The termination date cannot be in the future.",
                            "terminated_on")
    if on < req.start or on > req.end:
        raise RuleViolation("termination-outside-order",
                            f"The termination date must fall within the order "
                            f"({uk(req.start)} to {uk(req.end)}).", "terminated_on")
    text = clean_text(reason, field="reason", label="The reason for termination",
                      max_len=200, multiline=False, required=True)
    assert text is not None
    return text


def check_nsi_on_requirement(req: Requirement | None, nsi_end: dt.date | None) -> None:
    """nDelius: an NSI linked to a terminated requirement needs an end date."""
    if req is not None and req.terminated_on is not None and nsi_end is None:
        raise RuleViolation(
            "requirement-terminated",
            f"The RAR requirement this NSI is linked to was terminated on "
            f"{uk(req.terminated_on)}, so the NSI needs an end date. Close the NSI, or link "
            "it to a running order.", "order")


# ---------------------------------------------------------------- contacts
@dataclass(frozen=True)
class ContactDetails:
    """What is typed when a contact or appointment is booked."""

    type_code: str
    at: dt.datetime
    order_id: int | None = None
    nsi_id: int | None = None
    rar: bool = False
    notes: str | None = None


def check_contact(cat: ContactCatalogue, d: ContactDetails,
                  requirement: Requirement | None) -> ContactDetails:
    """Validate a contact before it is booked.

    ``requirement`` is the RAR requirement the contact hangs off (through its order or
    its NSI's order), or None when it hangs off none: the RAR flag needs one.
    """
    cat.type(d.type_code)
    if d.rar and requirement is None:
        raise RuleViolation(
            "rar-needs-requirement",
            "A contact can only be flagged as RAR activity when it is linked to an order "
            "with a RAR requirement (directly, or through an NSI on that order). Choose "
            "the order, or clear the RAR flag.", "rar")
    if d.rar and requirement is not None and not requirement.covers(d.at.date()):
        raise RuleViolation(
            "rar-outside-requirement",
            f"The RAR requirement runs from {uk(requirement.start)} to "
            f"{uk(requirement.last_day)}, so a RAR contact cannot be dated "
            f"{uk(d.at.date())}.", "at")
    notes = clean_text(d.notes, field="notes", label="The notes", max_len=NOTES_MAX)
    return ContactDetails(d.type_code, d.at.replace(second=0, microsecond=0), d.order_id,
                          d.nsi_id, d.rar, notes)


def check_outcome(cat: ContactCatalogue, at: dt.datetime, outcome_code: str,
                  reason_code: str | None, now: dt.datetime) -> tuple[OutcomeType, str | None]:
    """Validate an outcome for a contact at ``at``; returns the outcome and its reason."""
    outcome = cat.outcome(outcome_code)
    if now < at:
        raise RuleViolation(
            "outcome-too-early",
            f"This appointment is at {uk_time(at)}, which has not happened yet, so its "
            "outcome cannot be recorded. Record it after the appointment.", "outcome")
    if outcome.needs_reason:
        if not reason_code:
            raise RuleViolation(
                "reason-needed",
                f"'{outcome.name}' needs a reason: one of "
                f"{', '.join(r.name.lower() for r in cat.reasons)}.", "reason")
        return outcome, cat.reason(reason_code).code
    if reason_code:
        raise RuleViolation("reason-not-allowed",
                            f"A reason is only given for an acceptable absence, not for "
                            f"'{outcome.name}'.", "reason")
    return outcome, None


def editable_until(cat: ContactCatalogue, at: dt.datetime) -> dt.date:
    """The last day a contact's outcome and notes may still be edited directly."""
    return at.date() + dt.timedelta(days=cat.edit_window_days)


def check_edit_window(cat: ContactCatalogue, at: dt.datetime, today: dt.date) -> None:
    """Refuse a direct edit once the window has passed (a correction note is the way)."""
    last = editable_until(cat, at)
    if today > last:
        raise RuleViolation(
            "edit-window-passed",
            f"This contact could be edited until {uk(last)} ({cat.edit_window_days} days "
            "after its date). Add a note of correction instead: it is kept beside the "
            "original, which stays as it was.", "notes")


# ---------------------------------------------------------------- enforcement
def months_before(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months earlier (the month's last day if it is shorter)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    m += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(y, m, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class Enforcement:
    """Failures to comply in the window and whether enforcement should be reviewed."""

    failures: tuple[dt.date, ...]
    threshold: int
    since: dt.date

    @property
    def review(self) -> bool:
        """True at or past the threshold."""
        return len(self.failures) >= self.threshold

    @property
    def text(self) -> str:
        """The words shown on the record."""
        n = len(self.failures)
        base = (f"{n} failure{'s' if n != 1 else ''} to comply since {uk(self.since)}")
        if self.review:
            return f"Review enforcement: {base} (the limit is {self.threshold})."
        return base + "."


def enforcement(cat: ContactCatalogue, outcomes: Iterable[tuple[dt.date, OutcomeType]],
                today: dt.date) -> Enforcement:
    """Failures to comply (enforceable outcomes) in the last ``window_months`` months."""
    since = months_before(today, cat.window_months)
    failures = sorted(d for d, o in outcomes if o.enforceable and since < d <= today)
    return Enforcement(tuple(failures), cat.review_threshold, since)
