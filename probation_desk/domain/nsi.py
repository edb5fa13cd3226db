"""Toolkit NSIs: statuses, outcomes, nDelius date rules and the withdrawal rule.

The shape follows nDelius: a type (the toolkit), a status that moves
Referred -> In progress -> Completed (or ends early with another outcome), a
referral date, expected and actual start and end dates, an outcome when it ends,
notes, and the managing practitioner.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import Enum

from probation_desk.domain.catalogue import Toolkit
from probation_desk.domain.dates import uk, uk_long
from probation_desk.domain.errors import RuleViolation, refuse_all
from probation_desk.domain.text import NAME_MAX, NOTES_MAX, clean_text


class Status(Enum):
    """NSI statuses, in the order an NSI moves through them."""

    REFERRED = "Referred"
    IN_PROGRESS = "In progress"
    COMPLETED = "Completed"
    ENDED = "Ended early"

    @property
    def is_open(self) -> bool:
        """True for statuses of an NSI that has not ended."""
        return self is _REFERRED or self is _IN_PROGRESS


_REFERRED, _IN_PROGRESS = Status.REFERRED, Status.IN_PROGRESS


class Outcome(Enum):
    """How an NSI ended."""

    COMPLETED = "Toolkit completed"
    NOT_COMPLETED = "Not completed: stopped engaging"
    NOT_SUITABLE = "Not completed: no longer suitable"
    ORDER_ENDED = "Not completed: order or licence ended"
    TOOLKIT_WITHDRAWN = "Closed: toolkit withdrawn"
    TRANSFERRED = "Transferred to another toolkit"
    AUTO_CLOSED = "Closed automatically: toolkit withdrawn"
    DUPLICATE = "Closed: a second open NSI of the same toolkit"


OPEN_STATUSES = (Status.REFERRED, Status.IN_PROGRESS)
TOOLKIT_STATUSES = tuple(Status)
TOOLKIT_OUTCOMES = tuple(Outcome)
MANUAL_OUTCOMES = tuple(o for o in Outcome if o not in (
    Outcome.AUTO_CLOSED, Outcome.TRANSFERRED, Outcome.DUPLICATE))
"""Outcomes a practitioner may choose on some toolkit (:func:`outcomes_for` says which)."""


def outcomes_for(kit: Toolkit, today: dt.date, *, manual_only: bool = False
                 ) -> tuple[Outcome, ...]:
    """The outcomes an NSI of ``kit`` may end with (the catalogue says which, per toolkit).

    ``manual_only`` leaves out those Probation Desk sets itself (a switch, the sweep):
    these are the ones a practitioner chooses from when closing an NSI.
    """
    # Kept on the toolkit per day (the import asks once per NSI); a frozen dataclass,
    # so the cache goes into its __dict__ directly. It is not a field: not compared.
    cache = kit.__dict__.setdefault("_outcomes_for", {})
    key = (today, manual_only)
    found = cache.get(key)
    if found is None:
        found = cache[key] = tuple(
            Outcome[code] for code in kit.allowed_outcomes(today, manual_only=manual_only))
    return found  # type: ignore[no-any-return]


def _outcome_refusal(kit: Toolkit, outcome: Outcome, today: dt.date, *,
                     manual: bool) -> RuleViolation | None:
    allowed = outcomes_for(kit, today, manual_only=manual)
    if outcome in allowed:
        return None
    if outcome in outcomes_for(kit, today) and manual:
        return RuleViolation("outcome-reserved",
                             f"The outcome '{outcome.value}' is set by Probation Desk itself. "
                             "Choose another outcome.", "outcome")
    why = (" It is only for toolkits that have been withdrawn, and this one is approved."
           if outcome in (Outcome.TOOLKIT_WITHDRAWN, Outcome.AUTO_CLOSED)
           and not kit.is_withdrawn(today) else "")
    choices = "; ".join(f"'{o.value}'" for o in outcomes_for(kit, today, manual_only=True))
    return RuleViolation("outcome-not-allowed",
                         f"'{outcome.value}' is not an outcome a {kit.titled} NSI can have."
                         f"{why} Choose one of: {choices}.", "outcome")


@dataclass(frozen=True)
class NsiFields:
    """The editable fields of a toolkit NSI."""

    toolkit: str
    status: Status = Status.REFERRED
    referral_date: dt.date | None = None
    expected_start: dt.date | None = None
    expected_end: dt.date | None = None
    actual_start: dt.date | None = None
    actual_end: dt.date | None = None
    outcome: Outcome | None = None
    notes: str | None = None
    practitioner: str | None = None

    @property
    def is_open(self) -> bool:
        """True while the NSI has not ended."""
        return self.status.is_open


def _not_future(value: dt.date | None, today: dt.date, field: str, label: str) -> None:
    if value is not None and value > today:
        raise RuleViolation(
            "future-date",
            f"The {label} ({uk(value)}) is in the future. It can be today ({uk(today)}) "
            "or earlier.",
            field,
        )


def _in_order(first: dt.date | None, second: dt.date | None, field: str,
              first_label: str, second_label: str) -> None:
    if first is not None and second is not None and second < first:
        raise RuleViolation(
            "dates-out-of-order",
            f"The {second_label} ({uk(second)}) is before the {first_label} ({uk(first)}).",
            field,
        )


def check_fields(f: NsiFields, today: dt.date) -> NsiFields:
    """Apply every nDelius validation to ``f``; return it with notes normalised."""
    if f.referral_date is None:
        raise RuleViolation("required", "The referral date is needed.", "referral_date")
    _not_future(f.referral_date, today, "referral_date", "referral date")
    _not_future(f.actual_start, today, "actual_start", "start date")
    _not_future(f.actual_end, today, "actual_end", "end date")
    _in_order(f.referral_date, f.expected_start, "expected_start",
              "referral date", "expected start date")
    _in_order(f.expected_start or f.referral_date, f.expected_end, "expected_end",
              "expected start date" if f.expected_start else "referral date",
              "expected end date")
    _in_order(f.referral_date, f.actual_start, "actual_start", "referral date", "start date")
    _in_order(f.actual_start or f.referral_date, f.actual_end, "actual_end",
              "start date" if f.actual_start else "referral date", "end date")
    if f.actual_end is not None and f.outcome is None:
        raise RuleViolation("end-needs-outcome",
                            "An NSI with an end date needs an outcome. Choose how it ended.",
                            "outcome")
    if f.actual_end is not None and f.actual_start is None:
        raise RuleViolation("end-needs-start",
                            "An NSI with an end date needs a start date too.", "actual_start")
    if f.outcome is not None and f.actual_end is None:
        raise RuleViolation("outcome-needs-end",
                            "An outcome can only be recorded with an end date. "
                            "Add the date the NSI ended.", "actual_end")
    if f.status not in TOOLKIT_STATUSES:
        raise RuleViolation("status-not-allowed",
                            f"'{f.status}' is not a status a toolkit NSI can have.", "status")
    if f.outcome is not None and f.outcome not in TOOLKIT_OUTCOMES:
        raise RuleViolation("outcome-not-allowed",
                            f"'{f.outcome}' is not an outcome a toolkit NSI can have.", "outcome")
    if f.status.is_open and f.outcome is not None:
        raise RuleViolation("open-with-outcome",
                            f"An NSI with the status '{f.status.value}' has not ended, so it "
                            "cannot have an outcome yet.", "outcome")
    if not f.status.is_open and f.actual_end is None:
        raise RuleViolation("closed-needs-end",
                            f"The status '{f.status.value}' means the NSI has ended: add the "
                            "end date and the outcome.", "actual_end")
    if f.status is Status.COMPLETED and f.outcome is not Outcome.COMPLETED:
        raise RuleViolation("completed-outcome",
                            "A completed NSI has the outcome 'Toolkit completed'.", "outcome")
    if f.status is Status.ENDED and f.outcome is Outcome.COMPLETED:
        raise RuleViolation("ended-outcome",
                            "An NSI that ended early cannot have the outcome "
                            "'Toolkit completed': set its status to Completed instead.",
                            "outcome")
    if f.status is Status.IN_PROGRESS and f.actual_start is None:
        raise RuleViolation("in-progress-needs-start",
                            "An NSI in progress needs the date it started.", "actual_start")
    notes = clean_text(f.notes, field="notes", label="The notes", max_len=NOTES_MAX)
    practitioner = clean_text(f.practitioner, field="practitioner",
                              label="The managing practitioner", max_len=NAME_MAX,
                              multiline=False)
    if notes == f.notes and practitioner == f.practitioner:
        return f
    return replace(f, notes=notes, practitioner=practitioner)


def withdrawn_message(kit: Toolkit) -> str:
    """The refusal shown when someone tries to open an NSI on a withdrawn toolkit."""
    assert kit.withdrawn_from is not None
    return (
        f"The {kit.titled} was withdrawn on {uk_long(kit.withdrawn_from)}, so new NSIs "
        "cannot be opened on it. Choose an approved toolkit, or switch this person's NSI "
        "to one."
        + (" Its materials are still available as a practitioner resource pack, which is "
           "not recorded as an NSI." if kit.resource_pack else "")
    )


def check_open(kit: Toolkit, fields: NsiFields, today: dt.date, *,
               open_of_same_toolkit: int, historical: bool = False) -> NsiFields:
    """Check that a new NSI may be opened (or imported, when ``historical``).

    A new NSI on a withdrawn toolkit is refused whatever dates are typed. An import
    of history is accepted when its referral date is before the withdrawal date.
    """
    checked = check_fields(fields, today)
    referral = checked.referral_date
    assert referral is not None
    if checked.outcome is not None:
        refusal = _outcome_refusal(kit, checked.outcome, today, manual=False)
        if refusal is not None:
            raise refusal
    if kit.withdrawn_from is not None:
        as_history = historical and referral < kit.withdrawn_from
        if kit.is_withdrawn(today) and not as_history:
            raise RuleViolation("toolkit-withdrawn", withdrawn_message(kit), "toolkit")
    if referral < kit.available_from:
        raise RuleViolation(
            "toolkit-not-available",
            f"The {kit.titled} was only available from {uk_long(kit.available_from)}.",
            "referral_date",
        )
    if checked.is_open and open_of_same_toolkit > 0:
        raise RuleViolation(
            "duplicate-open-nsi",
            f"This person already has an open {kit.name} NSI. Update that one, or close it "
            "before opening another.",
            "toolkit",
        )
    return checked


def check_update(kit: Toolkit, before: NsiFields, after: NsiFields,
                 today: dt.date) -> NsiFields:
    """Check a change to an existing NSI.

    A closed NSI cannot be changed. On a withdrawn toolkit an in-flight NSI may be
    updated and closed until the close-by date; after it, the only change allowed
    is closing it.
    """
    if not before.is_open:
        raise RuleViolation(
            "nsi-closed",
            f"This NSI ended on {uk(before.actual_end)}, so it cannot be changed. "
            "Open a new NSI if more work is needed.",
        )
    if after.toolkit != before.toolkit:
        raise RuleViolation(
            "toolkit-change",
            "An NSI's toolkit cannot be changed. Use 'Switch toolkit' to close it and open "
            "one on another toolkit with the notes carried over.",
            "toolkit",
        )
    checked = check_fields(after, today)
    if checked.outcome is not None and checked.outcome is not before.outcome:
        refusal = _outcome_refusal(kit, checked.outcome, today, manual=False)
        if refusal is not None:
            raise refusal
    _check_referral_on_toolkit(kit, before, checked)
    if kit.past_close_by(today) and checked.is_open:
        assert kit.close_by is not None
        raise RuleViolation(
            "toolkit-close-by-passed",
            f"The {kit.titled} was withdrawn and its NSIs had to be closed by "
            f"{uk_long(kit.close_by)}. The only change now allowed is to close this NSI, "
            "or switch the person to an approved toolkit.",
            "status",
        )
    if _rank(checked.status) < _rank(before.status):
        raise RuleViolation(
            "status-backwards",
            f"An NSI cannot go back from '{before.status.value}' to '{checked.status.value}'.",
            "status",
        )
    return checked


def _check_referral_on_toolkit(kit: Toolkit, before: NsiFields, after: NsiFields) -> None:
    """A changed referral date must still be one the toolkit could have been referred on."""
    referral = after.referral_date
    if referral is None or referral == before.referral_date:
        return
    if referral < kit.available_from:
        raise RuleViolation(
            "toolkit-not-available",
            f"The {kit.titled} was only available from {uk_long(kit.available_from)}, "
            f"so the referral date cannot be {uk(referral)}.", "referral_date")
    if kit.withdrawn_from is not None and referral >= kit.withdrawn_from:
        raise RuleViolation(
            "toolkit-withdrawn",
            f"The {kit.titled} was withdrawn on {uk_long(kit.withdrawn_from)}, so an "
            f"NSI on it cannot have been referred on {uk(referral)}.", "referral_date")


def _rank(status: Status) -> int:
    return {Status.REFERRED: 0, Status.IN_PROGRESS: 1, Status.COMPLETED: 2, Status.ENDED: 2}[status]


def close_refusals(kit: Toolkit, before: NsiFields, outcome: Outcome, end: dt.date,
                   today: dt.date, *, notes: str | None = None, manual: bool = True,
                   date_label: str = "end date", date_field: str = "actual_end"
                   ) -> list[RuleViolation]:
    """Every reason closing ``before`` with ``outcome`` on ``end`` is refused (all at once).

    The date typed is never moved: an end date before the NSI started (or, when it never
    started, before its referral) is refused naming both dates. ``manual`` is True when a
    practitioner chose the outcome (outcomes set by Probation Desk itself are refused).
    """
    found: list[RuleViolation] = []
    if not before.is_open:
        found.append(RuleViolation(
            "nsi-closed", f"This NSI ended on {uk(before.actual_end)}, so it cannot be "
            "changed. Open a new NSI if more work is needed."))
    if end > today:
        found.append(RuleViolation(
            "future-date", f"The {date_label} ({uk(end)}) is in the future. It can be today "
            f"({uk(today)}) or earlier.", date_field))
    if before.actual_start is not None and end < before.actual_start:
        found.append(RuleViolation(
            "dates-out-of-order", f"The {date_label} ({uk(end)}) is before this NSI started "
            f"({uk(before.actual_start)}). Type a date on or after {uk(before.actual_start)}.",
            date_field))
    elif before.actual_start is None and before.referral_date is not None \
            and end < before.referral_date:
        found.append(RuleViolation(
            "dates-out-of-order", f"The {date_label} ({uk(end)}) is before this NSI was "
            f"referred ({uk(before.referral_date)}). Type a date on or after "
            f"{uk(before.referral_date)}.", date_field))
    refusal = _outcome_refusal(kit, outcome, today, manual=manual)
    if refusal is not None:
        found.append(refusal)
    try:
        clean_text(notes, field="notes", label="The notes", max_len=NOTES_MAX)
    except RuleViolation as exc:
        found.append(exc)
    return found


def check_close(kit: Toolkit, before: NsiFields, outcome: Outcome, end: dt.date,
                today: dt.date, *, notes: str | None = None, manual: bool = True,
                date_label: str = "end date", date_field: str = "actual_end") -> None:
    """Refuse closing as :func:`close_refusals` says (several refusals together)."""
    refuse_all(close_refusals(kit, before, outcome, end, today, notes=notes, manual=manual,
                              date_label=date_label, date_field=date_field))


def closed_fields(before: NsiFields, outcome: Outcome, end: dt.date,
                  notes: str | None = None) -> NsiFields:
    """The fields of ``before`` once closed with ``outcome`` on ``end`` (exactly that date).

    An NSI that never started is given the end date as its start date, as nDelius
    requires a start date with an end date. Check with :func:`check_close` first: an end
    date before the start is not moved here, it is refused there.
    """
    status = Status.COMPLETED if outcome is Outcome.COMPLETED else Status.ENDED
    start = before.actual_start or end
    return replace(before, status=status, outcome=outcome, actual_end=end,
                   actual_start=start, notes=notes if notes is not None else before.notes)


def sweep_due(kit: Toolkit, fields: NsiFields, today: dt.date) -> bool:
    """True when the sweep must close this NSI: open, on a toolkit past its close-by date."""
    return fields.is_open and kit.past_close_by(today)


def is_overdue(kit: Toolkit, is_open: bool, today: dt.date) -> bool:
    """True for an open NSI whose toolkit's close-by date has passed (shown as 'Overdue')."""
    return is_open and kit.past_close_by(today)


def sweep_close_date(kit: Toolkit, fields: NsiFields, today: dt.date) -> dt.date:
    """The end date the sweep records: the close-by date, never before the NSI began."""
    assert kit.close_by is not None
    floor = fields.actual_start or fields.referral_date or kit.close_by
    return min(today, max(kit.close_by, floor))


def check_switch_target(target: Toolkit, today: dt.date) -> None:
    """A switch must go to a toolkit that is approved today."""
    if not target.is_selectable(today):
        if target.withdrawn_from is not None:
            raise RuleViolation("toolkit-withdrawn", withdrawn_message(target), "toolkit")
        raise RuleViolation("toolkit-not-available",
                            f"The {target.titled} is not available yet.", "toolkit")


def switch_notes(old_kit: Toolkit, new_kit: Toolkit, notes: str | None, on: dt.date) -> str:
    """Notes for the new NSI of a switch: the old notes carried, with where they came from.

    Refused (never cut short) when the old notes and that first line together are over
    the notes limit.
    """
    header = (f"Switched from the {old_kit.titled} to the {new_kit.titled} on {uk(on)}. "
              "Notes carried over:")
    body = notes or "(no notes)"
    text = f"{header}\n{body}"
    if len(text) > NOTES_MAX:
        raise RuleViolation(
            "too-long",
            f"The notes carried over to the new NSI would be {len(text):,} characters with "
            f"the line saying where they came from; the most allowed is {NOTES_MAX:,}. "
            f"Shorten this NSI's notes by {len(text) - NOTES_MAX:,} characters (Update NSI), "
            "then switch again.", "notes")
    return text
