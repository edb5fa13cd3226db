"""A person's history in words: every change to their record from the audit trail, newest
first — who, when, what, and each value before and after ("Print needs: Standard → Large").

Read-only. The audit trail keeps before and after as the operations saved them; this turns
their field names and stored codes into the words the window uses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from probation_desk.domain.dates import uk
from probation_desk.services.desk import Desk

ACTIONS: dict[str, str] = {
    "add person": "Added the person",
    "update person": "Changed the person's details",
    "add order": "Added an order",
    "update order": "Changed an order",
    "terminate rar requirement": "Ended a RAR requirement",
    "open nsi": "Opened an NSI",
    "update nsi": "Updated an NSI",
    "close nsi": "Closed an NSI",
    "switch toolkit (close)": "Switched toolkit: closed the NSI",
    "switch toolkit (open)": "Switched toolkit: opened the new NSI",
    "close duplicate nsi": "Closed a duplicate NSI",
    "sweep close nsi": "Closed automatically (toolkit withdrawn) by Probation Desk",
    "record module session": "Recorded a module session",
    "edit module session": "Corrected a module session",
    "withdraw module session": "Withdrew a module session recorded in error",
    "refer to structured intervention": "Referred to a Structured Intervention",
    "start structured intervention": "Started a Structured Intervention",
    "sign off": "Signed off the module completion",
    "mark not ready": "Marked not ready yet",
    "add contact": "Booked an appointment or recorded a contact",
    "record contact outcome": "Recorded an appointment's outcome",
    "edit contact notes": "Changed a contact's notes",
    "add contact correction": "Added a note of correction",
    "cancel appointment": "Cancelled an appointment",
    "print workbook": "Printed a workbook",
}
"""Each audited action in words (an import's ``import <record>`` is worded on its own)."""

LABELS: dict[str, str] = {
    "crn": "CRN", "name": "Name", "date_of_birth": "Date of birth", "region": "Region",
    "pdu": "PDU", "practitioner": "Practitioner", "language": "Language",
    "print_needs": "Print needs", "toolkit": "Toolkit", "status": "Status",
    "referral_date": "Referral date", "expected_start": "Expected start",
    "expected_end": "Expected end", "actual_start": "Actual start", "actual_end": "Actual end",
    "outcome": "Outcome", "notes": "Notes", "session_date": "Session date",
    "supporter_role": "Supporter's role", "supporter_name": "Supported by",
    "completed": "Completed", "kind": "Kind", "start": "Start", "end": "End",
    "rar_max_days": "RAR days", "at": "When", "contact_type": "Contact type",
    "absence_reason": "Reason", "cancelled_on": "Cancelled on", "reason": "Reason",
    "on": "Date", "by": "By", "comment": "Comment", "need_area": "Need area",
    "start_date": "Start date", "edition": "Edition", "workbook": "Workbook",
    "large_print": "Large print", "booklet": "Booklet", "fillable": "Fillable",
    "order_id": "Order", "rar": "RAR",
}


@dataclass(frozen=True)
class Change:
    """One field's change: its label, the value before and the value after, in words."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class HistoryLine:
    """One change to the record."""

    at: dt.datetime
    who: str
    what: str
    changes: tuple[Change, ...] = ()

    def text(self) -> str:
        """The line as one sentence (for the command line)."""
        details = "; ".join(f"{c.field}: {c.before} → {c.after}" if c.before else
                            f"{c.field}: {c.after}" for c in self.changes)
        when = f"{self.at.astimezone(dt.UTC):%d/%m/%Y %H:%M} UTC"
        return f"{when}  {self.who}  {self.what}" + (f" — {details}" if details else "")


def words(value: Any) -> str:
    """A stored value as the window shows it: dates in UK form, codes in words."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        try:
            return uk(dt.date.fromisoformat(value))
        except ValueError:
            pass
        if len(value) >= 16 and value[4] == "-" and value[10] == "T":  # a stored date-time
            try:
                at = dt.datetime.fromisoformat(value)
            except ValueError:
                pass
            else:  # a date-only contact is stored at midnight: no time then
                return uk(at.date()) + (f" {at:%H:%M}" if at.time() != dt.time() else "")
        if value.isupper() and value.replace("_", "").isalpha():
            return value.replace("_", " ").capitalize()
        return value
    if isinstance(value, list | tuple):
        return ", ".join(words(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{LABELS.get(k, k)} {words(v)}" for k, v in value.items())
    return str(value)


SKIPPED = ("id", "version", "person_id", "file", "line", "open_nsis", "module_status")
"""Keys not shown: internal ones, and figures the record works out from the rest (a
person's open NSIs and module status change with the NSIs and sessions, shown there)."""


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> tuple[Change, ...]:
    before, after = before or {}, after or {}
    out = []
    for key in list(after) + [k for k in before if k not in after]:
        if key in SKIPPED:
            continue
        old, new = words(before.get(key)), words(after.get(key))
        if key == "order_id":  # the order's reference, as the record shows it
            old, new = (f"O{v}" if v else "" for v in (old, new))
        if old != new:
            out.append(Change(LABELS.get(key, key.replace("_", " ").capitalize()), old, new))
    return tuple(out)


def _what(action: str, entity: str, entity_id: int | None) -> str:
    if action.startswith("import "):
        text = f"Imported {action.removeprefix('import ').replace('_', ' ')}"
    else:
        text = ACTIONS.get(action, action.capitalize())
    letter = {"nsi": "N", "module_session": "S", "contact": "C", "si_referral": "R",
              "sentence_order": "O", "sign_off": "SO"}.get(entity)
    return f"{text} ({letter}{entity_id})" if letter and entity_id is not None else text


def history(desk: Desk, person_id: int, limit: int = 1000) -> list[HistoryLine]:
    """Every change to the person's record, newest first, in words."""
    desk.person(person_id)  # refused in words when there is no such person
    return [HistoryLine(a.at, a.actor, _what(a.action, a.entity, a.entity_id),
                        _changes(a.before, a.after))
            for a in desk.audit(person_id, limit)]
